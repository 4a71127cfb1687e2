-- Sign-ins through upstream identity providers (`[[upstream]]` in config.toml): which local
-- account each upstream account signs in to. Keep identical to ../postgres/0022_upstream_links.sql.

-- One row per linked upstream account. Times are Unix seconds.
CREATE TABLE upstream_links (
    -- The upstream's configured `id` (as in its callback URL).
    upstream_id TEXT NOT NULL,
    -- The account at the upstream: the ID token's `sub`, or the userinfo's subject_claim.
    subject     TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (upstream_id, subject)
);
CREATE INDEX upstream_links_user_id ON upstream_links (user_id);
