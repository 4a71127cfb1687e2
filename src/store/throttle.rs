//! Sign-in attempt counters, one row per key, shared by every instance on the database. An
//! attempt is counted when it is reserved, before the secret is checked, and given back when the
//! secret was right. Fixed windows: the count restarts when its window has passed.

use sqlx::Row;

use super::{Store, StoreResult};

/// The answer to [`Store::throttle_reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt is counted and may go ahead.
    Granted,
    /// The key is refused until this time (Unix seconds); nothing was counted.
    Blocked { until: i64 },
}

impl Store {
    /// The time until which `key` is refused (0 or in the past when it is not). A read only:
    /// the cheap first look that spares the write lock while a flood is being refused.
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

    /// Reserves one attempt on `key` at `now`, before the secret is checked. Refused while the
    /// key is blocked; otherwise the attempt is counted at once (in a new window when the old
    /// one began at or before `window_start_before`) and, when `block_for(count)` says so, the
    /// key is blocked from then on. One write transaction with the row locked, so concurrent
    /// reservations, on any instance, are counted one after the other and no more than the
    /// limit ever get through.
    pub async fn throttle_reserve(
        &self,
        key: &str,
        now: i64,
        window_start_before: i64,
        block_for: impl Fn(i64) -> Option<i64>,
    ) -> StoreResult<Reservation> {
        let mut tx = self.begin_write().await?;
        // The row, made if missing, in one statement. SQLite's `BEGIN IMMEDIATE` already holds
        // the write lock; on PostgreSQL the upsert's DO UPDATE locks the row until the commit,
        // as `SELECT … FOR UPDATE` would.
        let row = sqlx::query(
            "INSERT INTO login_throttle (throttle_key, failures, window_start, blocked_until)
             VALUES ($1, 0, $2, 0)
             ON CONFLICT (throttle_key) DO UPDATE SET throttle_key = excluded.throttle_key
             RETURNING failures, window_start, blocked_until",
        )
        .bind(key)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let blocked_until: i64 = row.try_get("blocked_until")?;
        if blocked_until > now {
            tx.rollback().await?;
            return Ok(Reservation::Blocked {
                until: blocked_until,
            });
        }
        let (failures, window_start) =
            if row.try_get::<i64, _>("window_start")? <= window_start_before {
                (1, now)
            } else {
                (
                    row.try_get::<i64, _>("failures")? + 1,
                    row.try_get("window_start")?,
                )
            };
        let blocked_until = block_for(failures).map_or(0, |delay| now + delay);
        sqlx::query(
            "UPDATE login_throttle SET failures = $1, window_start = $2, blocked_until = $3
             WHERE throttle_key = $4",
        )
        .bind(failures)
        .bind(window_start)
        .bind(blocked_until)
        .bind(key)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Reservation::Granted)
    }

    /// Gives back one reserved attempt of `key` (the secret was right): the count goes down by
    /// one, and a block that only the reservations in flight had reached is lifted.
    pub async fn throttle_release(&self, key: &str, max: i64) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "UPDATE login_throttle SET
               failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
               blocked_until = CASE WHEN failures - 1 < $1 THEN 0 ELSE blocked_until END
             WHERE throttle_key = $2",
        )
        .bind(max)
        .bind(key)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Forgets the failures of `key` (after a successful sign-in).
    pub async fn throttle_reset(&self, key: &str) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
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
        let _turn = self.write_turn().await?;
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
