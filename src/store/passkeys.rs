//! A person's passkeys: the credential webauthn-rs verifies against (JSON, opaque here), a
//! name, and when it was made and last used. Recording a use is one UPDATE of the credential
//! (its signature counter) and the last-used time together.

use sqlx::Row;

use super::{Store, StoreResult};

/// A stored passkey.
#[derive(Debug, Clone)]
pub struct PasskeyRow {
    /// The credential id, base64url without padding.
    pub credential_id: String,
    pub user_id: String,
    pub name: String,
    /// webauthn-rs's `Passkey`, serialised.
    pub credential: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// Its owner's account is disabled (read with it, so a sign-in needs one read).
    pub user_disabled: bool,
}

/// A passkey being added.
#[derive(Debug, Clone, Copy)]
pub struct NewPasskey<'a> {
    pub credential_id: &'a str,
    pub user_id: &'a str,
    pub name: &'a str,
    pub credential: &'a str,
    pub now: i64,
}

const COLUMNS: &str = "p.credential_id, p.user_id, p.name, p.credential, p.created_at, \
                       p.last_used_at, u.disabled";

fn row(r: sqlx::any::AnyRow) -> sqlx::Result<PasskeyRow> {
    Ok(PasskeyRow {
        credential_id: r.try_get("credential_id")?,
        user_id: r.try_get("user_id")?,
        name: r.try_get("name")?,
        credential: r.try_get("credential")?,
        created_at: r.try_get("created_at")?,
        last_used_at: r.try_get("last_used_at")?,
        user_disabled: r.try_get::<i64, _>("disabled")? != 0,
    })
}

impl Store {
    /// Stores a new passkey; `false` when its credential id is registered already (to anyone:
    /// WebAuthn §7.1 step 22, a credential belongs to one account).
    pub async fn insert_passkey(&self, p: &NewPasskey<'_>) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "INSERT INTO passkeys (credential_id, user_id, name, credential, created_at,
                                   last_used_at)
             VALUES ($1, $2, $3, $4, $5, NULL)
             ON CONFLICT (credential_id) DO NOTHING",
        )
        .bind(p.credential_id)
        .bind(p.user_id)
        .bind(p.name)
        .bind(p.credential)
        .bind(p.now)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The person's passkeys, oldest first.
    pub async fn passkeys_of(&self, user_id: &str) -> StoreResult<Vec<PasskeyRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM passkeys p JOIN users u ON u.id = p.user_id
             WHERE p.user_id = $1 ORDER BY p.created_at, p.credential_id"
        ))
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(row).collect::<sqlx::Result<_>>()?)
    }

    /// The passkey with this credential id, whoever it belongs to.
    pub async fn passkey(&self, credential_id: &str) -> StoreResult<Option<PasskeyRow>> {
        let r = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM passkeys p JOIN users u ON u.id = p.user_id
             WHERE p.credential_id = $1"
        ))
        .bind(credential_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(r.map(row).transpose()?)
    }

    /// Records a sign-in with the passkey: its updated credential (counter, backup state) and
    /// the time, in one write.
    pub async fn record_passkey_use(
        &self,
        credential_id: &str,
        credential: &str,
        now: i64,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "UPDATE passkeys SET credential = $1, last_used_at = $2 WHERE credential_id = $3",
        )
        .bind(credential)
        .bind(now)
        .bind(credential_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Removes one of the person's passkeys; `false` when they have none by that id.
    pub async fn remove_passkey(&self, user_id: &str, credential_id: &str) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("DELETE FROM passkeys WHERE user_id = $1 AND credential_id = $2")
            .bind(user_id)
            .bind(credential_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes every passkey of the person (`user mfa reset`); how many there were.
    pub async fn remove_passkeys(&self, user_id: &str) -> StoreResult<u64> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("DELETE FROM passkeys WHERE user_id = $1")
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
