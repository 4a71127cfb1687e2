//! The sign-on path's few SQLite statements, run on the calling thread (issue 24).
//!
//! sqlx runs each SQLite connection on a thread of its own: a statement is sent to that thread
//! and its answer sent back, two thread switches around a statement that itself takes a few
//! microseconds. On the single sign-on flow (a code stored, a code redeemed, the session read)
//! the switches were a quarter of the server's time (bench/README.md, 2026-12-02 evening).
//! These statements run here instead, on a connection of this instance's own, in place.
//!
//! Running in place must never make a request wait inside SQLite: that would stall the thread
//! every other request runs on. So these connections never wait for a lock (`busy_timeout` 0).
//! When SQLite refuses a statement here, for a lock held elsewhere (another process writes, or
//! the session store's pool does) or for any other reason, the statement changed nothing (each
//! runs alone, to its commit); [`InPlace::run`] says so and the caller runs it on the pool,
//! which waits, retries and reports errors as it always did. Writes take the instance's write
//! turn first (`Store::write_turn`), so the instance's own writers never meet here.
//!
//! The connections are set up as the pool's are (synchronous level, foreign keys, no automatic
//! checkpoint): a commit made here is as durable as one made there. SQLite only; on PostgreSQL
//! everything goes through the pool.

use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, OpenFlags};

use super::{SqliteSynchronous, StoreError, StoreResult};

/// Connections kept open between uses; more are opened when requests overlap (several runtime
/// threads), and closed when returned beyond this.
const KEPT: usize = 2;

/// Statements kept prepared per connection (the sign-on path has three).
const PREPARED: usize = 16;

/// This instance's in-place connections to its SQLite file.
#[derive(Debug)]
pub(crate) struct InPlace {
    path: String,
    synchronous: SqliteSynchronous,
    idle: Mutex<Vec<Connection>>,
}

impl InPlace {
    /// For the database file at `path` (which the pool has created and migrated). Connections
    /// are opened on first use.
    pub(crate) fn new(path: &str, synchronous: SqliteSynchronous) -> Self {
        Self {
            path: path.to_string(),
            synchronous,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `f` on one of the connections, now, on this thread. `None` when SQLite refused
    /// (see the module comment): nothing was done, and the caller runs the same statement on
    /// the pool instead. `f` must run its one statement to the end (`SQLITE_DONE`), where an
    /// autocommit statement commits, so that a failed commit is seen here.
    pub(crate) fn run<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> StoreResult<Option<T>> {
        let conn = match self.take() {
            Some(conn) => conn,
            None => match self.open() {
                Ok(conn) => conn,
                Err(e) => return refused(e),
            },
        };
        let result = f(&conn);
        self.give_back(conn);
        match result {
            Ok(value) => Ok(Some(value)),
            Err(e) => refused(e),
        }
    }

    /// Closes the connections nobody is using (an instance gone quiet; see
    /// `Store::close_idle_connections`).
    pub(crate) fn close_idle(&self) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn take(&self) -> Option<Connection> {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < KEPT {
            idle.push(conn);
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Never wait for a lock on this thread (see the module comment).
        conn.busy_timeout(std::time::Duration::ZERO)?;
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = {}; PRAGMA wal_autocheckpoint = 0;",
            self.synchronous.pragma()
        ))?;
        conn.set_prepared_statement_cache_capacity(PREPARED);
        Ok(conn)
    }
}

/// An error of SQLite's own (a lock held elsewhere, a full disk, …) leaves the statement
/// undone: the pool runs it again. Anything else (a column that does not decode) is a bug.
fn refused<T>(e: rusqlite::Error) -> StoreResult<Option<T>> {
    match e {
        rusqlite::Error::SqliteFailure(..) => Ok(None),
        other => Err(StoreError::InPlace(other)),
    }
}

/// The file of a `sqlite:` URL, if it names one (not `:memory:`, whose every connection is a
/// database of its own).
pub(super) fn sqlite_file(url: &str) -> Option<&str> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}
