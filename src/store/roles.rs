//! Roles, permissions and groups (RBAC), and what a subject holds at issuance time.

use sqlx::Row;

use super::{Store, StoreResult, conflict_as};
use crate::domain::Username;

/// A role as listed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RoleRow {
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    /// How many users and clients hold the role.
    pub holders: i64,
}

/// Roles, permissions and groups of one subject, each sorted and without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Authz {
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    pub groups: Vec<String>,
}

/// Outcome of giving a role to a user or client.
#[derive(Debug, PartialEq, Eq)]
pub enum Assignment {
    Done,
    NoSuchRole,
    /// The user or client does not exist.
    NoSuchHolder,
}

/// Outcome of deleting a role.
#[derive(Debug, PartialEq, Eq)]
pub enum RoleDeletion {
    Deleted,
    NotFound,
    /// Held by this many users and clients; nothing was deleted.
    InUse(i64),
}

impl Store {
    /// Creates a role with its permissions (each `resource:action`), all or nothing.
    pub async fn create_role(
        &self,
        name: &str,
        description: Option<&str>,
        permissions: &[(String, String, String)],
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO roles (name, description, created_at) VALUES ($1, $2, $3)")
            .bind(name)
            .bind(description)
            .bind(self.clock.now())
            .execute(&mut *tx)
            .await
            .map_err(conflict_as("role"))?;
        for (perm, resource, action) in permissions {
            grant(&mut tx, name, perm, resource, action).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds a permission to a role; false when the role does not exist.
    pub async fn grant_permission(
        &self,
        role: &str,
        perm: &str,
        resource: &str,
        action: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        if !role_exists(&mut tx, role).await? {
            return Ok(false);
        }
        grant(&mut tx, role, perm, resource, action).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every role with its permissions and number of holders.
    pub async fn list_roles(&self) -> StoreResult<Vec<RoleRow>> {
        let rows = sqlx::query(
            "SELECT r.name, r.description,
                    (SELECT COUNT(*) FROM user_roles u WHERE u.role_name = r.name)
                  + (SELECT COUNT(*) FROM client_roles c WHERE c.role_name = r.name) AS holders
             FROM roles r ORDER BY r.name",
        )
        .fetch_all(self.pool())
        .await?;
        let grants = sqlx::query(
            "SELECT role_name, permission_name FROM role_permissions ORDER BY permission_name",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let name: String = r.try_get("name")?;
            let permissions = grants
                .iter()
                .filter(|g| {
                    g.try_get::<String, _>("role_name").ok().as_deref() == Some(name.as_str())
                })
                .filter_map(|g| g.try_get::<String, _>("permission_name").ok())
                .collect();
            out.push(RoleRow {
                description: r.try_get("description")?,
                holders: r.try_get("holders")?,
                permissions,
                name,
            });
        }
        Ok(out)
    }

    /// Deletes a role; one still held is refused unless `force`.
    pub async fn delete_role(&self, name: &str, force: bool) -> StoreResult<RoleDeletion> {
        let mut tx = self.begin_write().await?;
        if !role_exists(&mut tx, name).await? {
            return Ok(RoleDeletion::NotFound);
        }
        let holders: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM user_roles WHERE role_name = $1) + (SELECT COUNT(*) FROM client_roles WHERE role_name = $1)",
        )
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
        if holders > 0 && !force {
            return Ok(RoleDeletion::InUse(holders));
        }
        for sql in [
            "DELETE FROM user_roles WHERE role_name = $1",
            "DELETE FROM client_roles WHERE role_name = $1",
            "DELETE FROM role_permissions WHERE role_name = $1",
            "DELETE FROM roles WHERE name = $1",
        ] {
            sqlx::query(sql).bind(name).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(RoleDeletion::Deleted)
    }

    /// Gives a user a role (idempotent).
    pub async fn add_user_role(&self, username: &Username, role: &str) -> StoreResult<Assignment> {
        let mut tx = self.begin_write().await?;
        if !role_exists(&mut tx, role).await? {
            return Ok(Assignment::NoSuchRole);
        }
        let user: Option<String> =
            sqlx::query_scalar("SELECT id FROM users WHERE username_folded = $1")
                .bind(username.folded())
                .fetch_optional(&mut *tx)
                .await?;
        let Some(user) = user else {
            return Ok(Assignment::NoSuchHolder);
        };
        sqlx::query("INSERT INTO user_roles (user_id, role_name) VALUES ($1, $2) ON CONFLICT (user_id, role_name) DO NOTHING")
            .bind(user)
            .bind(role)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Assignment::Done)
    }

    /// Takes a role from a user; false when the user did not hold it.
    pub async fn remove_user_role(&self, username: &Username, role: &str) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("DELETE FROM user_roles WHERE role_name = $1 AND user_id IN (SELECT id FROM users WHERE username_folded = $2)")
            .bind(role)
            .bind(username.folded())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a client a role (service accounts; idempotent).
    pub async fn add_client_role(&self, client_id: &str, role: &str) -> StoreResult<Assignment> {
        let mut tx = self.begin_write().await?;
        if !role_exists(&mut tx, role).await? {
            return Ok(Assignment::NoSuchRole);
        }
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE client_id = $1")
            .bind(client_id)
            .fetch_one(&mut *tx)
            .await?;
        if exists == 0 {
            return Ok(Assignment::NoSuchHolder);
        }
        sqlx::query("INSERT INTO client_roles (client_id, role_name) VALUES ($1, $2) ON CONFLICT (client_id, role_name) DO NOTHING")
            .bind(client_id)
            .bind(role)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Assignment::Done)
    }

