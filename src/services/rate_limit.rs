//! Per-client rate limits at the token and introspection endpoints (issue 6 §4).
//!
//! Counted after client authentication and keyed by `client_id`, so only a client's own
//! credentials spend its budget: nobody can lock a client out by sending requests in its name.
//! Requests that fail authentication are not limited here (they cost one client lookup; put a
//! reverse proxy's per-IP limit in front for floods). The counters live in memory, one GCRA state
//! per client (`governor`), so the limits hold per instance: N instances behind a load balancer
//! let a client through at up to N times the configured rate. A database-backed counter would add
//! a write to every token request, which costs several times the request itself.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::clock::Clock;
use crate::config::RateLimitConfig;
use crate::error::OAuthError;

/// The endpoints that are limited, each with its own quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// `POST /token`.
    Token,
    /// `POST /introspect`.
    Introspect,
}

/// A per-client limiter.
type Limiter = RateLimiter<String, DefaultKeyedStateStore<String>, LimiterClock>;

/// governor's own monotonic clock, moved on by as much as a test has turned the state's clock
/// (by nothing in a server), so tests see a budget refill without waiting for it.
#[derive(Debug, Clone, Default)]
struct LimiterClock {
    monotonic: DefaultClock,
    turned: Clock,
}

impl governor::clock::Clock for LimiterClock {
    type Instant = <DefaultClock as governor::clock::Clock>::Instant;

    fn now(&self) -> Self::Instant {
        self.monotonic.now() + Nanos::from(self.turned.turned_by())
    }
}

/// The per-client limiters of one instance. Cheap to clone.
#[derive(Clone, Default)]
pub struct RateLimits {
    token: Option<Arc<Limiter>>,
    introspect: Option<Arc<Limiter>>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("token", &self.token.is_some())
            .field("introspect", &self.introspect.is_some())
            .finish()
    }
}

impl RateLimits {
    /// Limiters for the configured quotas; a rate of 0 leaves that endpoint unlimited. Time runs
    /// monotonically, plus whatever a test turns `clock` by.
    pub fn new(config: &RateLimitConfig, clock: Clock) -> Self {
        let clock = LimiterClock {
            monotonic: DefaultClock::default(),
            turned: clock,
        };
        Self {
            token: limiter(config.token_per_second, config.token_burst, &clock),
            introspect: limiter(
                config.introspect_per_second,
                config.introspect_burst,
                &clock,
            ),
        }
    }

    /// Spends one request of `client_id` at `endpoint`; over the limit, the 429 error to answer.
    // `&String`: the limiter's key type, looked up without allocating a copy.
    #[allow(clippy::ptr_arg)]
    pub fn check(&self, endpoint: Limited, client_id: &String) -> Result<(), OAuthError> {
        let limiter = match endpoint {
            Limited::Token => &self.token,
            Limited::Introspect => &self.introspect,
        };
        let Some(limiter) = limiter else {
            return Ok(());
        };
        limiter.check_key(client_id).map_err(|not_until| {
            OAuthError::rate_limited(not_until.wait_time_from(limiter.clock().now()))
        })
    }

    /// Forgets clients whose budget is full again, so the maps hold only recent clients.
    pub fn forget_idle(&self) {
        for limiter in [&self.token, &self.introspect].into_iter().flatten() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// A keyed limiter allowing `burst` requests at once and one more every `1 / per_second`
/// seconds; `None` when `per_second` is 0. The config validation keeps both in range.
fn limiter(per_second: f64, burst: u32, clock: &LimiterClock) -> Option<Arc<Limiter>> {
    if per_second <= 0.0 {
        return None;
    }
    let period = Duration::try_from_secs_f64(1.0 / per_second).ok()?;
    let quota = Quota::with_period(period)?.allow_burst(NonZeroU32::new(burst)?);
    Some(Arc::new(RateLimiter::new(
        quota,
        DefaultKeyedStateStore::default(),
        clock.clone(),
    )))
}
