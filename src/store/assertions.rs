//! `jti`s of `private_key_jwt` client assertions already accepted (RFC 7523 §3 item 7,
//! OIDC Core §9), remembered until the assertion expires so it cannot be replayed.

use super::{Store, StoreResult};

impl Store {
    /// Remembers `(client_id, jti)` until `expires_at`; false when it was already seen (a replay).
    /// The primary key makes this one atomic step across every instance.
    pub async fn remember_assertion(
        &self,
        client_id: &str,
        jti: &str,
        expires_at: i64,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "INSERT INTO used_assertions (client_id, jti, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (client_id, jti) DO NOTHING",
        )
        .bind(client_id)
        .bind(jti)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets assertion ids whose assertions have expired (they can no longer be replayed).
    pub async fn purge_expired_assertions(&self, now: i64) -> StoreResult<u64> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("DELETE FROM used_assertions WHERE expires_at <= $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
