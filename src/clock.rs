//! The one place Tessera reads the time of day. The server uses [`Clock::system`]; tests start
//! it with a [`ManualClock`] and move time forward instead of sleeping (code, token, session and
//! key expiry, throttle windows). Durations of work (request latency) are measured with
//! `Instant`, which no test needs to turn; the rate limiter's monotonic clock follows
//! [`Clock::turned_by`].

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of Unix time. Cheap to clone; every clone reads the same time.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Milliseconds added to the system time; `None` for the plain system clock.
    offset: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// Now, in whole seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn now_millis(&self) -> i64 {
        system_millis().saturating_add(self.offset_millis())
    }

    /// How far a test has turned this clock (zero for the system's): for the one clock that is
    /// not Unix time, the rate limiter's monotonic one, which must move with it.
    pub fn turned_by(&self) -> Duration {
        Duration::from_millis(u64::try_from(self.offset_millis()).unwrap_or(0))
    }

    fn offset_millis(&self) -> i64 {
        self.offset
            .as_ref()
            .map_or(0, |o| o.load(Ordering::Relaxed))
    }
}

/// A clock a test moves forward: it runs with the system's and jumps by what
/// [`advance`](Self::advance) adds. Hand [`clock`](Self::clock) to the server.
#[derive(Debug, Clone)]
pub struct ManualClock {
    offset: Arc<AtomicI64>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A clock that reads the system time until it is advanced.
    pub fn new() -> Self {
        Self {
            offset: Arc::new(AtomicI64::new(0)),
        }
    }

    /// The [`Clock`] this hand turns.
    pub fn clock(&self) -> Clock {
        Clock {
            offset: Some(self.offset.clone()),
        }
    }

    /// Moves every clone of [`clock`](Self::clock) forward by `by`.
    pub fn advance(&self, by: Duration) {
        let millis = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset.fetch_add(millis, Ordering::Relaxed);
    }
}

#[allow(clippy::disallowed_methods)] // the one read of the system clock
fn system_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_its_own_clocks() {
        let hand = ManualClock::new();
        let turned = hand.clock();
        let system = Clock::system();
        let before = turned.now();
        hand.advance(Duration::from_secs(3600));
        assert!(turned.now() >= before + 3600);
        assert!(hand.clock().now() >= before + 3600, "clones share the hand");
        assert!(
            system.now() < before + 3600,
            "the system clock is not moved"
        );
    }
}
