//! Moving SQLite's write-ahead log into the database file (a checkpoint), off the request path.
//!
//! SQLite's own auto-checkpoint runs inside the commit that takes the log past 1,000 pages:
//! that request copies the pages and syncs the file while it still holds the instance's write
//! gate, and every writer queues behind it (at 2,700 SSO flows/s, a dozen times a second).
//! Tessera's connections turn it off (`PRAGMA wal_autocheckpoint = 0`, set where they are
//! opened) and the server runs [`Store::checkpoint`] from a task of its own instead. A PASSIVE
//! checkpoint waits for nobody: writers go on appending to the log while it copies.
//! Durability does not change: a commit is in the log before it is answered, and the log is
//! synced at each checkpoint (`synchronous = NORMAL`) as before.

use super::{Backend, Store, StoreResult};

/// What one checkpoint found (`PRAGMA wal_checkpoint`'s row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// Frames in the log.
    pub log_frames: i64,
    /// Frames of the log now in the database file: all of them unless a reader still needs
    /// older pages.
    pub copied_frames: i64,
}

impl Store {
    /// Copies the committed pages of the log into the database file without waiting for
    /// readers or writers (`PRAGMA wal_checkpoint(PASSIVE)`). None on PostgreSQL, which has no
    /// such step.
    pub async fn checkpoint(&self) -> StoreResult<Option<Checkpoint>> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let (_busy, log_frames, copied_frames): (i64, i64, i64) =
            sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_one(&self.pool)
                .await?;
        Ok(Some(Checkpoint {
            log_frames,
            copied_frames,
        }))
    }
}
