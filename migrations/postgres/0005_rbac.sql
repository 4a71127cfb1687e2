-- Roles and permissions carried in tokens (issue 8). Keep identical to ../sqlite/0005_rbac.sql.

-- A named bundle of permissions.
CREATE TABLE roles (
    name        TEXT PRIMARY KEY,
    description TEXT,
    created_at  BIGINT NOT NULL
);

-- A permission `resource:action`, e.g. `reports:read`.
CREATE TABLE permissions (
    name     TEXT PRIMARY KEY,
    resource TEXT NOT NULL,
    action   TEXT NOT NULL
);

CREATE TABLE role_permissions (
    role_name       TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
    permission_name TEXT NOT NULL REFERENCES permissions (name) ON DELETE CASCADE,
    PRIMARY KEY (role_name, permission_name)
);

-- Roles held by users.
CREATE TABLE user_roles (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_name TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_name)
);

-- Roles held by confidential clients acting for themselves (service accounts).
CREATE TABLE client_roles (
    client_id TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    role_name TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
    PRIMARY KEY (client_id, role_name)
);

-- Groups users belong to (the `groups` claim).
CREATE TABLE user_groups (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_name TEXT NOT NULL,
    PRIMARY KEY (user_id, group_name)
);
