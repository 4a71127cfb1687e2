-- Pushed authorization requests (RFC 9126) and signed request objects (RFC 9101).
-- Keep identical to ../sqlite/0019_pushed_and_signed_requests.sql.

-- One row per pushed authorization request, until it is used (deleted by the /authorize that
-- uses it: single use) or expires. Only the SHA-256 of the request_uri is stored.
CREATE TABLE pushed_requests (
    request_uri_hash TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    -- The checked authorization parameters (a request object's, if one was sent), as a JSON
    -- object of strings.
    params           TEXT NOT NULL,
    expires_at       BIGINT NOT NULL
);
CREATE INDEX pushed_requests_expires_at ON pushed_requests (expires_at);

-- jti of request objects already accepted, remembered until the object expires, so a replay
-- fails on every instance (RFC 9101 §10.8).
CREATE TABLE used_request_objects (
    client_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX used_request_objects_expires_at ON used_request_objects (expires_at);

-- Per-client request policy: authorization requests only through PAR (RFC 9126 §6
-- require_pushed_authorization_requests), only as a signed request object (RFC 9101 §10.5
-- require_signed_request_object), and the one algorithm its request objects use (OIDC Dynamic
-- Client Registration §2 request_object_signing_alg; NULL: any asymmetric one Tessera knows).
ALTER TABLE clients ADD COLUMN require_par BIGINT NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN require_signed_request_object BIGINT NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN request_object_signing_alg TEXT;
-- A security profile the client is held to: `fapi2` (FAPI 2.0 Security Profile), or NULL.
ALTER TABLE clients ADD COLUMN profile TEXT;
