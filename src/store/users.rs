//! Users: the people who sign in.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, StoreResult};
use crate::domain::{Email, Username};

/// A user as stored. `id` is the OIDC subject.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub password_hash: String,
    pub disabled: bool,
    /// The person followed a verification link sent to `email` (reset when it changes).
    pub email_verified: bool,
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
            email_verified: r.try_get::<i64, _>("email_verified")? != 0,
            created_at: r.try_get("created_at")?,
        })
    }
}

impl UserRow {
    /// The account's own names (username, email, name): the words a guesser tries first, which
    /// the password policy refuses a password to be built from.
    pub fn own_words(&self) -> Vec<&str> {
        [
            Some(self.username.as_str()),
            self.email.as_deref(),
            self.name.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

const COLUMNS: &str =
    "id, username, email, name, password_hash, disabled, email_verified, created_at";

/// A person's `users.sign_on_version` at one moment (migration 0024). It moves whenever their
/// user row or one of their remembered consents changes, whoever changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignOnVersion(i64);

impl SignOnVersion {
    /// What a statement binds to compare with the stored version.
    pub(super) fn value(self) -> i64 {
        self.0
    }

    /// The version a statement read.
    pub(super) fn read(value: i64) -> Self {
        Self(value)
    }
}

/// A row and its person's sign-on version as the same statement read them.
#[derive(Debug, Clone)]
pub struct Tagged<T> {
    pub row: T,
    pub version: SignOnVersion,
}

impl<T> Tagged<T> {
    /// The same version on `f(row)`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Tagged<U> {
        Tagged {
            row: f(self.row),
            version: self.version,
        }
    }

    /// Decodes a row that also selected its person's `sign_on_version`.
    pub(super) fn from_row(
        r: &AnyRow,
        decode: impl Fn(&AnyRow) -> sqlx::Result<T>,
    ) -> sqlx::Result<Self> {
        Ok(Self {
            row: decode(r)?,
            version: SignOnVersion(r.try_get("sign_on_version")?),
        })
    }
}

impl Store {
    /// Inserts a user; a username or email taken under the identifier profile (same folded
    /// form) is `Conflict("username")` or `Conflict("email")`.
    pub async fn create_user(
        &self,
        id: &str,
        username: &Username,
        email: Option<&Email>,
        name: Option<&str>,
        password_hash: &str,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        let now = self.clock.now();
        let inserted = sqlx::query(
            "INSERT INTO users (id, username, username_folded, email, email_folded, name,
                                password_hash, disabled, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8)",
        )
        .bind(id)
        .bind(username.as_str())
        .bind(username.folded())
        .bind(email.map(Email::as_str))
        .bind(email.map(Email::folded))
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .execute(self.pool())
        .await;
        match inserted.map_err(StoreError::from) {
            Ok(_) => Ok(()),
            // Two unique indexes: say which one refused.
            Err(StoreError::Conflict(_)) if self.user_by_username(username).await?.is_some() => {
                Err(StoreError::Conflict("username"))
            }
            Err(StoreError::Conflict(_)) => Err(StoreError::Conflict("email")),
            Err(e) => Err(e),
        }
    }

    /// Looks a user up by username, under the identifier profile (`ALICE` finds `alice`).
    pub async fn user_by_username(&self, username: &Username) -> StoreResult<Option<UserRow>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM users WHERE username_folded = $1"
        ))
        .bind(username.folded())
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

    /// The user, with their version as of the same read (for `services::people_cache`).
    pub async fn user_by_id_tagged(&self, id: &str) -> StoreResult<Option<Tagged<UserRow>>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, sign_on_version FROM users WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row
            .as_ref()
            .map(|r| Tagged::from_row(r, UserRow::from_row))
            .transpose()?)
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
    pub async fn disable_user(&self, username: &Username) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "UPDATE users SET disabled = 1, updated_at = $1 WHERE username_folded = $2",
        )
        .bind(self.clock.now())
        .bind(username.folded())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a user's password hash; returns false when there is no such user.
    pub async fn set_user_password(
        &self,
        username: &Username,
        password_hash: &str,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = $1, updated_at = $2 WHERE username_folded = $3",
        )
        .bind(password_hash)
        .bind(self.clock.now())
        .bind(username.folded())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a user's password hash by id with one of the same password (made again at the
    /// configured cost): nothing else about the account changes.
    pub async fn set_user_password_hash(
        &self,
        user_id: &str,
        password_hash: &str,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Looks a user up by email address, under the identifier profile (`Bob@X` finds `bob@x`).
    pub async fn user_by_email(&self, email: &Email) -> StoreResult<Option<UserRow>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM users WHERE email_folded = $1"
        ))
        .bind(email.folded())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| UserRow::from_row(&r)).transpose()?)
    }

    /// Changes (or removes) a user's email address; the new address is not verified until the
    /// person follows a link sent to it. False when there is no such user; an address another
    /// user has is `Conflict("email")`. Unused links sent to the old address stop working,
    /// because a link is bound to the address it was sent to.
    pub async fn set_user_email(&self, user_id: &str, email: Option<&Email>) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "UPDATE users SET email = $1, email_folded = $2, email_verified = 0, updated_at = $3
             WHERE id = $4",
        )
        .bind(email.map(Email::as_str))
        .bind(email.map(Email::folded))
        .bind(self.clock.now())
        .bind(user_id)
        .execute(self.pool())
        .await
        .map_err(super::conflict_as("email"))?;
        Ok(done.rows_affected() == 1)
    }
}
