//! Password-reset requests, counted per address and per client IP in the login throttle's table
//! (`store/throttle.rs`), so that no one can flood a mailbox or the SMTP server. Counted before
//! anything is looked up, so the answer never depends on whether the address has an account.

use std::net::IpAddr;

use axum::http::StatusCode;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::Email;
use crate::error::PageError;
use crate::store::{Reservation, Store};

/// Counts one reset request for `email` from `ip`, or refuses it (429 with `Retry-After`) while
/// either counter is over its limit within `throttle.window`.
pub async fn reserve_reset_request(
    store: &Store,
    config: &Config,
    clock: &Clock,
    email: &Email,
    ip: IpAddr,
) -> Result<(), PageError> {
    let window = config.throttle.window.as_secs().max(1) as i64;
    let limits = &config.email;
    let mut keys = vec![(
        format!("reset-address:{}", email.folded()),
        limits.reset_requests_per_address,
    )];
    if limits.reset_requests_per_ip > 0 {
        keys.push((format!("reset-ip:{ip}"), limits.reset_requests_per_ip));
    }
    let now = clock.now();
    for (key, max) in keys {
        // The request that reaches the limit goes through; later ones wait out the window.
        let block_for = |count: i64| (count >= max).then_some(window);
        match store
            .throttle_reserve(&key, now, now - window, block_for)
            .await?
        {
            Reservation::Granted => {}
            Reservation::Blocked { until } => {
                return Err(PageError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "error-too-many-title",
                    "error-too-many-resets",
                )
                .with_retry_after((until - now).max(1) as u64));
            }
        }
    }
    Ok(())
}
