//! Rotation of refresh tokens (RFC 9700 §4.14.2): each use marks the token used and stores its
//! successor in one transaction, so of many concurrent uses exactly one wins.

use super::{Store, StoreResult};

impl Store {
    /// Marks `old_hash` used and stores its successor, atomically: of many concurrent calls
    /// with one token exactly one gets `Rotated` (the `used_at IS NULL` guard plus the row lock
    /// or SQLite's single writer). The family must still be live.
    pub async fn rotate_refresh_token(&self, r: &RotateRefresh<'_>) -> StoreResult<RotateOutcome> {
        let mut tx = self.begin_write().await?;
        // The write comes first, so SQLite takes its write lock at once (no read→write upgrade).
        let done = sqlx::query(
            "UPDATE refresh_tokens SET used_at = $1, replaced_by = $4
             WHERE token_hash = $2 AND used_at IS NULL AND family_id = $3
               AND EXISTS (SELECT 1 FROM refresh_families f
                           WHERE f.id = $3 AND f.revoked_at IS NULL AND f.expires_at > $1)",
        )
        .bind(r.now)
        .bind(r.old_hash)
        .bind(r.family_id)
        .bind(r.new_hash)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(RotateOutcome::NotLive);
        }
        insert_successor(&mut tx, r).await?;
        tx.commit().await?;
        Ok(RotateOutcome::Rotated)
    }

    /// A retry of an already-rotated token within the grace window: the successor `superseded`
    /// it got last time (never used since) is marked used, the access token issued with it is
    /// revoked, and a new successor takes its place, atomically. `NotLive` when the successor was used or replaced meanwhile, or the family
    /// ended; then the retry is reuse after all.
    pub async fn supersede_successor(
        &self,
        r: &RotateRefresh<'_>,
        superseded: &str,
    ) -> StoreResult<RotateOutcome> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE refresh_tokens SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND family_id = $3
               AND EXISTS (SELECT 1 FROM refresh_families f
                           WHERE f.id = $3 AND f.revoked_at IS NULL AND f.expires_at > $1)",
        )
        .bind(r.now)
        .bind(superseded)
        .bind(r.family_id)
        .execute(&mut *tx)
        .await?;
        let relinked = if done.rows_affected() == 1 {
            // The access token that went out with the superseded successor goes with it.
            sqlx::query(
                "INSERT INTO revoked_jtis (jti, expires_at, revoked_at)
                 SELECT access_jti, COALESCE(access_expires_at, expires_at), $2 FROM refresh_tokens
                 WHERE token_hash = $1 AND access_jti IS NOT NULL
                 ON CONFLICT (jti) DO NOTHING",
            )
            .bind(superseded)
            .bind(r.now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE refresh_tokens SET replaced_by = $1 WHERE token_hash = $2 AND replaced_by = $3",
            )
            .bind(r.new_hash)
            .bind(r.old_hash)
            .bind(superseded)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        } else {
            0
        };
        if relinked != 1 {
            tx.rollback().await?;
            return Ok(RotateOutcome::NotLive);
        }
        insert_successor(&mut tx, r).await?;
        tx.commit().await?;
        Ok(RotateOutcome::Rotated)
    }
}

/// Stores the successor of a rotation inside the rotation's transaction.
async fn insert_successor(tx: &mut sqlx::AnyConnection, r: &RotateRefresh<'_>) -> StoreResult<()> {
    sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at, used_at, access_jti, access_expires_at)
             VALUES ($1, $2, $3, $4, NULL, $5, $6)",
        )
        .bind(r.new_hash)
        .bind(r.family_id)
        .bind(r.now)
        .bind(r.new_expires_at)
        .bind(r.access_jti)
        .bind(r.access_expires_at)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// One rotation: the presented token and its successor.
#[derive(Debug, Clone)]
pub struct RotateRefresh<'a> {
    pub old_hash: &'a str,
    pub family_id: &'a str,
    pub new_hash: &'a str,
    pub new_expires_at: i64,
    pub access_jti: &'a str,
    pub access_expires_at: i64,
    pub now: i64,
}

/// What a rotation attempt found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The old token is now used; the successor is stored.
    Rotated,
    /// The old token was already used (a concurrent or replayed request) or its family was
    /// revoked or expired meanwhile; nothing was written.
    NotLive,
}
