//! User codes typed on `/device`, counted per client IP in the login throttle's table
//! (`store/throttle.rs`). A user code has only 20^8 values and names someone else's pending
//! request, so guessing is throttled like passwords: each attempt is reserved (counted,
//! atomically) before the code is looked up, so a burst of concurrent guesses cannot exceed the
//! limit, and given back when the code was a usable one. At the limit the IP is refused until
//! `throttle.window` has passed.

use std::net::IpAddr;

use axum::http::StatusCode;

use crate::clock::Clock;
use crate::config::Config;
use crate::error::PageError;
use crate::store::{Reservation, Store};

/// One attempt at typing a user code from one IP.
#[derive(Debug, Clone)]
pub struct UserCodeAttempt<'a> {
    store: &'a Store,
    config: &'a Config,
    clock: &'a Clock,
    key: String,
}

impl<'a> UserCodeAttempt<'a> {
    /// The attempt of `ip`, under `device.max_failures_per_ip` within `throttle.window`.
    pub fn new(store: &'a Store, config: &'a Config, clock: &'a Clock, ip: IpAddr) -> Self {
        Self {
            store,
            config,
            clock,
            key: format!("user-code-ip:{ip}"),
        }
    }

    fn max(&self) -> i64 {
        self.config.device.max_failures_per_ip
    }

    /// Counts this attempt before the code is looked at, or refuses it (429 with `Retry-After`)
    /// while the IP is over its limit.
    pub async fn reserve(&self) -> Result<(), PageError> {
        let max = self.max();
        if max == 0 {
            return Ok(());
        }
        let window = self.config.throttle.window.as_secs().max(1) as i64;
        let now = self.clock.now();
        // The attempt that reaches the limit is still looked at; later ones wait out the window.
        let block_for = |count: i64| (count >= max).then_some(window);
        match self
            .store
            .throttle_reserve(&self.key, now, now - window, block_for)
            .await?
        {
            Reservation::Granted => Ok(()),
            Reservation::Blocked { until } => Err(PageError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "error-too-many-title",
                "error-too-many-user-codes",
            )
            .with_retry_after((until - now).max(1) as u64)),
        }
    }

    /// The code was a usable one: the attempt is given back.
    pub async fn succeeded(&self) -> Result<(), PageError> {
        let max = self.max();
        if max > 0 {
            self.store.throttle_release(&self.key, max).await?;
        }
        Ok(())
    }
}