    /// Takes a role from a client; false when it did not hold it.
    pub async fn remove_client_role(&self, client_id: &str, role: &str) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("DELETE FROM client_roles WHERE client_id = $1 AND role_name = $2")
            .bind(client_id)
            .bind(role)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts a user in a group; false when the user does not exist.
    pub async fn add_user_group(&self, username: &Username, group: &str) -> StoreResult<bool> {
        let user: Option<String> =
            sqlx::query_scalar("SELECT id FROM users WHERE username_folded = $1")
                .bind(username.folded())
                .fetch_optional(self.pool())
                .await?;
        let Some(user) = user else { return Ok(false) };
        let mut tx = self.begin_write().await?;
        // The group is a SCIM resource too (`scim_groups.rs`).
        super::scim_groups::ensure_group(&mut tx, group, self.clock.now()).await?;
        sqlx::query("INSERT INTO user_groups (user_id, group_name) VALUES ($1, $2) ON CONFLICT (user_id, group_name) DO NOTHING")
            .bind(user)
            .bind(group)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Takes a user out of a group; false when they were not in it.
    pub async fn remove_user_group(&self, username: &Username, group: &str) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("DELETE FROM user_groups WHERE group_name = $1 AND user_id IN (SELECT id FROM users WHERE username_folded = $2)")
            .bind(group)
            .bind(username.folded())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// What a user holds right now (read at every issuance, so changes apply at the next token).
    pub async fn user_authz(&self, user_id: &str) -> StoreResult<Authz> {
        let (roles, permissions) = self
            .roles_with_permissions(
                "SELECT h.role_name, rp.permission_name FROM user_roles h
                 LEFT JOIN role_permissions rp ON rp.role_name = h.role_name WHERE h.user_id = $1",
                user_id,
            )
            .await?;
        let groups = names(
            self,
            "SELECT group_name FROM user_groups WHERE user_id = $1 ORDER BY group_name",
            user_id,
        )
        .await?;
        Ok(Authz {
            roles,
            permissions,
            groups,
        })
    }

    /// What a client holds right now (client_credentials, on the token endpoint's hot path:
    /// one round trip).
    pub async fn client_authz(&self, client_id: &str) -> StoreResult<Authz> {
        let (roles, permissions) = self
            .roles_with_permissions(
                "SELECT h.role_name, rp.permission_name FROM client_roles h
                 LEFT JOIN role_permissions rp ON rp.role_name = h.role_name WHERE h.client_id = $1",
                client_id,
            )
            .await?;
        Ok(Authz {
            roles,
            permissions,
            groups: Vec::new(),
        })
    }

    /// Runs a (role_name, permission_name) query for one holder and returns both lists sorted
    /// and without duplicates, in a single round trip.
    async fn roles_with_permissions(
        &self,
        sql: &str,
        key: &str,
    ) -> StoreResult<(Vec<String>, Vec<String>)> {
        let rows: Vec<(String, Option<String>)> =
            sqlx::query_as(sql).bind(key).fetch_all(self.pool()).await?;
        let mut roles = std::collections::BTreeSet::new();
        let mut permissions = std::collections::BTreeSet::new();
        for (role, permission) in rows {
            roles.insert(role);
            permissions.extend(permission);
        }
        Ok((
            roles.into_iter().collect(),
            permissions.into_iter().collect(),
        ))
    }
}

async fn names(store: &Store, sql: &str, key: &str) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(sql)
        .bind(key)
        .fetch_all(store.pool())
        .await?)
}

async fn role_exists(tx: &mut sqlx::AnyConnection, name: &str) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM roles WHERE name = $1")
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
    Ok(n > 0)
}

async fn grant(
    tx: &mut sqlx::AnyConnection,
    role: &str,
    perm: &str,
    resource: &str,
    action: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO permissions (name, resource, action) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
        .bind(perm)
        .bind(resource)
        .bind(action)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO role_permissions (role_name, permission_name) VALUES ($1, $2) ON CONFLICT (role_name, permission_name) DO NOTHING")
        .bind(role)
        .bind(perm)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
