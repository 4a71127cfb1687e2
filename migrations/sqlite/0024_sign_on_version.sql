-- `users.sign_on_version` moves whenever what the authorization and token endpoints read about a
-- person on every single sign-on changes: their user row or one of their remembered consents
-- (issue 24). Each instance keeps copies of those rows tagged with the version they were read
-- under, and trusts a copy only in a write that checks, in the same statement, that the version
-- has not moved since (the code's INSERT, the code's redemption). So no decision rests on a stale
-- copy, whoever made the change: this instance, another one, the CLI or an operator's manual SQL.
-- It is not the SCIM resource's `version` (its ETag), which a consent does not change.
-- Keep identical in meaning to ../postgres/0024_sign_on_version.sql.
ALTER TABLE users ADD COLUMN sign_on_version BIGINT NOT NULL DEFAULT 0;

-- Any change to the row, unless it is this very bump (the condition also keeps it from firing
-- itself).
CREATE TRIGGER users_sign_on_version AFTER UPDATE ON users
    WHEN NEW.sign_on_version = OLD.sign_on_version
BEGIN UPDATE users SET sign_on_version = sign_on_version + 1 WHERE id = NEW.id; END;

CREATE TRIGGER consents_sign_on_version_insert AFTER INSERT ON consents
BEGIN UPDATE users SET sign_on_version = sign_on_version + 1 WHERE id = NEW.user_id; END;
-- Not `last_used_at` alone: a sign-in records its use hourly, which decides nothing.
CREATE TRIGGER consents_sign_on_version_update
    AFTER UPDATE OF user_id, client_id, scopes ON consents
BEGIN
    UPDATE users SET sign_on_version = sign_on_version + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER consents_sign_on_version_delete AFTER DELETE ON consents
BEGIN UPDATE users SET sign_on_version = sign_on_version + 1 WHERE id = OLD.user_id; END;
