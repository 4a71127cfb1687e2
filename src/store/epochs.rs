//! Change counters (`change_epochs`): bumped by database triggers whenever rows behind an
//! in-memory cache change, so every instance can tell its cache is stale with one cheap read.

use super::{Store, StoreResult};

impl Store {
    /// The current value of the named change counter (0 when it does not exist).
    pub async fn change_epoch(&self, name: &str) -> StoreResult<i64> {
        let epoch: Option<i64> =
            sqlx::query_scalar("SELECT epoch FROM change_epochs WHERE name = $1")
                .bind(name)
                .fetch_optional(self.pool())
                .await?;
        Ok(epoch.unwrap_or(0))
    }
}
