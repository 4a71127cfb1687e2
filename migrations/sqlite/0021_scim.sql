-- SCIM 2.0 provisioning (RFC 7643, RFC 7644): the User attributes Tessera did not hold, a
-- version per user and per group (the ETag, RFC 7644 §3.14), and groups as resources.
-- Keep identical to ../postgres/0021_scim.sql.

-- `name.givenName`, `name.familyName`, `displayName`, `externalId` (`users.name` is
-- `name.formatted`). `version` grows by one at every change through SCIM; a write names the
-- version it read, so of two concurrent writes one wins and one is refused (412).
ALTER TABLE users ADD COLUMN given_name TEXT;
ALTER TABLE users ADD COLUMN family_name TEXT;
ALTER TABLE users ADD COLUMN display_name TEXT;
ALTER TABLE users ADD COLUMN external_id TEXT;
-- `emails[].primary` of the one address kept, as the client sent it (NULL: not said).
ALTER TABLE users ADD COLUMN email_primary BIGINT;
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
-- What SCIM filters and sorts use (userName and emails.value have their unique indexes).
CREATE INDEX users_external_id ON users (external_id);
CREATE INDEX users_display_name ON users (display_name);
CREATE INDEX users_created_at ON users (created_at);
CREATE INDEX users_updated_at ON users (updated_at);

-- A group as a SCIM resource. Membership stays in `user_groups` under the group's name, which
-- is what the `groups` claim carries; renaming a group renames its memberships.
CREATE TABLE scim_groups (
    id           TEXT PRIMARY KEY,
    display_name TEXT NOT NULL UNIQUE,  -- the name in user_groups and in the `groups` claim
    external_id  TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX scim_groups_external_id ON scim_groups (external_id);
CREATE INDEX user_groups_group_name ON user_groups (group_name);

-- The groups users are already in become resources, their name as their id (new groups get a
-- random one).
INSERT INTO scim_groups (id, display_name, created_at, updated_at)
SELECT DISTINCT group_name, group_name, 0, 0 FROM user_groups;
