-- Pairwise subject identifiers (OpenID Connect Core §8.1).
-- Keep identical to ../sqlite/0018_pairwise_subjects.sql.

-- `public` or `pairwise`: which `sub` the client sees.
ALTER TABLE clients ADD COLUMN subject_type TEXT NOT NULL DEFAULT 'public';
-- The client's sector_identifier_uri (its host is the sector); NULL: the redirect URIs' host.
ALTER TABLE clients ADD COLUMN sector_identifier_uri TEXT;

-- The pairwise subjects issued in access tokens, so that /userinfo and token exchange can find
-- the person a pairwise `sub` names (the keyed hash cannot be reversed). Filled on first issue.
CREATE TABLE pairwise_subjects (
    sector  TEXT NOT NULL,
    sub     TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (sector, sub)
);
