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
//!
//! A PASSIVE checkpoint never starts the log over: SQLite writes from the log's beginning again
//! only when a writer finds every frame copied and no reader inside the log, and under steady
//! load some request is always reading. The log then grew without end (282 MB after 14,000 SSO
//! flows, and its index, mapped by every connection, with it). So once it holds
//! [`LOG_FRAMES_BEFORE_RESTART`] frames, [`Store::restart_log`] makes the next commit write
//! from the log's beginning again: the file keeps its size (about 64 MB) and is written over,
//! instead of growing.

use std::time::Duration;

use sqlx::{AnyConnection, Executor};

use super::{Backend, SQLITE_BUSY_TIMEOUT, Store, StoreResult};

/// What one checkpoint found (`PRAGMA wal_checkpoint`'s row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// Frames in the log.
    pub log_frames: i64,
    /// Frames of the log now in the database file: all of them unless a reader still needs
    /// older pages.
    pub copied_frames: i64,
}

/// How many frames (pages, 4 KiB each by default) the log may hold before the server starts it
/// over: 64 MB of disk. At 1,400 SSO flows/s on one core the log gains about 7,000 frames a
/// second, so this is a restart every two seconds or so under full load, each holding the write
/// turn for a few milliseconds.
pub const LOG_FRAMES_BEFORE_RESTART: i64 = 16_384;

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

    /// Copies every frame of the log into the database file, so that the next commit writes
    /// from the log's beginning (`PRAGMA wal_checkpoint(RESTART)`; the file is written over,
    /// not truncated: truncating made every later append allocate disk again). It holds the
    /// instance's write turn, so no writer of this instance starts meanwhile, and waits at most
    /// [`RESTART_WAIT`] for readers still inside the log: a reader that stays (a backup or
    /// replication tool holding a read transaction) must not stop the writers for the whole
    /// busy timeout. Whether it worked: `Ok(Some(true))`; `Ok(Some(false))` when readers
    /// remained and the log goes on growing. None on PostgreSQL.
    pub async fn restart_log(&self) -> StoreResult<Option<bool>> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let _turn = self.write_turn().await?;
        let mut conn = self.pool.acquire().await?;
        let result = restart_on(&mut conn).await;
        if result.is_err() {
            // Its busy timeout may not have been set back: it does not go back to the pool.
            let _ = conn.close().await;
        }
        Ok(Some(result?))
    }
}

/// How long [`Store::restart_log`] waits for readers to leave the log. A request's read takes
/// well under a millisecond.
const RESTART_WAIT: Duration = Duration::from_millis(20);

/// The restart on `conn`, with its busy timeout shortened for that one statement: whether it
/// was done (SQLite's first column, `busy`, is 1 when readers kept it from being done).
async fn restart_on(conn: &mut AnyConnection) -> sqlx::Result<bool> {
    let busy_timeout = |wait: Duration| format!("PRAGMA busy_timeout = {}", wait.as_millis());
    conn.execute(busy_timeout(RESTART_WAIT).as_str()).await?;
    let row: sqlx::Result<(i64, i64, i64)> = sqlx::query_as("PRAGMA wal_checkpoint(RESTART)")
        .fetch_one(&mut *conn)
        .await;
    conn.execute(busy_timeout(SQLITE_BUSY_TIMEOUT).as_str())
        .await?;
    let (busy, _, _) = row?;
    Ok(busy == 0)
}

#[cfg(test)]
mod tests {
    use super::super::{PoolOptions, SqliteSynchronous, Store};
    use sqlx::Executor;
    use std::time::Duration;

    async fn store(dir: &tempfile::TempDir) -> (Store, std::path::PathBuf) {
        let db = dir.path().join("t.db");
        let options = PoolOptions {
            max_connections: 4,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(5),
            sqlite_synchronous: SqliteSynchronous::Normal,
        };
        let url = format!("sqlite://{}?mode=rwc", db.display());
        let store = Store::connect_with(&url, options).await.expect("open");
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(store.pool())
            .await
            .expect("create");
        (store, db.with_extension("db-wal"))
    }

