-- The account page (issue 16). Keep identical to the other tree's 0010_account.sql.

-- Every signed-in browser session, so a person can see where they are signed in and end a
-- session from another one, and an operator can end them all. Written at sign-in, its
-- last_seen_at moved at most once a minute, deleted when the session ends; purged once the
-- session's absolute lifetime is over.
CREATE TABLE user_sessions (
    sid          TEXT PRIMARY KEY,   -- the OP session id (the `sid` claim)
    user_id      TEXT NOT NULL,
    record_id    TEXT NOT NULL,      -- the session store's record id, to end the session from elsewhere
    user_agent   TEXT,               -- as sent at sign-in, cut to 256 characters
    ip           TEXT,
    signed_in_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL     -- signed_in_at + session.absolute_timeout
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);
CREATE INDEX user_sessions_expires ON user_sessions (expires_at);

-- When the person last signed in to the client with this consent (moved at most once an hour).
ALTER TABLE consents ADD COLUMN last_used_at BIGINT;
