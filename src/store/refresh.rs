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
    /// How the person signed in (`Amr::to_stored`), repeated in refreshed ID tokens.
    pub amr: &'a str,
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
    /// The DPoP key (thumbprint) every refresh of the family must prove (RFC 9449 §5).
    pub dpop_jkt: Option<&'a str>,
}

impl Store {
    /// Starts a family with its first token, in one transaction.
    pub async fn create_refresh_family(&self, f: &NewRefreshFamily<'_>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO refresh_families (id, client_id, user_id, scope, auth_time, session_id, created_at, expires_at, revoked_at, amr, dpop_jkt)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10)",
        )
        .bind(f.family_id)
        .bind(f.client_id)
        .bind(f.user_id)
        .bind(f.scope)
        .bind(f.auth_time)
        .bind(f.session_id)
        .bind(f.now)
        .bind(f.family_expires_at)
        .bind(f.amr)
        .bind(f.dpop_jkt)
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
    /// transaction, every access token issued in it or exchanged from one (RFC 9700 §4.14.2, RFC 7009 §2.1); false if
    /// unknown or already revoked. Each access jti is kept until the token would have expired.
    pub async fn revoke_refresh_family(&self, family_id: &str, now: i64) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
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
        // RFC 8693: tokens exchanged from the family's tokens go with it.
        sqlx::query(
            "INSERT INTO revoked_jtis (jti, expires_at, revoked_at)
             SELECT jti, expires_at, $2 FROM exchanged_tokens
             WHERE family_id = $1 AND expires_at > $2
             ON CONFLICT (jti) DO NOTHING",
        )
        .bind(family_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// The families still in force that were issued in the browser session `session_id` (the
    /// `sid`), for revocation at logout.
    pub async fn live_families_of_session(&self, session_id: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(
            "SELECT id FROM refresh_families WHERE session_id = $1 AND revoked_at IS NULL",
        )
        .bind(session_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<sqlx::Result<_>>()?)
    }

    /// A refresh token by hash, with its family and the family's user.
    pub async fn refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshTokenRow>> {
        let row = sqlx::query(
            "SELECT t.token_hash, t.family_id, t.created_at, t.expires_at, t.used_at, t.replaced_by,
                    f.client_id, f.user_id, f.scope, f.auth_time, f.amr, f.session_id,
                    f.expires_at AS family_expires_at, f.revoked_at AS family_revoked_at,
                    u.disabled AS user_disabled, f.dpop_jkt
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
    /// How the person signed in (`Amr::from_stored`).
    pub amr: Option<String>,
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
    /// The DPoP key the family is bound to (RFC 9449 §5); `None`: not bound.
    pub dpop_jkt: Option<String>,
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
            amr: r.try_get("amr")?,
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
            dpop_jkt: r.try_get("dpop_jkt")?,
        })
    }

    /// When the token stops working on its own: the earlier of idle and absolute expiry.
    pub fn effective_expiry(&self) -> i64 {
        self.expires_at.min(self.family_expires_at)
    }
}
