//! Login throttling: sign-in attempts are counted per username and per client IP in the
//! database, so instances sharing PostgreSQL share the limits. When `max_failures_*` attempts
//! are counted within `window`, the key is refused for `base_delay`, doubled with each further
//! attempt up to `max_delay` (OWASP Authentication Cheat Sheet, "Login Throttling").
//!
//! An attempt is *reserved* (counted, atomically) before the password is checked, and given back
//! when the password was right: however many requests arrive at once, no more than the limit
//! are ever verified for one key in a window. A throttled attempt is refused before the password
//! is checked, so a correct password does not get through, and the answer is the same whether or
//! not the username exists (unknown names are counted too). A successful sign-in forgets the
//! username's failures and gives the IP back its one attempt; the IP's failures stay.

use std::net::IpAddr;

use axum::http::StatusCode;

use crate::audit::AuditEvent;
use crate::clock::Clock;
use crate::config::ThrottleConfig;
use crate::domain::identifier::fold;
use crate::error::PageError;
use crate::store::{Reservation, Store};

/// The name attempts on the account page go by where a client id goes otherwise (throttle,
/// audit trail); client ids are 22 base64url characters, so it names no client.
pub const ACCOUNT: &str = "account";

/// The two counters one attempt touches.
#[derive(Debug, Clone)]
pub struct LoginAttempt<'a> {
    store: &'a Store,
    config: &'a ThrottleConfig,
    clock: &'a Clock,
    user_key: String,
    ip_key: String,
    ip: IpAddr,
}

impl<'a> LoginAttempt<'a> {
    /// Names the counters of `username` (folded under the identifier profile, bounded) and
    /// `ip`, kept in `store` under the limits of `config`. Every spelling of one name (`Alice`,
    /// ` alice `, fullwidth `ａｌｉｃｅ`) is one counter, and so is a name the profile refuses.
    pub fn new(
        store: &'a Store,
        config: &'a ThrottleConfig,
        clock: &'a Clock,
        username: &str,
        ip: IpAddr,
    ) -> Self {
        let name: String = fold(username.trim()).chars().take(128).collect();
        Self {
            store,
            config,
            clock,
            user_key: format!("user:{name}"),
            ip_key: format!("ip:{ip}"),
            ip,
        }
    }

    /// Reserves this attempt on both counters before the password is checked, or refuses it
    /// (429) while either is blocked, with `Retry-After` saying when that block ends. The
    /// answer depends only on the counters, never on whether the account exists.
    pub async fn reserve(&self, client_id: &str) -> Result<(), PageError> {
        let now = self.clock.now();
        // A read first: while a flood is being refused, no request needs the write lock.
        let mut blocked_until = 0;
        for (key, _) in self.keys() {
            blocked_until = blocked_until.max(self.store.throttle_blocked_until(key).await?);
        }
        if blocked_until > now {
            return Err(self.throttled(client_id, blocked_until - now));
        }
        let window_start_before = now - self.config.window.as_secs() as i64;
        let mut granted: Vec<&String> = Vec::new();
        for (key, max) in self.keys() {
            let block_for = |count| delay(self.config, count, max);
            let reservation = self
                .store
                .throttle_reserve(key, now, window_start_before, block_for)
                .await;
            match reservation {
                Ok(Reservation::Granted) => granted.push(key),
                Ok(Reservation::Blocked { until }) => {
                    // The other counter's reservation was not used: give it back.
                    self.release(&granted).await?;
                    return Err(self.throttled(client_id, until - now));
                }
                Err(e) => {
                    self.release(&granted).await?;
                    return Err(e.into());
                }
            }
        }
        Ok(())
    }

    /// Records a refused attempt and makes its page.
    fn throttled(&self, client_id: &str, remaining: i64) -> PageError {
        AuditEvent::LoginThrottled {
            client_id,
            ip: self.ip,
        }
        .emit();
        too_many(remaining)
    }

    /// The password was right: forgets the username's failures and gives the IP back the
    /// attempt reserved for this sign-in.
    pub async fn succeeded(&self) -> Result<(), PageError> {
        self.store.throttle_reset(&self.user_key).await?;
        if self.config.max_failures_per_ip > 0 {
            self.release(&[&self.ip_key]).await?;
        }
        Ok(())
    }

    /// The password was right and a second factor follows: gives back this attempt's
    /// reservations but keeps the failures, so a person who knows the password still has only
    /// the limit's worth of guesses at the code.
    pub async fn first_factor_passed(&self) -> Result<(), PageError> {
        let keys: Vec<&String> = self.keys().into_iter().map(|(k, _)| k).collect();
        self.release(&keys).await
    }

    /// Gives back reservations that were not used for a password check.
    async fn release(&self, keys: &[&String]) -> Result<(), PageError> {
        for &key in keys {
            let max = self.max_for(key);
            self.store.throttle_release(key, max).await?;
        }
        Ok(())
    }

    /// The counters in force with their limits: the IP's only when its limit is on.
    fn keys(&self) -> Vec<(&String, i64)> {
        let mut keys = vec![(&self.user_key, self.config.max_failures_per_user)];
        if self.config.max_failures_per_ip > 0 {
            keys.push((&self.ip_key, self.config.max_failures_per_ip));
        }
        keys
    }

    fn max_for(&self, key: &String) -> i64 {
        if key == &self.ip_key {
            self.config.max_failures_per_ip
        } else {
            self.config.max_failures_per_user
        }
    }
}

/// Runs forever: every minute, deletes counters that are past their window and block nothing,
/// so names an attacker tried do not pile up. Errors are logged.
pub async fn purge_stale(store: Store, window: std::time::Duration, clock: Clock) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = clock.now();
        let before = now - window.as_secs() as i64;
        if let Err(e) = store.purge_login_throttle(before, now).await {
            tracing::warn!(error = %e, "purging login-throttle counters failed");
        }
    }
}

/// Seconds to block once `failures` attempts are counted in the window: none below `max`, then
/// `base_delay` doubling per further attempt, at most `max_delay`.
fn delay(cfg: &ThrottleConfig, failures: i64, max: i64) -> Option<i64> {
    if failures < max {
        return None;
    }
    let doublings = (failures - max).clamp(0, 30) as u32;
    let base = cfg.base_delay.as_secs().max(1) as i64;
    let cap = cfg.max_delay.as_secs().max(1) as i64;
    Some(base.saturating_mul(1_i64 << doublings).min(cap))
}

/// The page of a throttled attempt: the same for every username; `Retry-After` is the
/// remaining block in whole seconds, at least 1 (RFC 6585 §4, RFC 9110 §10.2.3).
fn too_many(remaining: i64) -> PageError {
    PageError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "error-too-many-title",
        "error-too-many-sign-ins",
    )
    .with_retry_after(remaining.max(1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn delay_doubles_up_to_the_cap() {
        let cfg = ThrottleConfig {
            base_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(100),
            ..ThrottleConfig::default()
        };
        assert_eq!(delay(&cfg, 4, 5), None);
        assert_eq!(delay(&cfg, 5, 5), Some(30));
        assert_eq!(delay(&cfg, 6, 5), Some(60));
        assert_eq!(delay(&cfg, 7, 5), Some(100));
        assert_eq!(delay(&cfg, 500, 5), Some(100));
    }
}
