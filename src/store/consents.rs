//! Remembered consent, per user and client (the scopes the person allowed).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreResult, Tagged};

/// A remembered consent, as the authorization endpoint reads it.
#[derive(Debug, Clone)]
pub struct Remembered {
    /// Space-separated scopes allowed.
    pub scopes: String,
    pub last_used_at: Option<i64>,
}

impl Remembered {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            scopes: r.try_get("scopes")?,
            last_used_at: r.try_get("last_used_at")?,
        })
    }
}

/// A client the person allowed, for the account page.
#[derive(Debug, Clone)]
pub struct ConsentRow {
    pub client_id: String,
    pub client_name: String,
    /// Space-separated scopes allowed.
    pub scopes: String,
    pub updated_at: i64,
    /// The last sign-in to the client under this consent (to the hour), if any since recorded.
    pub last_used_at: Option<i64>,
}

impl Store {
    /// What `user_id` has allowed `client_id`; `None` if never asked.
    pub async fn consent(&self, user_id: &str, client_id: &str) -> StoreResult<Option<Remembered>> {
        let row = sqlx::query(
            "SELECT scopes, last_used_at FROM consents WHERE user_id = $1 AND client_id = $2",
        )
        .bind(user_id)
        .bind(client_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(Remembered::from_row).transpose()?)
    }

    /// What `user_id` has allowed `client_id`, with the person's sign-on version as of the same
    /// read (for `services::people_cache`); `None` if never asked.
    pub async fn consent_tagged(
        &self,
        user_id: &str,
        client_id: &str,
    ) -> StoreResult<Option<Tagged<Remembered>>> {
        let row = sqlx::query(
            "SELECT c.scopes, c.last_used_at, u.sign_on_version FROM consents c \
             JOIN users u ON u.id = c.user_id WHERE c.user_id = $1 AND c.client_id = $2",
        )
        .bind(user_id)
        .bind(client_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row
            .as_ref()
            .map(|r| Tagged::from_row(r, Remembered::from_row))
            .transpose()?)
    }

    /// Records (or replaces) the scopes a person allowed a client; allowing is a use.
    pub async fn save_consent(
        &self,
        user_id: &str,
        client_id: &str,
        scopes: &str,
        now: i64,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "INSERT INTO consents (user_id, client_id, scopes, updated_at, last_used_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = excluded.scopes, \
             updated_at = excluded.updated_at, last_used_at = excluded.last_used_at",
        )
        .bind(user_id)
        .bind(client_id)
        .bind(scopes)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Every client `user_id` allowed, by client name.
    pub async fn consents_of(&self, user_id: &str) -> StoreResult<Vec<ConsentRow>> {
        let rows = sqlx::query(
            "SELECT c.client_id, k.name, c.scopes, c.updated_at, c.last_used_at \
             FROM consents c JOIN clients k ON k.client_id = c.client_id \
             WHERE c.user_id = $1 ORDER BY k.name, c.client_id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        let row = |r: &AnyRow| -> sqlx::Result<ConsentRow> {
            Ok(ConsentRow {
                client_id: r.try_get(0)?,
                client_name: r.try_get(1)?,
                scopes: r.try_get(2)?,
                updated_at: r.try_get(3)?,
                last_used_at: r.try_get(4)?,
            })
        };
        Ok(rows.iter().map(row).collect::<sqlx::Result<_>>()?)
    }

    /// Deletes a consent; false if there was none.
    pub async fn delete_consent(&self, user_id: &str, client_id: &str) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("DELETE FROM consents WHERE user_id = $1 AND client_id = $2")
            .bind(user_id)
            .bind(client_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records that the person signed in to the client under its consent. Callers write only
    /// when the recorded use is an hour old (the account page shows the day).
    pub async fn mark_consent_used(
        &self,
        user_id: &str,
        client_id: &str,
        now: i64,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query("UPDATE consents SET last_used_at = $1 WHERE user_id = $2 AND client_id = $3")
            .bind(now)
            .bind(user_id)
            .bind(client_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
