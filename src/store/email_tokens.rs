//! Single-use links sent by email (verification, password reset), stored by SHA-256 hash only.
//! A link is redeemed by one conditional UPDATE, so of two requests with the same link, even at
//! the same instant on two instances, exactly one gets through.

use sqlx::Row;

use super::{Store, StoreResult};
use crate::domain::EmailPurpose;

/// A link about to be sent.
#[derive(Debug, Clone)]
pub struct NewEmailToken<'a> {
    /// SHA-256 hex of the token in the link.
    pub token_hash: &'a str,
    pub purpose: EmailPurpose,
    pub user_id: &'a str,
    /// The address the message goes to.
    pub email: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

/// Why a link cannot be used (or that it can), for the page that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// Usable by `user_id`.
    Valid { user_id: String },
    /// No such link (mistyped, tampered with, or for another purpose).
    Unknown,
    /// Followed before.
    Used,
    /// Past its lifetime.
    Expired,
    /// The account is disabled or no longer has the address the link was sent to.
    Stale,
}

/// The redeeming condition: unused, unexpired, and the account still enabled with the address.
const USABLE: &str = "used_at IS NULL AND expires_at > $2 AND purpose = $3
     AND EXISTS (SELECT 1 FROM users u WHERE u.id = email_tokens.user_id
                 AND u.email = email_tokens.email AND u.disabled = 0)";

impl Store {
    /// Stores a link's hash.
    pub async fn create_email_token(&self, t: &NewEmailToken<'_>) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, purpose, user_id, email, created_at,
                                       expires_at, used_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL)",
        )
        .bind(t.token_hash)
        .bind(t.purpose.as_str())
        .bind(t.user_id)
        .bind(t.email)
        .bind(t.now)
        .bind(t.expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// What a link of `purpose` with this hash would do now, without using it.
    pub async fn email_link_state(
        &self,
        token_hash: &str,
        purpose: EmailPurpose,
        now: i64,
    ) -> StoreResult<LinkState> {
        let row = sqlx::query(
            "SELECT t.user_id, t.used_at, t.expires_at,
                    CASE WHEN u.email = t.email AND u.disabled = 0 THEN 1 ELSE 0 END AS fresh
             FROM email_tokens t LEFT JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.purpose = $2",
        )
        .bind(token_hash)
        .bind(purpose.as_str())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(LinkState::Unknown);
        };
        Ok(if row.try_get::<Option<i64>, _>("used_at")?.is_some() {
            LinkState::Used
        } else if row.try_get::<i64, _>("expires_at")? <= now {
            LinkState::Expired
        } else if row.try_get::<i64, _>("fresh")? == 0 {
            LinkState::Stale
        } else {
            LinkState::Valid {
                user_id: row.try_get("user_id")?,
            }
        })
    }

    /// Follows a verification link: marks it used and the address verified, in one transaction;
    /// the user's id, or `None` when the link is not usable (see [`Store::email_link_state`]).
    pub async fn redeem_verification(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<String>> {
        let mut tx = self.begin_write().await?;
        let Some((user_id, email)) = take(&mut tx, token_hash, now, EmailPurpose::Verify).await?
        else {
            tx.rollback().await?;
            return Ok(None);
        };
        sqlx::query(
            "UPDATE users SET email_verified = 1, updated_at = $1 WHERE id = $2 AND email = $3",
        )
        .bind(now)
        .bind(&user_id)
        .bind(&email)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(user_id))
    }

    /// Follows a reset link: marks it (and every other unused reset link of the person) used
    /// and sets the new password hash, in one transaction; the user's id, or `None` when the
    /// link is not usable. Nothing changes when it is not.
    pub async fn redeem_reset(
        &self,
        token_hash: &str,
        now: i64,
        password_hash: &str,
    ) -> StoreResult<Option<String>> {
        let mut tx = self.begin_write().await?;
        let Some((user_id, _)) = take(&mut tx, token_hash, now, EmailPurpose::Reset).await? else {
            tx.rollback().await?;
            return Ok(None);
        };
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(now)
            .bind(&user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE email_tokens SET used_at = $1
             WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(&user_id)
        .bind(EmailPurpose::Reset.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(user_id))
    }

    /// Deletes links that expired before `now`; returns how many.
    pub async fn purge_expired_email_tokens(&self, now: i64) -> StoreResult<u64> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("DELETE FROM email_tokens WHERE expires_at < $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

/// The one conditional UPDATE that uses a link: (user id, address) when it was usable.
async fn take(
    tx: &mut super::WriteTx,
    token_hash: &str,
    now: i64,
    purpose: EmailPurpose,
) -> StoreResult<Option<(String, String)>> {
    let row = sqlx::query(&format!(
        "UPDATE email_tokens SET used_at = $2 WHERE token_hash = $1 AND {USABLE}
         RETURNING user_id, email"
    ))
    .bind(token_hash)
    .bind(now)
    .bind(purpose.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| Ok((r.try_get("user_id")?, r.try_get("email")?)))
        .transpose()
        .map_err(|e: sqlx::Error| e.into())
}
