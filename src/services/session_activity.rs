//! The "last seen" of each browser session, for the account page. Written at most once a
//! [`EVERY`] per session and instance: this instance remembers when it last wrote each session,
//! so the requests in between cost no database statement.

use std::time::Duration;

use crate::store::{Store, StoreResult};

/// How fine "last seen" is, in seconds.
pub const EVERY: i64 = 60;

/// When this instance last wrote each session's "last seen". Cheap to clone.
#[derive(Debug, Clone)]
pub struct SessionActivity {
    last_written: moka::sync::Cache<String, i64>,
}

impl Default for SessionActivity {
    fn default() -> Self {
        Self::new()
    }
}

impl SessionActivity {
    /// An empty record, bounded in size (an entry only saves a write; losing one costs one).
    pub fn new() -> Self {
        Self {
            last_written: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_idle(Duration::from_secs(10 * 60))
                .build(),
        }
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
