-- Dynamic client registration (RFC 7591, RFC 7592; src/oauth/registration/) and what the consent
-- page shows about a client. Keep identical to the other tree's 0015_dynamic_registration.sql.

-- How the client came to exist: `operator` (`tessera client create`) or `dynamic` (POST
-- /register). A dynamic client is never first-party and is marked "not verified" to people.
ALTER TABLE clients ADD COLUMN registered_by TEXT NOT NULL DEFAULT 'operator';
-- SHA-256 of the registration access token (RFC 7592 §3) that manages a dynamic client; NULL
-- for a client created by the operator.
ALTER TABLE clients ADD COLUMN registration_token_hash TEXT;
-- Registration metadata shown to people or echoed back (RFC 7591 §2): https URLs (http only on
-- loopback), a JSON list of contacts, the software's id and version as the client sent them.
ALTER TABLE clients ADD COLUMN client_uri TEXT;
ALTER TABLE clients ADD COLUMN logo_uri TEXT;
ALTER TABLE clients ADD COLUMN policy_uri TEXT;
ALTER TABLE clients ADD COLUMN tos_uri TEXT;
ALTER TABLE clients ADD COLUMN contacts TEXT;
ALTER TABLE clients ADD COLUMN software_id TEXT;
ALTER TABLE clients ADD COLUMN software_version TEXT;

-- Initial access tokens (RFC 7591 §3): `tessera registration token create` prints one; in
-- `[registration] mode = "token"` POST /register needs one. Only the SHA-256 of the 256-bit token
-- is stored.
CREATE TABLE initial_access_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- Registrations it may still make; spent in the transaction that stores the client.
    uses_left BIGINT NOT NULL
);
CREATE INDEX initial_access_tokens_expires_at ON initial_access_tokens (expires_at);
