//! The clients each browser session signed in to (Back-Channel Logout 1.0 §2.3), so that logout
//! knows whom to notify.

use super::{Store, StoreResult, WriteTx};

impl Store {
    /// Records that a code was issued to `client_id` in session `sid`. Idempotent: a later code
    /// in the same session only moves the expiry. (A code's own transaction does this through
    /// [`Store::create_code`].)
    pub async fn remember_session_client(
        &self,
        sid: &str,
        client_id: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        Self::remember_session_client_in(&mut tx, sid, client_id, now, expires_at).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn remember_session_client_in(
        tx: &mut WriteTx,
        sid: &str,
        client_id: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO session_clients (sid, client_id, created_at, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sid, client_id) DO UPDATE SET expires_at = excluded.expires_at",
        )
        .bind(sid)
        .bind(client_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut **tx)
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
