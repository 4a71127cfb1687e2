//! Failed sign-in counters, one row per key, shared by every instance on the
//! database. Fixed windows: the count restarts when its window has passed.

use sqlx::Row;

use super::{Store, StoreResult};

impl Store {
    /// The time until which `key` is refused (0 or in the past when it is not).
    pub async fn throttle_blocked_until(&self, key: &str) -> StoreResult<i64> {
        let row = sqlx::query("SELECT blocked_until FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|r| r.try_get::<i64, _>("blocked_until"))
            .transpose()?
            .unwrap_or(0))
    }

    /// Counts one failure of `key` at `now`, restarting the count when the window began at or
    /// before `window_start_before`; returns the failures in the current window. One statement,
    /// so concurrent failures on several instances are all counted.
    pub async fn throttle_record_failure(
        &self,
        key: &str,
        now: i64,
        window_start_before: i64,
    ) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO login_throttle (throttle_key, failures, window_start, blocked_until)
             VALUES ($1, 1, $2, 0)
             ON CONFLICT (throttle_key) DO UPDATE SET
               failures = CASE WHEN login_throttle.window_start <= $3 THEN 1
                               ELSE login_throttle.failures + 1 END,
               window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2
                                   ELSE login_throttle.window_start END
             RETURNING failures",
        )
        .bind(key)
        .bind(now)
        .bind(window_start_before)
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("failures")?)
    }

    /// Refuses `key` until `until`.
    pub async fn throttle_block(&self, key: &str, until: i64) -> StoreResult<()> {
        sqlx::query("UPDATE login_throttle SET blocked_until = $1 WHERE throttle_key = $2")
            .bind(until)
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forgets the failures of `key` (after a successful sign-in).
    pub async fn throttle_reset(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes counters whose window began before `window_start_before` and that block nothing
    /// any more; returns how many. Idempotent, safe on every instance at once.
    pub async fn purge_login_throttle(
        &self,
        window_start_before: i64,
        now: i64,
    ) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM login_throttle WHERE window_start < $1 AND blocked_until < $2",
        )
        .bind(window_start_before)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}
