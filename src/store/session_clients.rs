//! The clients each browser session signed in to (Back-Channel Logout 1.0 §2.3), so that logout
//! knows whom to notify.

use super::{Store, StoreResult};

impl Store {
    /// Records that `client_id` signed in to session `sid` (a device approved in it). Idempotent:
    /// a later sign-in in the same session only moves the expiry. A code records its client
    /// itself, in its own INSERT (the trigger of migration 0023, the same upsert).
    pub async fn remember_session_client(
        &self,
        sid: &str,
        client_id: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "INSERT INTO session_clients (sid, client_id, created_at, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sid, client_id) DO UPDATE SET expires_at = excluded.expires_at",
        )
        .bind(sid)
        .bind(client_id)
        .bind(now)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Removes and returns the clients session `sid` signed in to. Taking them in one statement
    /// means that of two logouts of one session (two tabs, two instances) only one notifies.
    pub async fn take_session_clients(&self, sid: &str) -> StoreResult<Vec<String>> {
        let _turn = self.write_turn().await?;
        let ids: Vec<String> =
            sqlx::query_scalar("DELETE FROM session_clients WHERE sid = $1 RETURNING client_id")
                .bind(sid)
                .fetch_all(self.pool())
                .await?;
        Ok(ids)
    }
}
