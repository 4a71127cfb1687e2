//! A person's second factors: the authenticator-app secret (encrypted under the
//! key-encryption key, which `keys` holds) and the recovery codes (SHA-256 hashes only).
//! Accepting a code is one conditional UPDATE, so of two requests with the same code, even at
//! the same instant on two instances, exactly one gets through (RFC 6238 §5.2).

use sqlx::Row;

use super::{Store, StoreResult};

/// A stored authenticator app.
#[derive(Debug, Clone)]
pub struct TotpRow {
    /// The secret, sealed by `KeyManager::seal_secret`.
    pub secret_enc: String,
    /// The last accepted time step.
    pub last_step: i64,
}

/// What a person has enrolled (`user list --json`, the account page).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Factors {
    pub totp: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: i64,
    /// Registered passkeys.
    pub passkeys: i64,
}

impl Store {
    /// Replaces the person's authenticator app and recovery codes, in one transaction: the old
    /// secret and every old code stop working together.
    pub async fn enroll_totp(
        &self,
        user_id: &str,
        secret_enc: &str,
        recovery_hashes: &[String],
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM user_totp WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        // last_step 0: every real step (Unix time / 30) is later.
        sqlx::query(
            "INSERT INTO user_totp (user_id, secret_enc, last_step, created_at)
             VALUES ($1, $2, 0, $3)",
        )
        .bind(user_id)
        .bind(secret_enc)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_recovery(&mut tx, user_id, recovery_hashes, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the person's recovery codes (regenerated on the account page).
    pub async fn replace_recovery_codes(
        &self,
        user_id: &str,
        recovery_hashes: &[String],
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        insert_recovery(&mut tx, user_id, recovery_hashes, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The person's authenticator app, if enrolled.
    pub async fn totp(&self, user_id: &str) -> StoreResult<Option<TotpRow>> {
        let row = sqlx::query("SELECT secret_enc, last_step FROM user_totp WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|r| -> sqlx::Result<TotpRow> {
                Ok(TotpRow {
                    secret_enc: r.try_get("secret_enc")?,
                    last_step: r.try_get("last_step")?,
                })
            })
            .transpose()?)
    }

    /// Records `step` as used if it is later than every step accepted before; `false` when a
    /// code of this step or a later one was already accepted (a replay).
    pub async fn accept_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "UPDATE user_totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1",
        )
        .bind(step)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Spends a recovery code; `false` when it is not one of the person's unused codes.
    pub async fn use_recovery_code(
        &self,
        user_id: &str,
        code_hash: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1
             WHERE code_hash = $2 AND user_id = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(code_hash)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// What the person has enrolled.
    pub async fn factors(&self, user_id: &str) -> StoreResult<Factors> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM user_totp WHERE user_id = $1) AS totp,
                    (SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL)
                        AS left_codes,
                    (SELECT COUNT(*) FROM passkeys WHERE user_id = $1) AS passkeys",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?;
        Ok(Factors {
            totp: row.try_get::<i64, _>("totp")? > 0,
            recovery_codes_left: row.try_get("left_codes")?,
            passkeys: row.try_get("passkeys")?,
        })
    }

    /// Removes every second factor of the person (`user mfa reset`, removal on the account
    /// page); `true` when there was one.
    pub async fn remove_second_factors(&self, user_id: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let totp = sqlx::query("DELETE FROM user_totp WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let codes = sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(totp.rows_affected() + codes.rows_affected() > 0)
    }
}

async fn insert_recovery(
    tx: &mut super::WriteTx,
    user_id: &str,
    hashes: &[String],
    now: i64,
) -> StoreResult<()> {
    for h in hashes {
        sqlx::query(
            "INSERT INTO recovery_codes (code_hash, user_id, used_at, created_at)
             VALUES ($1, $2, NULL, $3)",
        )
        .bind(h)
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