    /// Waits until `n` connections are idle: a dropped connection goes back to the pool in a
    /// task of its own.
    async fn returned(store: &Store, n: usize) {
        tokio::time::timeout(Duration::from_secs(5), async {
            while store.pool().num_idle() < n {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the connections are back in the pool");
    }

    /// Inserts `n` rows, one commit each.
    async fn insert(store: &Store, n: i64) {
        for x in 0..n {
            sqlx::query("INSERT INTO t (x) VALUES ($1)")
                .bind(x)
                .execute(store.pool())
                .await
                .expect("insert");
        }
    }

    /// Frames in the log now.
    async fn log_frames(store: &Store) -> i64 {
        let now = store.checkpoint().await.expect("checkpoint");
        now.expect("sqlite").log_frames
    }

    /// After a restart the next commit writes from the log's beginning, in the same file, and
    /// every commit is still there.
    #[tokio::test]
    async fn a_restarted_log_is_written_over_and_keeps_every_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, wal) = store(&dir).await;
        insert(&store, 200).await;
        assert!(log_frames(&store).await >= 200);
        let size = std::fs::metadata(&wal).expect("log").len();
        assert_eq!(store.restart_log().await.expect("restart"), Some(true));
        insert(&store, 1).await;
        assert!(log_frames(&store).await < 10, "the log started over");
        assert_eq!(std::fs::metadata(&wal).expect("log").len(), size);
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(store.pool())
            .await
            .expect("count");
        assert_eq!(rows, 201);
    }

    /// A reader that stays inside the log (a backup tool's open transaction) keeps it growing,
    /// without the writers waiting for the five-second busy timeout; once it is gone, the log
    /// starts over.
    #[tokio::test]
    async fn a_reader_that_stays_is_not_waited_for() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, _) = store(&dir).await;
        insert(&store, 1).await;
        let mut reader = store.pool().acquire().await.expect("reader");
        reader.execute("BEGIN").await.expect("begin");
        let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut *reader)
            .await
            .expect("read");
        insert(&store, 20).await;
        let restarted = tokio::time::timeout(Duration::from_secs(2), store.restart_log())
            .await
            .expect("not the busy timeout")
            .expect("restart");
        assert_eq!(restarted, Some(false));
        insert(&store, 1).await;
        assert!(log_frames(&store).await > 20, "the log went on growing");
        // Every other connection, the one that tried among them, is back with its busy timeout.
        let others = store.pool().size() as usize - 1;
        returned(&store, others).await;
        let mut idle = Vec::new();
        for _ in 0..others {
            let mut conn = store.pool().acquire().await.expect("idle connection");
            let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
                .fetch_one(&mut *conn)
                .await
                .expect("pragma");
            assert_eq!(busy, 5000, "the pool's connections keep their busy timeout");
            idle.push(conn);
        }
        drop(idle);
        reader.execute("COMMIT").await.expect("end the read");
        drop(reader);
        assert_eq!(store.restart_log().await.expect("restart"), Some(true));
        insert(&store, 1).await;
        assert!(log_frames(&store).await < 10, "the log started over");
    }

    /// Idle connections close; one in use stays open, and the pool opens new ones as needed.
    #[tokio::test]
    async fn closing_idle_connections_spares_the_busy_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, _) = store(&dir).await;
        let held = store.pool().acquire().await.expect("held");
        let extra = [
            store.pool().acquire().await.expect("second"),
            store.pool().acquire().await.expect("third"),
        ];
        drop(extra);
        returned(&store, 2).await;
        assert_eq!(store.pool().size(), 3);
        store.close_idle_connections().await;
        assert_eq!(store.pool().size(), 1, "only the held connection is left");
        drop(held);
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(store.pool())
            .await
            .expect("a new statement after the close");
        assert_eq!(rows, 0);
    }
}
