-- Tessera schema, PostgreSQL flavour. Timestamps are Unix seconds (BIGINT); lists are JSON text.
-- Keep this file and ../sqlite/0001_initial.sql column-for-column identical.

-- People who sign in. `id` is the stable OIDC subject (`sub`), never the username.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    email         TEXT,
    name          TEXT,
    password_hash TEXT NOT NULL,          -- argon2id PHC string
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- Registered relying parties and service clients.
CREATE TABLE clients (
    client_id                 TEXT PRIMARY KEY,
    name                      TEXT NOT NULL,
    secret_hash               TEXT,       -- hex SHA-256 of the generated secret; NULL for public/private_key_jwt
    auth_method               TEXT NOT NULL,
    redirect_uris             TEXT NOT NULL,  -- JSON array of exact strings
    post_logout_redirect_uris TEXT NOT NULL,  -- JSON array
    grant_types               TEXT NOT NULL,  -- JSON array
    scopes                    TEXT NOT NULL,  -- space-separated scopes the client may request
    jwks_uri                  TEXT,
    jwks                      TEXT,           -- registered JWK Set (private_key_jwt)
    id_token_alg              TEXT,           -- id_token_signed_response_alg, NULL = server default
    first_party               BIGINT NOT NULL DEFAULT 0,
    backchannel_logout_uri    TEXT,
    created_at                BIGINT NOT NULL
);

-- Signing keys, shared by every instance. Private parts are AES-256-GCM encrypted under keys/kek.key.
CREATE TABLE signing_keys (
    kid          TEXT PRIMARY KEY,
    alg          TEXT NOT NULL,
    state        TEXT NOT NULL,           -- next | active | retired
    public_jwk   TEXT NOT NULL,           -- JSON, public members only
    private_enc  TEXT NOT NULL,           -- base64(nonce || ciphertext) of the private JWK
    created_at   BIGINT NOT NULL,
    activated_at BIGINT,
    retired_at   BIGINT,
    expires_at   BIGINT                   -- retired keys leave the JWKS after this
);
-- At most one next and one active key per algorithm, whatever instances race to insert.
CREATE UNIQUE INDEX signing_keys_one_live ON signing_keys (alg, state) WHERE state <> 'retired';

-- Authorization codes (RFC 6749 §4.1.2), stored by hash, single use.
CREATE TABLE auth_codes (
    code_hash             TEXT PRIMARY KEY,
    client_id             TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    redirect_uri          TEXT NOT NULL,
    scope                 TEXT NOT NULL,
    nonce                 TEXT,
    code_challenge        TEXT,
    code_challenge_method TEXT,
    auth_time             BIGINT NOT NULL,
    session_id            TEXT,            -- the OP session (`sid`)
    claims                TEXT,            -- JSON `claims` request parameter, if any
    created_at            BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL,
    used_at               BIGINT,
    access_jti            TEXT,            -- tokens issued from this code, revoked on reuse
    refresh_family_id     TEXT
);

-- A refresh-token family: one grant, rotated on every use (RFC 9700 §4.14.2).
CREATE TABLE refresh_families (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    scope       TEXT NOT NULL,            -- the scope granted; refreshes may narrow it
    auth_time   BIGINT NOT NULL,
    session_id  TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,          -- absolute lifetime
    revoked_at  BIGINT
);
CREATE INDEX refresh_families_session ON refresh_families (session_id);

-- Every refresh token ever issued in a family; only the newest unused one is live.
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    family_id   TEXT NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,          -- idle lifetime
    used_at     BIGINT,
    access_jti  TEXT                      -- the access token issued with it
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- Revoked JWT access tokens, kept until they would have expired anyway.
CREATE TABLE revoked_jtis (
    jti        TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL
);
CREATE INDEX revoked_jtis_revoked_at ON revoked_jtis (revoked_at);

-- Remembered consent per user and client.
CREATE TABLE consents (
    user_id    TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    scopes     TEXT NOT NULL,             -- space-separated scopes granted
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

-- private_key_jwt assertion ids already seen (RFC 7523 §3 item 7), until they expire.
CREATE TABLE used_assertions (
    client_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, jti)
);
