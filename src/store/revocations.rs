//! Revoked JWT access tokens, by `jti`, kept until the token would have expired anyway.

use super::{Store, StoreResult};

impl Store {
    /// Records `jti` as revoked until `expires_at`. Revoking twice is harmless.
    pub async fn revoke_jti(&self, jti: &str, expires_at: i64, now: i64) -> StoreResult<()> {
        sqlx::query("INSERT INTO revoked_jtis (jti, expires_at, revoked_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING")
            .bind(jti)
            .bind(expires_at)
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Whether `jti` has been revoked.
    pub async fn is_jti_revoked(&self, jti: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM revoked_jtis WHERE jti = $1")
            .bind(jti)
            .fetch_one(self.pool())
            .await?;
        Ok(n > 0)
    }
}
