-- `users.sign_on_version` moves whenever what the authorization and token endpoints read about a
-- person on every single sign-on changes: their user row or one of their remembered consents
-- (issue 24). Each instance keeps copies of those rows tagged with the version they were read
-- under, and trusts a copy only in a write that checks, in the same statement, that the version
-- has not moved since (the code's INSERT, the code's redemption). So no decision rests on a stale
-- copy, whoever made the change: this instance, another one, the CLI or an operator's manual SQL.
-- It is not the SCIM resource's `version` (its ETag), which a consent does not change.
-- Keep identical in meaning to ../sqlite/0024_sign_on_version.sql.
ALTER TABLE users ADD COLUMN sign_on_version BIGINT NOT NULL DEFAULT 0;

-- Any change to the row, unless it is this very bump (the condition also keeps it from firing
-- itself).
CREATE FUNCTION bump_sign_on_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET sign_on_version = sign_on_version + 1 WHERE id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER users_sign_on_version AFTER UPDATE ON users
    FOR EACH ROW WHEN (NEW.sign_on_version = OLD.sign_on_version)
    EXECUTE FUNCTION bump_sign_on_version();

-- Not `last_used_at` alone: a sign-in records its use hourly, which decides nothing. An
-- `INSERT … ON CONFLICT DO UPDATE` that updates fires the UPDATE trigger.
CREATE FUNCTION bump_consenting_sign_on_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE users SET sign_on_version = sign_on_version + 1 WHERE id = OLD.user_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE users SET sign_on_version = sign_on_version + 1 WHERE id = NEW.user_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER consents_sign_on_version
    AFTER INSERT OR DELETE OR UPDATE OF user_id, client_id, scopes ON consents
    FOR EACH ROW EXECUTE FUNCTION bump_consenting_sign_on_version();
