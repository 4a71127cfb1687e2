//! The "last seen" of each browser session, for the account page. Written at most once a
//! [`EVERY`] per session and instance: this instance remembers when it last wrote each session,
//! so the requests in between cost no database statement.
//!
//! Also how often a use of the session moves its idle deadline ([`SessionActivity::keep_alive_every`]):
//! the session record is rewritten only then, not on every request.

use std::time::Duration;

use crate::store::{Store, StoreResult};

/// How fine "last seen" is, in seconds.
pub const EVERY: i64 = 60;

/// When this instance last wrote each session's "last seen". Cheap to clone.
#[derive(Debug, Clone)]
pub struct SessionActivity {
    last_written: moka::sync::Cache<String, i64>,
    keep_alive_every: i64,
}

impl SessionActivity {
    /// An empty record, bounded in size (an entry only saves a write; losing one costs one),
    /// for sessions that end after `idle` without use (`session.idle_timeout`).
    pub fn new(idle: Duration) -> Self {
        Self {
            last_written: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_idle(Duration::from_secs(10 * 60))
                .build(),
            keep_alive_every: (idle.as_secs() as i64 / 10).min(EVERY),
        }
    }

    /// How long after the session record was last written a use of it writes it again, to move
    /// its idle deadline: a tenth of the idle lifetime, at most a minute. A session may so end
    /// up to that much earlier than `idle_timeout` after its last use, and an SSO request that
    /// changes nothing else writes nothing.
    pub fn keep_alive_every(&self) -> i64 {
        self.keep_alive_every
    }

    /// Session `sid` was recorded at `now`, "last seen" included: no write for a while yet.
    pub fn recorded(&self, sid: &str, now: i64) {
        self.last_written.insert(sid.to_string(), now);
    }

    /// Session `sid` was used at `now`.
    pub async fn seen(&self, store: &Store, sid: &str, now: i64) -> StoreResult<()> {
        if self
            .last_written
            .get(sid)
            .is_some_and(|t| (0..EVERY).contains(&(now - t)))
        {
            return Ok(());
        }
        store.touch_user_session(sid, now, EVERY).await?;
        self.last_written.insert(sid.to_string(), now);
        Ok(())
    }
}
