//! Users as SCIM resources (RFC 7643 §4.1): the columns SCIM reads and writes, queries by a
//! filter, and writes that name the version they replace (RFC 7644 §3.14).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::scim_sql::{self, Arg, Resource};
use super::{Store, StoreError, StoreResult, WriteTx};
use crate::domain::scim_filter::Filter;
use crate::domain::{Email, Username};

/// A user with everything the SCIM representation shows.
#[derive(Debug, Clone)]
pub struct ScimUserRow {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    /// The address's `primary` flag as sent (`None`: not said).
    pub email_primary: Option<bool>,
    /// `name.formatted` (the `name` claim).
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub external_id: Option<String>,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    pub roles: Vec<String>,
    /// The groups the user is in: (group id, name).
    pub groups: Vec<(String, String)>,
}

/// What a SCIM write sets on a user (all of it: PATCH is applied to the representation first).
#[derive(Debug, Clone)]
pub struct ScimUserFields {
    pub username: Username,
    pub email: Option<Email>,
    pub email_primary: Option<bool>,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub external_id: Option<String>,
    pub active: bool,
    /// A new password's hash; `None` keeps the one stored.
    pub password_hash: Option<String>,
    pub roles: Vec<String>,
}

/// A page of a query (`startIndex` from 1, `count`), and its order.
#[derive(Debug, Clone)]
pub struct ScimQuery<'a> {
    pub filter: Option<&'a Filter>,
    /// A column from [`scim_sql::sort_column`].
    pub sort: Option<&'static str>,
    pub descending: bool,
    pub start_index: i64,
    pub count: i64,
    /// Above this many rows, a filter no index narrows is refused (`[scim] max_rows_scanned`).
    pub max_rows_scanned: i64,
}

/// How a write ended.
#[derive(Debug, PartialEq, Eq)]
pub enum ScimWrite {
    /// Written; the new version.
    Done(i64),
    NotFound,
    /// The resource changed since the version named (412).
    VersionMismatch,
    /// `userName`, `emails` or a group's `displayName` is taken (409 `uniqueness`).
    Taken(&'static str),
    /// A role or member that does not exist.
    Unknown(String),
}

const COLUMNS: &str = "id, username, email, email_primary, name, given_name, family_name, display_name, \
                       external_id, disabled, created_at, updated_at, version";

fn from_row(r: &AnyRow) -> sqlx::Result<ScimUserRow> {
    Ok(ScimUserRow {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        email: r.try_get("email")?,
        email_primary: r
            .try_get::<Option<i64>, _>("email_primary")?
            .map(|p| p != 0),
        name: r.try_get("name")?,
        given_name: r.try_get("given_name")?,
        family_name: r.try_get("family_name")?,
        display_name: r.try_get("display_name")?,
        external_id: r.try_get("external_id")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
        roles: Vec::new(),
        groups: Vec::new(),
    })
}

/// Binds `args` in order to a query.
pub(super) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::Text(s) => q.bind(s.as_str()),
            Arg::Int(i) => q.bind(*i),
        };
    }
    q
}

