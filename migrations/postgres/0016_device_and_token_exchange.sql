-- The device authorization grant (RFC 8628) and token exchange (RFC 8693).
-- Keep identical to ../sqlite/0016_device_and_token_exchange.sql.

-- One row per device authorization request. Neither code is stored: only the SHA-256 of the
-- device code and of the normalised user code (8 letters, no dash). Times are Unix seconds.
CREATE TABLE device_codes (
    device_code_hash TEXT PRIMARY KEY,
    user_code_hash   TEXT NOT NULL UNIQUE,
    client_id        TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    -- The scope asked for at /device_authorization, space-separated.
    scope            TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    -- Seconds the device must wait between polls; grows by 5 at each slow_down (RFC 8628 §3.5).
    interval_secs    BIGINT NOT NULL,
    -- The earliest time the next poll is answered with anything but slow_down.
    next_poll_at     BIGINT NOT NULL,
    -- `pending`, `approved`, `denied` or `used` (tokens issued, at most once).
    status           TEXT NOT NULL,
    -- Who approved, when they signed in, and in which OP session (`sid`): set on approval.
    user_id          TEXT,
    auth_time        BIGINT,
    session_id       TEXT,
    -- How they signed in (`amr`, as the session holds it), for the ID token's amr and acr.
    amr              TEXT
);
CREATE INDEX device_codes_expires_at ON device_codes (expires_at);

-- What each client may name as `audience` / `resource` in a token exchange (RFC 8693 §2.1):
-- a JSON list of strings, empty for none.
ALTER TABLE clients ADD COLUMN token_exchange_audiences TEXT NOT NULL DEFAULT '[]';

-- Access tokens issued by token exchange whose subject token belongs to a refresh family: when
-- that family is revoked, these are revoked with it (Store::revoke_refresh_family).
CREATE TABLE exchanged_tokens (
    jti        TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX exchanged_tokens_family_id ON exchanged_tokens (family_id);
-- Finds the family of a subject token's `jti` at token exchange.
CREATE INDEX refresh_tokens_access_jti ON refresh_tokens (access_jti);
