-- DPoP (RFC 9449): sender-constrained tokens.
-- Keep identical to ../sqlite/0020_dpop.sql.

-- Proofs already accepted (RFC 9449 §11.1), so a replay fails on every instance sharing the
-- database. The key is the SHA-256 hex of the proof key's thumbprint and its `jti`; a row is
-- kept until the proof's `iat` is out of the accepted window (`[dpop] max_clock_skew`).
CREATE TABLE dpop_proofs (
    proof_hash TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX dpop_proofs_expires_at ON dpop_proofs (expires_at);

-- The `dpop_jkt` authorization parameter (RFC 9449 §10): the code can only be redeemed with a
-- proof made by the key of this JWK SHA-256 thumbprint.
ALTER TABLE auth_codes ADD COLUMN dpop_jkt TEXT;

-- The key a public client's refresh tokens are bound to (RFC 9449 §5): every refresh of the
-- family needs a proof by that key. NULL: not bound.
ALTER TABLE refresh_families ADD COLUMN dpop_jkt TEXT;

-- Registration metadata `dpop_bound_access_tokens` (RFC 9449 §5.2): 1 when every token
-- request of the client must carry a DPoP proof.
ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens BIGINT NOT NULL DEFAULT 0;
