//! Refresh-token families (RFC 9700 §4.14.2): one row per grant, one row per token ever issued
//! in it. Tokens are stored by SHA-256 hash only.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreResult};

/// A new family and its first token.
#[derive(Debug, Clone)]
pub struct NewRefreshFamily<'a> {
    pub family_id: &'a str,
    pub client_id: &'a str,
    pub user_id: &'a str,
    pub scope: &'a str,
    pub auth_time: i64,
    pub session_id: Option<&'a str>,
    pub now: i64,
    /// Absolute end of the family.
    pub family_expires_at: i64,
    /// SHA-256 hex of the first refresh token.
    pub token_hash: &'a str,
    /// Idle expiry of the first token.
    pub token_expires_at: i64,
    /// The access token issued alongside.
    pub access_jti: Option<&'a str>,
}

impl Store {
    /// Starts a family with its first token, in one transaction.
    pub async fn create_refresh_family(&self, f: &NewRefreshFamily<'_>) -> StoreResult<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO refresh_families (id, client_id, user_id, scope, auth_time, session_id, created_at, expires_at, revoked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
        )
        .bind(f.family_id)
        .bind(f.client_id)
        .bind(f.user_id)
        .bind(f.scope)
        .bind(f.auth_time)
        .bind(f.session_id)
        .bind(f.now)
        .bind(f.family_expires_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at, used_at, access_jti)
             VALUES ($1, $2, $3, $4, NULL, $5)",
        )
        .bind(f.token_hash)
        .bind(f.family_id)
        .bind(f.now)
        .bind(f.token_expires_at)
        .bind(f.access_jti)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Revokes a whole family (theft detected, revocation, code reuse) and, in the same
    /// transaction, every access token issued in it (RFC 9700 §4.14.2, RFC 7009 §2.1); false if
    /// unknown or already revoked. Each access jti is kept until the token would have expired.
    pub async fn revoke_refresh_family(&self, family_id: &str, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE refresh_families SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(family_id)
        .execute(&mut *tx)
        .await?;
        // Rows without access_expires_at fall back to the refresh token's expiry, which is later.
        sqlx::query(
            "INSERT INTO revoked_jtis (jti, expires_at, revoked_at)
             SELECT access_jti, COALESCE(access_expires_at, expires_at), $2 FROM refresh_tokens
             WHERE family_id = $1 AND access_jti IS NOT NULL
               AND COALESCE(access_expires_at, expires_at) > $2
             ON CONFLICT (jti) DO NOTHING",
        )
        .bind(family_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// A refresh token by hash, with its family and the family's user.
    pub async fn refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshTokenRow>> {
        let row = sqlx::query(
            "SELECT t.token_hash, t.family_id, t.created_at, t.expires_at, t.used_at, t.replaced_by,
                    f.client_id, f.user_id, f.scope, f.auth_time, f.session_id,
                    f.expires_at AS family_expires_at, f.revoked_at AS family_revoked_at,
                    u.disabled AS user_disabled
             FROM refresh_tokens t
             JOIN refresh_families f ON f.id = t.family_id
             LEFT JOIN users u ON u.id = f.user_id
             WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| RefreshTokenRow::from_row(&r)).transpose()?)
    }

    /// Marks `old_hash` used and stores its successor, atomically: of many concurrent calls
    /// with one token exactly one gets `Rotated` (the `used_at IS NULL` guard plus the row lock
    /// or SQLite's single writer). The family must still be live.
    pub async fn rotate_refresh_token(&self, r: &RotateRefresh<'_>) -> StoreResult<RotateOutcome> {
        let mut tx = self.pool().begin().await?;
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
        let mut tx = self.pool().begin().await?;
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
async fn insert_successor(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    r: &RotateRefresh<'_>,
) -> StoreResult<()> {
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
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A refresh token joined with its family (and whether the family's user is disabled).
#[derive(Debug, Clone)]
pub struct RefreshTokenRow {
    pub token_hash: String,
    pub family_id: String,
    pub client_id: String,
    pub user_id: String,
    /// The scope of the grant (refreshes may narrow the access token, never this).
    pub scope: String,
    pub auth_time: i64,
    pub session_id: Option<String>,
    pub created_at: i64,
    /// Idle expiry of this token.
    pub expires_at: i64,
    pub used_at: Option<i64>,
    /// Hash of the token that replaced this one, once used.
    pub replaced_by: Option<String>,
    /// Absolute expiry of the family.
    pub family_expires_at: i64,
    pub family_revoked_at: Option<i64>,
    /// `None` when the user no longer exists.
    pub user_disabled: Option<bool>,
}

impl RefreshTokenRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            token_hash: r.try_get("token_hash")?,
            family_id: r.try_get("family_id")?,
            client_id: r.try_get("client_id")?,
            user_id: r.try_get("user_id")?,
            scope: r.try_get("scope")?,
            auth_time: r.try_get("auth_time")?,
            session_id: r.try_get("session_id")?,
            created_at: r.try_get("created_at")?,
            expires_at: r.try_get("expires_at")?,
            used_at: r.try_get("used_at")?,
            replaced_by: r.try_get("replaced_by")?,
            family_expires_at: r.try_get("family_expires_at")?,
            family_revoked_at: r.try_get("family_revoked_at")?,
            user_disabled: r
                .try_get::<Option<i64>, _>("user_disabled")?
                .map(|d| d != 0),
        })
    }

    /// When the token stops working on its own: the earlier of idle and absolute expiry.
    pub fn effective_expiry(&self) -> i64 {
        self.expires_at.min(self.family_expires_at)
    }
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
