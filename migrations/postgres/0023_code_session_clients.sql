-- A code issued in a browser session records its client as signed in to that session
-- (Back-Channel Logout 1.0 §2.3: whom to notify when it ends) in the code's own INSERT, through
-- a trigger: one statement instead of a transaction of two. On SQLite each statement is a round
-- trip to the connection's thread, and BEGIN and COMMIT are two more (issue 24).
-- Keep identical in meaning to ../sqlite/0023_code_session_clients.sql.

-- When the code's session is over at the latest (auth_time + session.absolute_timeout): the
-- expiry of the session client the trigger records. Set whenever session_id is.
ALTER TABLE auth_codes ADD COLUMN session_expires_at BIGINT;

-- Idempotent: a later code in the same session only moves the expiry. A code with a session
-- but no session_expires_at fails as a whole (session_clients.expires_at is NOT NULL).
CREATE FUNCTION record_session_client() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO session_clients (sid, client_id, created_at, expires_at)
        VALUES (NEW.session_id, NEW.client_id, NEW.created_at, NEW.session_expires_at)
        ON CONFLICT (sid, client_id) DO UPDATE SET expires_at = excluded.expires_at;
    RETURN NULL;
END;
$$;

CREATE TRIGGER auth_codes_session_client AFTER INSERT ON auth_codes
    FOR EACH ROW WHEN (NEW.session_id IS NOT NULL) EXECUTE FUNCTION record_session_client();
