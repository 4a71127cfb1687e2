//! Revoked JWT access tokens, by `jti`, kept until the token would have expired anyway.

use sqlx::Row;

use super::{Store, StoreResult};

impl Store {
    /// Records `jti` as revoked until `expires_at`. Revoking twice is harmless.
    pub async fn revoke_jti(&self, jti: &str, expires_at: i64, now: i64) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
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

    /// Revocations recorded at or after `since` that have not expired (the revocation list's
    /// incremental refresh), as (jti, expires_at, revoked_at).
    pub async fn revoked_jtis_since(
        &self,
        since: i64,
        now: i64,
    ) -> StoreResult<Vec<(String, i64, i64)>> {
        let rows = sqlx::query(
            "SELECT jti, expires_at, revoked_at FROM revoked_jtis WHERE revoked_at >= $1 AND expires_at > $2",
        )
        .bind(since)
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("jti")?,
                    r.try_get("expires_at")?,
                    r.try_get("revoked_at")?,
                ))
            })
            .collect::<sqlx::Result<_>>()
            .map_err(Into::into)
    }

    /// Deletes revocations of tokens that have expired anyway; returns how many rows went.
    pub async fn purge_expired_revocations(&self, now: i64) -> StoreResult<u64> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("DELETE FROM revoked_jtis WHERE expires_at <= $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
