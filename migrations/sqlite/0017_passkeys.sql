-- Passkeys (WebAuthn discoverable credentials), registered by the person on the account page.
-- Keep identical to ../postgres/0017_passkeys.sql.

-- One row per passkey. The public key, signature counter and backup flags live in
-- `credential`: the JSON form of webauthn-rs's `Passkey`, rewritten with `last_used_at` in
-- one UPDATE when the passkey signs someone in. Times are Unix seconds.
CREATE TABLE passkeys (
    -- The credential id (base64url, no padding): what the authenticator names it by.
    credential_id TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- What the person called it ("Passkey" unless they named it).
    name          TEXT NOT NULL,
    credential    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
CREATE INDEX passkeys_user_id ON passkeys (user_id);
