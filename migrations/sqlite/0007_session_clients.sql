-- Back-Channel Logout 1.0 §2.3 "Remembering Logged-In RPs". Keep identical to
-- ../postgres/0007_session_clients.sql.
-- One row per browser session and client a code was issued to in it, so that logout knows whom
-- to notify. Written at code issuance, taken (deleted) at logout, purged once the session's
-- absolute lifetime is over. No foreign key: deleting a client deletes its rows explicitly, as
-- for auth_codes.
CREATE TABLE session_clients (
    sid        TEXT NOT NULL,    -- the OP session id (the `sid` claim)
    client_id  TEXT NOT NULL,
    created_at BIGINT NOT NULL,  -- first code issued to the client in this session
    expires_at BIGINT NOT NULL,  -- auth_time + session.absolute_timeout: the session is over by then
    PRIMARY KEY (sid, client_id)
);
CREATE INDEX session_clients_expires ON session_clients (expires_at);
