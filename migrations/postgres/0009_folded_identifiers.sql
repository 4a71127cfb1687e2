-- Usernames and email addresses compared under one identifier profile (src/domain/identifier.rs:
-- NFKC, then lowercase): `Alice`, `alice` and a fullwidth `ａｌｉｃｅ` are one name.
-- Keep identical to ../sqlite/0009_folded_identifiers.sql.
--
-- SQL's lower() is not that profile, so the columns are filled in Rust: new rows by the store
-- when they are written, rows from before this migration by `Store::migrate` right after it
-- runs (src/store/identifiers.rs). That step refuses to start while two rows share a folded
-- value, naming them, instead of merging two accounts; once none do, it creates the unique
-- indexes `users_username_folded_key` and `users_email_folded_key`. After renaming a user by
-- hand, set the row's folded columns to NULL: the next start computes them again.

-- The username's folded form: what is unique, looked up at sign-in and throttled.
ALTER TABLE users ADD COLUMN username_folded TEXT;
-- The email address's folded form (the whole address); NULL when there is no email.
ALTER TABLE users ADD COLUMN email_folded TEXT;
