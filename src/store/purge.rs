//! Removal of rows nothing can use any more. Every statement is an idempotent DELETE of expired
//! rows, so the task is safe to run on every instance at once.

use super::{Store, StoreResult};

/// How many rows one purge removed, per table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Purged {
    pub codes: u64,
    pub refresh_families: u64,
    pub revoked_jtis: u64,
    pub assertions: u64,
    /// Remembered session clients (Back-Channel Logout) of sessions that are over.
    pub session_clients: u64,
    /// Recorded browser sessions past their absolute lifetime.
    pub user_sessions: u64,
    /// Email links (verification, password reset) past their lifetime.
    pub email_tokens: u64,
    /// Initial access tokens (dynamic client registration) past their lifetime.
    pub initial_access_tokens: u64,
    /// Device authorization requests past their lifetime (RFC 8628).
    pub device_codes: u64,
    /// Records of exchanged tokens (RFC 8693) that have expired anyway.
    pub exchanged_tokens: u64,
    /// Pushed authorization requests (RFC 9126) never used.
    pub pushed_requests: u64,
    /// `jti`s of request objects (RFC 9101) that have expired anyway.
    pub request_objects: u64,
    /// Accepted DPoP proofs whose `iat` is out of the window anyway (RFC 9449 §11.1).
    pub dpop_proofs: u64,
}

impl Purged {
    /// Total rows removed.
    pub fn total(&self) -> u64 {
        self.codes
            + self.refresh_families
            + self.revoked_jtis
            + self.assertions
            + self.session_clients
            + self.user_sessions
            + self.email_tokens
            + self.initial_access_tokens
            + self.device_codes
            + self.exchanged_tokens
            + self.pushed_requests
            + self.request_objects
            + self.dpop_proofs
    }
}

impl Store {
    /// Deletes expired codes, refresh families (their tokens go with them), revocation entries
    /// of tokens that have expired anyway, replay-protection entries of expired assertions, and the
    /// remembered clients of sessions that are over.
    /// Used codes are kept until they expire, so a replay within their lifetime is still caught.
    pub async fn purge_expired(&self, now: i64) -> StoreResult<Purged> {
        // Each statement takes its turn with the requests' writes (`Store::write_turn`).
        let run = |sql: &'static str| async move {
            let _turn = self.write_turn().await?;
            sqlx::query(sql)
                .bind(now)
                .execute(self.pool())
                .await
                .map(|r| r.rows_affected())
        };
        // Refresh tokens first: SQLite enforces the cascade only with foreign_keys on.
        run("DELETE FROM refresh_tokens WHERE family_id IN (SELECT id FROM refresh_families WHERE expires_at < $1)").await?;
        Ok(Purged {
            codes: run("DELETE FROM auth_codes WHERE expires_at < $1").await?,
            refresh_families: run("DELETE FROM refresh_families WHERE expires_at < $1").await?,
            revoked_jtis: run("DELETE FROM revoked_jtis WHERE expires_at < $1").await?,
            assertions: run("DELETE FROM used_assertions WHERE expires_at < $1").await?,
            session_clients: run("DELETE FROM session_clients WHERE expires_at < $1").await?,
            user_sessions: run("DELETE FROM user_sessions WHERE expires_at < $1").await?,
            email_tokens: run("DELETE FROM email_tokens WHERE expires_at < $1").await?,
            initial_access_tokens: run("DELETE FROM initial_access_tokens WHERE expires_at < $1")
                .await?,
            device_codes: run("DELETE FROM device_codes WHERE expires_at < $1").await?,
            exchanged_tokens: run("DELETE FROM exchanged_tokens WHERE expires_at < $1").await?,
            pushed_requests: run("DELETE FROM pushed_requests WHERE expires_at < $1").await?,
            request_objects: run("DELETE FROM used_request_objects WHERE expires_at < $1").await?,
            dpop_proofs: run("DELETE FROM dpop_proofs WHERE expires_at < $1").await?,
        })
    }
}
