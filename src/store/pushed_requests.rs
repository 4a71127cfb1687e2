//! Pushed authorization requests (RFC 9126) and the `jti`s of accepted request objects
//! (RFC 9101), shared by every instance through the database.

use sqlx::Row;

use super::{Store, StoreResult};

impl Store {
    /// Stores the checked parameters of a pushed request under the hash of its `request_uri`.
    pub async fn push_request(
        &self,
        request_uri_hash: &str,
        client_id: &str,
        params_json: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "INSERT INTO pushed_requests (request_uri_hash, client_id, params, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(request_uri_hash)
        .bind(client_id)
        .bind(params_json)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Takes a pushed request of `client_id` that has not expired: one statement deletes it
    /// and returns its parameters, so of two concurrent uses exactly one gets them (RFC 9126
    /// §4: single use). `None` when unknown, used, expired or another client's.
    pub async fn take_pushed_request(
        &self,
        request_uri_hash: &str,
        client_id: &str,
        now: i64,
    ) -> StoreResult<Option<String>> {
        let _turn = self.write_turn().await?;
        let row = sqlx::query(
            "DELETE FROM pushed_requests
             WHERE request_uri_hash = $1 AND client_id = $2 AND expires_at > $3
             RETURNING params",
        )
        .bind(request_uri_hash)
        .bind(client_id)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.try_get("params")).transpose()?)
    }

    /// Remembers a request object's `(client_id, jti)` until `expires_at`; false when it was
    /// already seen (a replay). The primary key makes this atomic across instances.
    pub async fn remember_request_object(
        &self,
        client_id: &str,
        jti: &str,
        expires_at: i64,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "INSERT INTO used_request_objects (client_id, jti, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (client_id, jti) DO NOTHING",
        )
        .bind(client_id)
        .bind(jti)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
