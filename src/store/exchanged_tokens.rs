//! Access tokens issued by token exchange (RFC 8693), tied to the refresh family their subject
//! token came from, so that revoking the family revokes them too (`revoke_refresh_family`).

use sqlx::Row;

use super::{Store, StoreResult};

impl Store {
    /// The refresh family an access token was issued in: by a refresh token of the family (or
    /// the code that started it), or by an exchange from a token of the family.
    pub async fn family_of_access_jti(&self, jti: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query(
            "SELECT family_id FROM refresh_tokens WHERE access_jti = $1
             UNION ALL SELECT family_id FROM exchanged_tokens WHERE jti = $1",
        )
        .bind(jti)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.try_get("family_id")).transpose()?)
    }

    /// Records an exchanged token of `family_id`, kept until it would expire anyway.
    pub async fn record_exchanged_token(
        &self,
        jti: &str,
        family_id: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "INSERT INTO exchanged_tokens (jti, family_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(jti)
        .bind(family_id)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
