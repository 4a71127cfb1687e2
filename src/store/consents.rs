//! Remembered consent, per user and client (the scopes the person allowed).

use super::{Store, StoreResult};

impl Store {
    /// The scopes `user_id` has allowed `client_id`, space-separated; `None` if never asked.
    pub async fn consent(&self, user_id: &str, client_id: &str) -> StoreResult<Option<String>> {
        let scopes: Option<String> =
            sqlx::query_scalar("SELECT scopes FROM consents WHERE user_id = $1 AND client_id = $2")
                .bind(user_id)
                .bind(client_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(scopes)
    }

    /// Records (or replaces) the scopes a person allowed a client.
    pub async fn save_consent(
        &self,
        user_id: &str,
        client_id: &str,
        scopes: &str,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO consents (user_id, client_id, scopes, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = excluded.scopes, updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(client_id)
        .bind(scopes)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
