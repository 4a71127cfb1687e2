//! Links from upstream accounts (`[[upstream]]` identity providers) to local accounts, and the
//! accounts provisioned for a first upstream sign-in. A provisioned account and its link are
//! written in one transaction: no account without the link that made it.

use sqlx::Row;

use super::{Store, StoreError, StoreResult};
use crate::domain::{Email, Username};

/// The `password_hash` of an account made by an upstream sign-in: no PHC string, so no
/// password ever verifies against it (`crypto::verify_password` refuses what it cannot parse).
pub const NO_PASSWORD: &str = "!";

/// One link, as the account page lists it.
#[derive(Debug, Clone)]
pub struct UpstreamLinkRow {
    pub upstream_id: String,
    pub subject: String,
    pub user_id: String,
    pub created_at: i64,
}

/// An account to create for a first upstream sign-in, with its link.
#[derive(Debug, Clone, Copy)]
pub struct NewUpstreamAccount<'a> {
    pub user_id: &'a str,
    pub username: &'a Username,
    pub email: Option<&'a Email>,
    /// The upstream said the email is verified.
    pub email_verified: bool,
    pub name: Option<&'a str>,
    pub upstream_id: &'a str,
    pub subject: &'a str,
    pub now: i64,
}

fn row(r: sqlx::any::AnyRow) -> sqlx::Result<UpstreamLinkRow> {
    Ok(UpstreamLinkRow {
        upstream_id: r.try_get("upstream_id")?,
        subject: r.try_get("subject")?,
        user_id: r.try_get("user_id")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// The local account an upstream account is linked to.
    pub async fn upstream_link(
        &self,
        upstream_id: &str,
        subject: &str,
    ) -> StoreResult<Option<UpstreamLinkRow>> {
        let r = sqlx::query(
            "SELECT upstream_id, subject, user_id, created_at FROM upstream_links
             WHERE upstream_id = $1 AND subject = $2",
        )
        .bind(upstream_id)
        .bind(subject)
        .fetch_optional(self.pool())
        .await?;
        Ok(r.map(row).transpose()?)
    }

    /// Links an upstream account to an existing local one; `Conflict` when it is linked already.
    pub async fn insert_upstream_link(
        &self,
        upstream_id: &str,
        subject: &str,
        user_id: &str,
        now: i64,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "INSERT INTO upstream_links (upstream_id, subject, user_id, created_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(upstream_id)
        .bind(subject)
        .bind(user_id)
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(super::conflict_as("upstream link"))?;
        Ok(())
    }

    /// Creates an account without a password and links it, in one transaction. A username or
    /// email already taken is `Conflict("username")` or `Conflict("email")`, and nothing is kept.
    pub async fn provision_upstream_account(&self, a: &NewUpstreamAccount<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (id, username, username_folded, email, email_folded, name,
                                password_hash, disabled, email_verified, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $9)",
        )
        .bind(a.user_id)
        .bind(a.username.as_str())
        .bind(a.username.folded())
        .bind(a.email.map(Email::as_str))
        .bind(a.email.map(Email::folded))
        .bind(a.name)
        .bind(NO_PASSWORD)
        .bind(i64::from(a.email_verified && a.email.is_some()))
        .bind(a.now)
        .execute(&mut *tx)
        .await;
        match inserted.map_err(StoreError::from) {
            Ok(_) => {}
            Err(StoreError::Conflict(_)) => {
                tx.rollback().await?;
                return Err(if self.user_by_username(a.username).await?.is_some() {
                    StoreError::Conflict("username")
                } else {
                    StoreError::Conflict("email")
                });
            }
            Err(e) => return Err(e),
        }
        sqlx::query(
            "INSERT INTO upstream_links (upstream_id, subject, user_id, created_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(a.upstream_id)
        .bind(a.subject)
        .bind(a.user_id)
        .bind(a.now)
        .execute(&mut *tx)
        .await
        .map_err(super::conflict_as("upstream link"))?;
        tx.commit().await?;
        Ok(())
    }

    /// The person's links, oldest first.
    pub async fn upstream_links_of(&self, user_id: &str) -> StoreResult<Vec<UpstreamLinkRow>> {
        let rows = sqlx::query(
            "SELECT upstream_id, subject, user_id, created_at FROM upstream_links
             WHERE user_id = $1 ORDER BY created_at, upstream_id, subject",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(row).collect::<sqlx::Result<_>>()?)
    }

    /// Removes one of the person's links; `false` when they have none such.
    pub async fn remove_upstream_link(
        &self,
        user_id: &str,
        upstream_id: &str,
        subject: &str,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "DELETE FROM upstream_links WHERE user_id = $1 AND upstream_id = $2 AND subject = $3",
        )
        .bind(user_id)
        .bind(upstream_id)
        .bind(subject)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
