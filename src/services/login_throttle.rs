//! Login throttling: failed sign-ins are counted per username and per client IP in
//! the database, so instances sharing PostgreSQL share the limits. After `max_failures_*`
//! failures within `window`, the key is refused for `base_delay`, doubled with each further
//! failure up to `max_delay` (OWASP Authentication Cheat Sheet, "Login Throttling").
//!
//! A throttled attempt is refused before the password is checked, so a correct password does not
//! get through, and the answer is the same whether or not the username exists (unknown names are
//! counted too). A successful sign-in forgets the username's failures; the IP's stay.

use std::net::IpAddr;

use axum::http::StatusCode;

use crate::audit::AuditEvent;
use crate::clock::Clock;
use crate::config::ThrottleConfig;
use crate::error::PageError;
use crate::store::Store;

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
    /// Names the counters of `username` (case-folded, bounded) and `ip`, kept in `store` under
    /// the limits of `config`.
    pub fn new(
        store: &'a Store,
        config: &'a ThrottleConfig,
        clock: &'a Clock,
        username: &str,
        ip: IpAddr,
    ) -> Self {
        let name: String = username.trim().to_lowercase().chars().take(128).collect();
        Self {
            store,
            config,
            clock,
            user_key: format!("user:{name}"),
            ip_key: format!("ip:{ip}"),
            ip,
        }
    }

    /// Refuses the attempt (429) while either counter is blocked, with `Retry-After` saying
    /// when the later of the two blocks ends. Both counters are always read, so the answer
    /// depends only on the counters, never on whether the account exists.
    pub async fn check(&self, client_id: &str) -> Result<(), PageError> {
        let now = self.clock.now();
        let mut blocked_until = 0;
        for key in self.keys() {
            blocked_until = blocked_until.max(self.store.throttle_blocked_until(key).await?);
        }
        if blocked_until > now {
            AuditEvent::LoginThrottled {
                client_id,
                ip: self.ip,
            }
            .emit();
            return Err(too_many(blocked_until - now));
        }
        Ok(())
    }

    /// Counts a failure on both counters, blocking those over their limit.
    pub async fn failed(&self) -> Result<(), PageError> {
        let cfg = self.config;
        let now = self.clock.now();
        let window_start_before = now - cfg.window.as_secs() as i64;
        for key in self.keys() {
            let max = if key == &self.ip_key {
                cfg.max_failures_per_ip
            } else {
                cfg.max_failures_per_user
            };
            let failures = self
                .store
                .throttle_record_failure(key, now, window_start_before)
                .await?;
            if let Some(delay) = delay(cfg, failures, max) {
                self.store.throttle_block(key, now + delay).await?;
            }
        }
        Ok(())
    }

    /// The counters in force: the IP's only when its limit is on.
    fn keys(&self) -> Vec<&String> {
        let mut keys = vec![&self.user_key];
        if self.config.max_failures_per_ip > 0 {
            keys.push(&self.ip_key);
        }
        keys
    }

    /// Forgets the username's failures after a successful sign-in.
    pub async fn succeeded(&self) -> Result<(), PageError> {
        Ok(self.store.throttle_reset(&self.user_key).await?)
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

/// Seconds to block after `failures` in the window: none below `max`, then `base_delay`
/// doubling per further failure, at most `max_delay`.
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
        "Too many attempts",
        "Too many attempts, try again later.",
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
