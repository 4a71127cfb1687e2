//! Pairwise subject identifiers issued in access tokens (OIDC Core §8.1): the keyed hash
//! cannot be reversed, so the person each one names is remembered on first issue.

use sqlx::Row;

use super::{Store, StoreResult};

impl Store {
    /// Remembers that `sub` in `sector` names `user_id` (nothing when already known).
    pub async fn remember_pairwise_subject(
        &self,
        sector: &str,
        sub: &str,
        user_id: &str,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "INSERT INTO pairwise_subjects (sector, sub, user_id) VALUES ($1, $2, $3)
             ON CONFLICT (sector, sub) DO NOTHING",
        )
        .bind(sector)
        .bind(sub)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The person a pairwise `sub` of `sector` names, if it was ever issued.
    pub async fn pairwise_subject_user(
        &self,
        sector: &str,
        sub: &str,
    ) -> StoreResult<Option<String>> {
        let row =
            sqlx::query("SELECT user_id FROM pairwise_subjects WHERE sector = $1 AND sub = $2")
                .bind(sector)
                .bind(sub)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|r| r.try_get("user_id")).transpose()?)
    }
}
