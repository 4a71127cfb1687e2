//! Per-client rate limits at the token and introspection endpoints.
//!
//! Counted after client authentication and keyed by `client_id`, so only a client's own
//! credentials spend its budget: nobody can lock a client out by sending requests in its name.
//! A public client has no credentials (its `client_id` is public), so its token requests are
//! counted per client *and address*, plus a per-client ceiling of [`PUBLIC_CEILING`] times the
//! quota: a flood in its name from one address spends that address's budget, not the real
//! client's elsewhere.
//!
//! Requests that fail authentication are not limited here (they cost one client lookup; put a
//! reverse proxy's per-IP limit in front for floods). The counters live in memory, one GCRA state
//! per key (`governor`), so the limits hold per instance: N instances behind a load balancer
//! let a client through at up to N times the configured rate. A database-backed counter would add
//! a write to every token request, which costs several times the request itself.

use std::hash::Hash;
use std::net::IpAddr;
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

/// How many times the per-address quota one public client may use across all addresses.
pub const PUBLIC_CEILING: u32 = 10;

/// A limiter keyed by `K` (a client_id, or a client_id and an address).
type Limiter<K = String> = RateLimiter<K, DefaultKeyedStateStore<K>, LimiterClock>;

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
    /// Public clients at the token endpoint, per client and address.
    token_public: Option<Arc<Limiter<(String, IpAddr)>>>,
    /// Public clients at the token endpoint, per client, at [`PUBLIC_CEILING`] times the quota.
    token_public_ceiling: Option<Arc<Limiter>>,
    introspect: Option<Arc<Limiter>>,
    /// Open dynamic client registration, per client IP (see [`RateLimits::with_registrations`]).
    registration: Option<Arc<Limiter<IpAddr>>>,
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
        let (rate, burst) = (config.token_per_second, config.token_burst);
        Self {
            token: limiter(rate, burst, &clock),
            token_public: limiter(rate, burst, &clock),
            token_public_ceiling: limiter(
                rate * f64::from(PUBLIC_CEILING),
                burst.saturating_mul(PUBLIC_CEILING),
                &clock,
            ),
            introspect: limiter(
                config.introspect_per_second,
                config.introspect_burst,
                &clock,
            ),
            registration: None,
        }
    }

    /// The same limits, plus `per_hour` open registrations (`POST /register`) per client IP: all
    /// at once, then one every hour / `per_hour`. 0 leaves registration unlimited.
    pub fn with_registrations(mut self, per_hour: u32, clock: Clock) -> Self {
        let clock = LimiterClock {
            monotonic: DefaultClock::default(),
            turned: clock,
        };
        self.registration = limiter(f64::from(per_hour) / 3600.0, per_hour, &clock);
        self
    }

    /// Spends one open registration from `ip`; over the limit, the 429 error to answer.
    pub fn check_registration(&self, ip: IpAddr) -> Result<(), OAuthError> {
        spend(&self.registration, &ip)
    }

    /// Spends one request of `client_id` at `endpoint`; over the limit, the 429 error to answer.
    // `&String`: the limiter's key type, looked up without allocating a copy.
    #[allow(clippy::ptr_arg)]
    pub fn check(&self, endpoint: Limited, client_id: &String) -> Result<(), OAuthError> {
        let limiter = match endpoint {
            Limited::Token => &self.token,
            Limited::Introspect => &self.introspect,
        };
        spend(limiter, client_id)
    }

    /// Spends one token request of the public client `client_id` from `ip`: first the
    /// address's own budget, then the client's ceiling (a request refused for its address does
    /// not spend the ceiling).
    pub fn check_public_token(&self, client_id: &str, ip: IpAddr) -> Result<(), OAuthError> {
        spend(&self.token_public, &(client_id.to_string(), ip))?;
        spend(&self.token_public_ceiling, &client_id.to_string())
    }

    /// Forgets keys whose budget is full again, so the maps hold only recent clients.
    pub fn forget_idle(&self) {
        for limiter in [&self.token, &self.token_public_ceiling, &self.introspect]
            .into_iter()
            .flatten()
        {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        if let Some(limiter) = &self.token_public {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        if let Some(limiter) = &self.registration {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// Spends one request of `key`; over the limit, the 429 error to answer.
fn spend<K: Clone + Eq + Hash>(
    limiter: &Option<Arc<Limiter<K>>>,
    key: &K,
) -> Result<(), OAuthError> {
    let Some(limiter) = limiter else {
        return Ok(());
    };
    limiter.check_key(key).map_err(|not_until| {
        OAuthError::rate_limited(not_until.wait_time_from(limiter.clock().now()))
    })
}

/// A keyed limiter allowing `burst` requests at once and one more every `1 / per_second`
/// seconds; `None` when `per_second` is 0. The config validation keeps both in range.
fn limiter<K: Clone + Eq + Hash>(
    per_second: f64,
    burst: u32,
    clock: &LimiterClock,
) -> Option<Arc<Limiter<K>>> {
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
