//! Signing keys shared by every instance (the private part arrives here already encrypted).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, StoreResult, columns};
use crate::domain::{Alg, KeyState};

/// A signing key as stored.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub kid: String,
    pub alg: Alg,
    pub state: KeyState,
    pub public_jwk: String,
    pub private_enc: String,
    pub created_at: i64,
    pub activated_at: Option<i64>,
    pub retired_at: Option<i64>,
    pub expires_at: Option<i64>,
}

impl KeyRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            kid: r.try_get("kid")?,
            alg: columns::name(r, "alg")?,
            state: columns::name(r, "state")?,
            public_jwk: r.try_get("public_jwk")?,
            private_enc: r.try_get("private_enc")?,
            created_at: r.try_get("created_at")?,
            activated_at: r.try_get("activated_at")?,
            retired_at: r.try_get("retired_at")?,
            expires_at: r.try_get("expires_at")?,
        })
    }
}

const COLUMNS: &str =
    "kid, alg, state, public_jwk, private_enc, created_at, activated_at, retired_at, expires_at";

/// The outcome of a rotation attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Rotation {
    /// This caller rotated.
    Done,
    /// Someone else changed the key set first; nothing was written.
    Lost,
}

impl Store {
    /// Every key that is published (next, active, and retired but not yet expired), oldest first.
    /// Revoked keys never are.
    pub async fn published_keys(&self, now: i64) -> StoreResult<Vec<KeyRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM signing_keys
             WHERE state = 'next' OR state = 'active'
                OR (state = 'retired' AND (expires_at IS NULL OR expires_at > $1))
             ORDER BY created_at, kid"
        ))
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(KeyRow::from_row)
            .collect::<sqlx::Result<_>>()?)
    }

    /// The key `kid` in whatever state it is, published or not.
    pub async fn key(&self, kid: &str) -> StoreResult<Option<KeyRow>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM signing_keys WHERE kid = $1"
        ))
        .bind(kid)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(KeyRow::from_row).transpose()?)
    }

    /// How many keys exist at all (to tell a fresh database from a lost key-encryption key).
    pub async fn count_keys(&self) -> StoreResult<i64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signing_keys")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// Inserts the missing `active` and/or `next` keys of one algorithm, in one transaction.
    /// Another instance doing the same at the same moment makes this a no-op (`Lost`).
    pub async fn insert_keys(&self, keys: &[KeyRow]) -> StoreResult<Rotation> {
        // No read before the first write: on SQLite a read-then-write transaction can fail with
        // SQLITE_BUSY when another writer commits in between; the unique index decides instead.
        let mut tx = self.begin_write().await?;
        for k in keys {
            if let Err(e) = insert(&mut tx, k).await {
                // The unique index on (alg, state) lost us a race with another instance.
                return match StoreError::from(e) {
                    StoreError::Conflict(_) => Ok(Rotation::Lost),
                    other => Err(other),
                };
            }
        }
        match tx.commit().await.map_err(StoreError::from) {
            Ok(()) => Ok(Rotation::Done),
            Err(StoreError::Conflict(_)) => Ok(Rotation::Lost),
            Err(e) => Err(e),
        }
    }

    /// Promotes `next_kid` to active, retires `active_kid` (published until `retired_expires_at`)
    /// and inserts `new_next`, all or nothing. If either key is no longer in the expected state
    /// (another instance or the CLI rotated first) nothing changes and `Lost` is returned.
    pub async fn rotate_keys(
        &self,
        active_kid: &str,
        next_kid: &str,
        new_next: &KeyRow,
        now: i64,
        retired_expires_at: i64,
    ) -> StoreResult<Rotation> {
        let mut tx = self.begin_write().await?;
        let retired = sqlx::query(
            "UPDATE signing_keys SET state = 'retired', retired_at = $1, expires_at = $2
             WHERE kid = $3 AND state = 'active'",
        )
        .bind(now)
        .bind(retired_expires_at)
        .bind(active_kid)
        .execute(&mut *tx)
        .await?;
        let promoted = sqlx::query(
            "UPDATE signing_keys SET state = 'active', activated_at = $1 WHERE kid = $2 AND state = 'next'",
        )
        .bind(now)
        .bind(next_kid)
        .execute(&mut *tx)
        .await?;
        if retired.rows_affected() != 1 || promoted.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(Rotation::Lost);
        }
        insert(&mut tx, new_next).await?;
        tx.commit().await?;
        Ok(Rotation::Done)
    }

    /// Revokes `key` (read in the state it has now), all or nothing: it becomes `revoked`, its
    /// private part is erased, and when `promote` names the next key of its algorithm that key
    /// becomes active (`activated_at` = `now`); `new_next`, if any, is inserted as the next key.
    /// If the key or the one to promote is no longer in the state it was read in (a rotation or
    /// another revocation came first) nothing changes and `Lost` is returned.
    pub async fn revoke_key(
        &self,
        key: &KeyRow,
        promote: Option<&str>,
        new_next: Option<&KeyRow>,
        now: i64,
    ) -> StoreResult<Rotation> {
        let mut tx = self.begin_write().await?;
        // `retired_at` says when it stopped signing; it never expires into a purge: the row is
        // the record that this kid was revoked.
        let revoked = sqlx::query(
            "UPDATE signing_keys
             SET state = 'revoked', private_enc = '', retired_at = COALESCE(retired_at, $1),
                 expires_at = NULL
             WHERE kid = $2 AND state = $3",
        )
        .bind(now)
        .bind(&key.kid)
        .bind(key.state.as_str())
        .execute(&mut *tx)
        .await?;
        if revoked.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(Rotation::Lost);
        }
        if let Some(next_kid) = promote {
            let promoted = sqlx::query(
                "UPDATE signing_keys SET state = 'active', activated_at = $1
                 WHERE kid = $2 AND alg = $3 AND state = 'next'",
            )
            .bind(now)
            .bind(next_kid)
            .bind(key.alg.as_str())
            .execute(&mut *tx)
            .await?;
            if promoted.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(Rotation::Lost);
            }
        }
        if let Some(row) = new_next
            && let Err(e) = insert(&mut tx, row).await
        {
            // Another instance inserted a next key first (`ensure_keys`): try again from a new read.
            return match StoreError::from(e) {
                StoreError::Conflict(_) => Ok(Rotation::Lost),
                other => Err(other),
            };
        }
        match tx.commit().await.map_err(StoreError::from) {
            Ok(()) => Ok(Rotation::Done),
            Err(StoreError::Conflict(_)) => Ok(Rotation::Lost),
            Err(e) => Err(e),
        }
    }

    /// Removes retired keys whose tokens have all expired; returns how many.
    pub async fn purge_expired_keys(&self, now: i64) -> StoreResult<u64> {
        let _turn = self.write_turn().await?;
        let done =
            sqlx::query("DELETE FROM signing_keys WHERE state = 'retired' AND expires_at <= $1")
                .bind(now)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected())
    }
}

async fn insert(tx: &mut sqlx::AnyConnection, k: &KeyRow) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO signing_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(&k.kid)
    .bind(k.alg.as_str())
    .bind(k.state.as_str())
    .bind(&k.public_jwk)
    .bind(&k.private_enc)
    .bind(k.created_at)
    .bind(k.activated_at)
    .bind(k.retired_at)
    .bind(k.expires_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
