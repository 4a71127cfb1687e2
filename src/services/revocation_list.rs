//! The revocation list of JWT access tokens, checked on every introspection and
//! userinfo call, so it must be cheap: an in-memory set of revoked `jti`s.
//!
//! Every instance re-reads `revoked_jtis` every [`REFRESH_EVERY`] (only rows recorded since the
//! last read, with an overlap for clock skew between instances and slow transactions), so a
//! revocation made by one instance is seen by the others within about a second. Revocations made
//! by this instance are added to the set at once. Entries leave the set when the token they
//! revoke would have expired anyway.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::clock::Clock;
use crate::store::{Store, StoreResult};

/// How often the list is re-read from the database.
pub const REFRESH_EVERY: Duration = Duration::from_secs(1);
/// Rows recorded this long before the newest one seen are read again (clock skew, late commits).
const OVERLAP_SECS: i64 = 60;
/// A full re-read this often, in refresh ticks (heals anything the overlap missed).
const FULL_RELOAD_TICKS: u32 = 300;
/// Expired rows are deleted from the database this often, in refresh ticks.
const PURGE_TICKS: u32 = 60;

/// The in-memory set of revoked access-token `jti`s. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RevocationList {
    inner: Arc<RwLock<Inner>>,
    clock: Clock,
}

#[derive(Debug, Default)]
struct Inner {
    /// jti → the time the revoked token expires.
    revoked: HashMap<String, i64>,
    /// The newest `revoked_at` read from the database.
    watermark: i64,
}

impl RevocationList {
    /// An empty list; [`refresh`](Self::refresh) fills it.
    pub fn new(clock: Clock) -> Self {
        Self {
            inner: Arc::default(),
            clock,
        }
    }

    /// Whether the access token with this `jti` has been revoked (by any instance, within about
    /// a second) and has not expired anyway. The check for introspection and userinfo.
    pub fn is_revoked(&self, jti: &str) -> bool {
        let now = self.clock.now();
        self.read().revoked.get(jti).is_some_and(|&exp| exp > now)
    }

    /// Adds a revocation this instance just recorded in the database.
    pub fn insert(&self, jti: &str, expires_at: i64) {
        self.write().revoked.insert(jti.to_string(), expires_at);
    }

    /// Reads revocations recorded since the last refresh (everything with `full`) and drops
    /// expired entries.
    pub async fn refresh(&self, store: &Store, full: bool) -> StoreResult<()> {
        let now = self.clock.now();
        let since = if full {
            i64::MIN
        } else {
            self.read().watermark - OVERLAP_SECS
        };
        let rows = store.revoked_jtis_since(since, now).await?;
        let mut inner = self.write();
        inner.revoked.retain(|_, exp| *exp > now);
        for (jti, exp, revoked_at) in rows {
            inner.watermark = inner.watermark.max(revoked_at);
            inner.revoked.insert(jti, exp);
        }
        Ok(())
    }

    /// Runs forever: refreshes every [`REFRESH_EVERY`], purges expired rows now and then.
    /// Errors are logged; the last good set stays in use.
    pub async fn maintain(self, store: Store) {
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut n: u32 = 0;
        loop {
            tick.tick().await;
            n = n.wrapping_add(1);
            if let Err(e) = self
                .refresh(&store, n.is_multiple_of(FULL_RELOAD_TICKS))
                .await
            {
                tracing::warn!(error = %e, "refreshing the revocation list failed");
            }
            if n.is_multiple_of(PURGE_TICKS) {
                let now = self.clock.now();
                if let Err(e) = store.purge_expired_revocations(now).await {
                    tracing::warn!(error = %e, "purging expired revocations failed");
                }
                if let Err(e) = store.purge_expired_assertions(now).await {
                    tracing::warn!(error = %e, "purging expired assertion ids failed");
                }
            }
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl RevocationList {
    /// Revokes one access token: records it in the database (seen by every instance) and in
    /// this instance's list at once.
    pub async fn revoke_access_token(
        &self,
        store: &Store,
        jti: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        store.revoke_jti(jti, expires_at, self.clock.now()).await?;
        self.insert(jti, expires_at);
        Ok(())
    }

    /// Revokes a refresh-token family and the access tokens issued in it (RFC 9700 §4.14.2,
    /// RFC 7009 §2.1), then re-reads the list so this instance refuses those tokens at once.
    /// Returns false when the family was unknown or already revoked.
    pub async fn revoke_family(&self, store: &Store, family_id: &str) -> StoreResult<bool> {
        let revoked = store
            .revoke_refresh_family(family_id, self.clock.now())
            .await?;
        self.refresh(store, false).await?;
        Ok(revoked)
    }
}
