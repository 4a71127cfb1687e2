-- Email verification and password reset (src/services/email/, src/pages/email.rs).
-- Keep identical to the other tree's 0011_email.sql.

-- 1 once the person followed a verification link sent to their current address; any change of
-- address sets it back to 0 (Store::set_user_email). The `email_verified` claim reads it.
ALTER TABLE users ADD COLUMN email_verified BIGINT NOT NULL DEFAULT 0;

-- Single-use links sent by email. Only the SHA-256 of the 256-bit token is stored; the link
-- itself exists only in the message.
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    -- `verify` (confirms `email`) or `reset` (sets a new password).
    purpose TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The address the link was sent to: the link works only while the user still has it.
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- When the link was followed; a link works once.
    used_at BIGINT
);
CREATE INDEX email_tokens_user_id ON email_tokens (user_id);
CREATE INDEX email_tokens_expires_at ON email_tokens (expires_at);