/// `$first, $first+1, …` for `n` values.
pub(super) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// One user by id (the subject).
    pub async fn scim_user(&self, id: &str) -> StoreResult<Option<ScimUserRow>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut users = vec![from_row(&row)?];
        self.add_memberships(&mut users).await?;
        Ok(users.pop())
    }

    /// The users matching a query and how many match in all; `Err(Ok(reason))` when the filter
    /// names what cannot be filtered on.
    pub async fn scim_users(
        &self,
        q: &ScimQuery<'_>,
    ) -> Result<(i64, Vec<ScimUserRow>), ScimQueryError> {
        let mut args = Vec::new();
        let cond = match q.filter {
            Some(f) => {
                scim_sql::condition(Resource::User, f, &mut args).map_err(ScimQueryError::Filter)?
            }
            None => "1 = 1".into(),
        };
        if let Some(f) = q.filter {
            self.refuse_full_scan(Resource::User, "users", f, q.max_rows_scanned)
                .await?;
        }
        let total: i64 = {
            let sql = format!("SELECT COUNT(*) FROM users WHERE {cond}");
            bind_all(sqlx::query(&sql), &args)
                .fetch_one(self.pool())
                .await
                .and_then(|r| r.try_get(0))
                .map_err(StoreError::from)?
        };
        if q.count == 0 {
            return Ok((total, Vec::new()));
        }
        let order = q.sort.unwrap_or("created_at");
        let dir = if q.descending { "DESC" } else { "ASC" };
        let n = args.len();
        let sql = format!(
            "SELECT {COLUMNS} FROM users WHERE {cond} ORDER BY {order} {dir}, id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        args.push(Arg::Int(q.count));
        args.push(Arg::Int(q.start_index - 1));
        let rows = bind_all(sqlx::query(&sql), &args)
            .fetch_all(self.pool())
            .await
            .map_err(StoreError::from)?;
        let mut users = rows
            .iter()
            .map(from_row)
            .collect::<sqlx::Result<Vec<_>>>()
            .map_err(StoreError::from)?;
        self.add_memberships(&mut users).await?;
        Ok((total, users))
    }

    /// Refuses a filter no index narrows once `table` holds more than `max_rows` rows: it would read all of them, for the count if not for the page (RFC 7644 §3.4.2.2
    /// lets a server refuse a filter it cannot serve).
    pub(super) async fn refuse_full_scan(
        &self,
        resource: Resource,
        table: &str,
        filter: &Filter,
        max_rows: i64,
    ) -> Result<(), ScimQueryError> {
        if scim_sql::narrowed(resource, filter) {
            return Ok(());
        }
        // Counts at most one row past the limit, whatever the table's size.
        let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT $1) AS head");
        let rows: i64 = sqlx::query(&sql)
            .bind(max_rows + 1)
            .fetch_one(self.pool())
            .await
            .and_then(|r| r.try_get(0))
            .map_err(StoreError::from)?;
        if rows > max_rows {
            return Err(ScimQueryError::Filter(format!(
                "with more than {max_rows} entries this filter would read every one: add an eq \
                 on id or externalId (for users also userName or emails.value), or a \
                 comparison of meta.created or meta.lastModified, joined with and"
            )));
        }
        Ok(())
    }

    /// Fills in the roles and groups of a page of users (two queries, not two per user).
    async fn add_memberships(&self, users: &mut [ScimUserRow]) -> StoreResult<()> {
        if users.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
        let marks = placeholders(1, ids.len());
        let roles_sql = format!(
            "SELECT user_id, role_name FROM user_roles WHERE user_id IN ({marks}) ORDER BY role_name"
        );
        let groups_sql = format!(
            "SELECT ug.user_id, g.id, g.display_name FROM user_groups ug
             JOIN scim_groups g ON g.display_name = ug.group_name
             WHERE ug.user_id IN ({marks}) ORDER BY g.display_name"
        );
        let mut roles = sqlx::query(&roles_sql);
        let mut groups = sqlx::query(&groups_sql);
        for id in &ids {
            roles = roles.bind(id.as_str());
            groups = groups.bind(id.as_str());
        }
        for r in roles.fetch_all(self.pool()).await? {
            let (user, role): (String, String) = (r.try_get(0)?, r.try_get(1)?);
            if let Some(u) = users.iter_mut().find(|u| u.id == user) {
                u.roles.push(role);
            }
        }
        for r in groups.fetch_all(self.pool()).await? {
            let user: String = r.try_get(0)?;
            if let Some(u) = users.iter_mut().find(|u| u.id == user) {
                u.groups.push((r.try_get(1)?, r.try_get(2)?));
            }
        }
        Ok(())
    }

    /// Creates a user with its roles, all or nothing.
    pub async fn scim_create_user(
        &self,
        id: &str,
        f: &ScimUserFields,
        password_hash: &str,
    ) -> StoreResult<ScimWrite> {
        let now = self.clock.now();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (id, username, username_folded, email, email_folded, name,
                                given_name, family_name, display_name, external_id,
                                password_hash, disabled, created_at, updated_at, version,
                                email_primary)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1, $14)",
        )
        .bind(id)
        .bind(f.username.as_str())
        .bind(f.username.folded())
        .bind(f.email.as_ref().map(Email::as_str))
        .bind(f.email.as_ref().map(Email::folded))
        .bind(f.name.as_deref())
        .bind(f.given_name.as_deref())
        .bind(f.family_name.as_deref())
        .bind(f.display_name.as_deref())
        .bind(f.external_id.as_deref())
        .bind(password_hash)
        .bind(i64::from(!f.active))
        .bind(now)
        .bind(f.email_primary.map(i64::from))
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            return taken(e);
        }
        if let Some(role) = set_roles(&mut tx, id, &f.roles).await? {
            return Ok(ScimWrite::Unknown(role));
        }
        tx.commit().await?;
        Ok(ScimWrite::Done(1))
    }

    /// Replaces a user's attributes and roles if it is still at `version`.
    pub async fn scim_replace_user(
        &self,
        id: &str,
        version: i64,
        f: &ScimUserFields,
        email_changed: bool,
    ) -> StoreResult<ScimWrite> {
        let now = self.clock.now();
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE users SET username = $1, username_folded = $2, email = $3, email_folded = $4,
                    name = $5, given_name = $6, family_name = $7, display_name = $8,
                    external_id = $9, disabled = $10,
                    password_hash = COALESCE($11, password_hash),
                    email_verified = CASE WHEN $12 = 1 THEN 0 ELSE email_verified END,
                    updated_at = $13, version = version + 1, email_primary = $16
             WHERE id = $14 AND version = $15",
        )
        .bind(f.username.as_str())
        .bind(f.username.folded())
        .bind(f.email.as_ref().map(Email::as_str))
        .bind(f.email.as_ref().map(Email::folded))
        .bind(f.name.as_deref())
        .bind(f.given_name.as_deref())
        .bind(f.family_name.as_deref())
        .bind(f.display_name.as_deref())
        .bind(f.external_id.as_deref())
        .bind(i64::from(!f.active))
        .bind(f.password_hash.as_deref())
        .bind(i64::from(email_changed))
        .bind(now)
        .bind(id)
        .bind(version)
        .bind(f.email_primary.map(i64::from))
        .execute(&mut *tx)
        .await;
        match updated {
            Err(e) => return taken(e),
            Ok(done) if done.rows_affected() == 0 => {
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM users WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                return Ok(match exists {
                    Some(_) => ScimWrite::VersionMismatch,
                    None => ScimWrite::NotFound,
                });
            }
            Ok(_) => {}
        }
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some(role) = set_roles(&mut tx, id, &f.roles).await? {
            return Ok(ScimWrite::Unknown(role));
        }
        tx.commit().await?;
        Ok(ScimWrite::Done(version + 1))
    }

    /// Removes a person and their data (consents, factors, sessions, grants, roles, groups) in
    /// one transaction; false when there was no such user. Their sessions and refresh tokens
    /// are ended and revoked first by the caller (`account::sign_out::end_sessions`).
    pub async fn scim_delete_user(&self, id: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        for sql in [
            "DELETE FROM refresh_tokens WHERE family_id IN (SELECT id FROM refresh_families WHERE user_id = $1)",
            "DELETE FROM refresh_families WHERE user_id = $1",
            "DELETE FROM auth_codes WHERE user_id = $1",
            "DELETE FROM device_codes WHERE user_id = $1",
            "DELETE FROM consents WHERE user_id = $1",
            "DELETE FROM user_sessions WHERE user_id = $1",
            "DELETE FROM user_totp WHERE user_id = $1",
            "DELETE FROM recovery_codes WHERE user_id = $1",
            "DELETE FROM passkeys WHERE user_id = $1",
            "DELETE FROM email_tokens WHERE user_id = $1",
            "DELETE FROM pairwise_subjects WHERE user_id = $1",
            "DELETE FROM user_roles WHERE user_id = $1",
            "DELETE FROM user_groups WHERE user_id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub enum ScimQueryError {
    /// The filter names an attribute or comparison without a column (`invalidFilter`).
    #[error("{0}")]
    Filter(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Gives the user exactly `roles`; the first role that does not exist, if any (the caller
/// then drops the transaction, which rolls back).
async fn set_roles(
    tx: &mut WriteTx,
    user_id: &str,
    roles: &[String],
) -> StoreResult<Option<String>> {
    for role in roles {
        let exists: Option<String> = sqlx::query_scalar("SELECT name FROM roles WHERE name = $1")
            .bind(role)
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_none() {
            return Ok(Some(role.clone()));
        }
        sqlx::query(
            "INSERT INTO user_roles (user_id, role_name) VALUES ($1, $2)
             ON CONFLICT (user_id, role_name) DO NOTHING",
        )
        .bind(user_id)
        .bind(role)
        .execute(&mut **tx)
        .await?;
    }
    Ok(None)
}

/// A refused user write: which unique value was taken (the constraint's name says it on both
/// backends: `users.username_folded`, `users_username_folded_key`).
fn taken(e: sqlx::Error) -> StoreResult<ScimWrite> {
    let username = matches!(&e, sqlx::Error::Database(db) if db.message().contains("username"));
    match StoreError::from(e) {
        StoreError::Conflict(_) if username => Ok(ScimWrite::Taken("userName")),
        StoreError::Conflict(_) => Ok(ScimWrite::Taken("emails")),
        other => Err(other),
    }
}
