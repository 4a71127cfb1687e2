-- Issue 5: refresh rotation and revocation cascades.
-- When a refresh family is revoked (reuse detected, RFC 7009 revocation), the access tokens
-- issued in it are added to revoked_jtis until they would have expired. Remember that expiry
-- next to the jti; NULL for rows written before this migration or by code that does not know it
-- (the revocation then falls back to the refresh token's own expires_at, which is later).
ALTER TABLE refresh_tokens ADD COLUMN access_expires_at BIGINT;
-- Hash of the token that replaced this one when it was used: lets a retry within
-- tokens.refresh_reuse_grace supersede that successor instead of counting as theft.
ALTER TABLE refresh_tokens ADD COLUMN replaced_by TEXT;

-- The revocation list is re-read by every instance every second by revoked_at (see
-- src/oauth/revocation.rs); expired rows are purged by expires_at.
CREATE INDEX revoked_jtis_expires_at ON revoked_jtis (expires_at);
-- used_assertions are purged by expiry.
CREATE INDEX used_assertions_expires_at ON used_assertions (expires_at);
