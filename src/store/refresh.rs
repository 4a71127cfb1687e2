//! Refresh-token families (RFC 9700 §4.14.2): one row per grant, one row per token ever issued
//! in it. Tokens are stored by SHA-256 hash only.

use super::{Store, StoreResult};

/// A new family and its first token.
#[derive(Debug, Clone)]
pub struct NewRefreshFamily<'a> {
    pub family_id: &'a str,
    pub client_id: &'a str,
    pub user_id: &'a str,
    pub scope: &'a str,
    pub auth_time: i64,
    pub session_id: Option<&'a str>,
    pub now: i64,
    /// Absolute end of the family.
    pub family_expires_at: i64,
    /// SHA-256 hex of the first refresh token.
    pub token_hash: &'a str,
    /// Idle expiry of the first token.
    pub token_expires_at: i64,
    /// The access token issued alongside.
    pub access_jti: Option<&'a str>,
}

impl Store {
    /// Starts a family with its first token, in one transaction.
    pub async fn create_refresh_family(&self, f: &NewRefreshFamily<'_>) -> StoreResult<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO refresh_families (id, client_id, user_id, scope, auth_time, session_id, created_at, expires_at, revoked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
        )
        .bind(f.family_id)
        .bind(f.client_id)
        .bind(f.user_id)
        .bind(f.scope)
        .bind(f.auth_time)
        .bind(f.session_id)
        .bind(f.now)
        .bind(f.family_expires_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at, used_at, access_jti)
             VALUES ($1, $2, $3, $4, NULL, $5)",
        )
        .bind(f.token_hash)
        .bind(f.family_id)
        .bind(f.now)
        .bind(f.token_expires_at)
        .bind(f.access_jti)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Revokes a whole family (theft detected, revocation, code reuse); false if unknown.
    pub async fn revoke_refresh_family(&self, family_id: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE refresh_families SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(family_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
