//! Users: the people who sign in.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreResult, conflict_as};

/// A user as stored. `id` is the OIDC subject.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: i64,
}

impl UserRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            id: r.try_get("id")?,
            username: r.try_get("username")?,
            email: r.try_get("email")?,
            name: r.try_get("name")?,
            password_hash: r.try_get("password_hash")?,
            disabled: r.try_get::<i64, _>("disabled")? != 0,
            created_at: r.try_get("created_at")?,
        })
    }
}

const COLUMNS: &str = "id, username, email, name, password_hash, disabled, created_at";

impl Store {
    /// Inserts a user; a taken username is `Conflict("username")`.
    pub async fn create_user(
        &self,
        id: &str,
        username: &str,
        email: Option<&str>,
        name: Option<&str>,
        password_hash: &str,
    ) -> StoreResult<()> {
        let now = self.clock.now();
        sqlx::query(
            "INSERT INTO users (id, username, email, name, password_hash, disabled, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
        )
        .bind(id)
        .bind(username)
        .bind(email)
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(conflict_as("username"))?;
        Ok(())
    }

    /// Looks a user up by username (exact match).
    pub async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRow>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE username = $1"))
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| UserRow::from_row(&r)).transpose()?)
    }

    /// Looks a user up by subject.
    pub async fn user_by_id(&self, id: &str) -> StoreResult<Option<UserRow>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| UserRow::from_row(&r)).transpose()?)
    }

    /// Every user, by username.
    pub async fn list_users(&self) -> StoreResult<Vec<UserRow>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .iter()
            .map(UserRow::from_row)
            .collect::<sqlx::Result<_>>()?)
    }

    /// Marks a user disabled; returns false when there is no such user.
    pub async fn disable_user(&self, username: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE users SET disabled = 1, updated_at = $1 WHERE username = $2")
                .bind(self.clock.now())
                .bind(username)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a user's password hash; returns false when there is no such user.
    pub async fn set_user_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> StoreResult<bool> {
        let done =
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE username = $3")
                .bind(password_hash)
                .bind(self.clock.now())
                .bind(username)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
