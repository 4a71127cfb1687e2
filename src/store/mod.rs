//! The storage seam. Handlers never write SQL: they call methods on [`Store`], which reach
//! SQLite or PostgreSQL through one `sqlx::Any` pool, so every query is written once and both
//! backends pass the same tests. One file per concern. On SQLite, the three statements of a
//! single sign-on (the session read, the code stored, the code redeemed) run on the calling
//! thread when they can, and on the pool when they cannot (`in_place.rs`).

mod assertions;
mod checkpoint;
mod clients;
mod codes;
mod columns;
mod consents;
mod device_codes;
mod dpop_proofs;
mod email_tokens;
mod epochs;
mod exchanged_tokens;
mod identifiers;
mod in_place;
mod keys;
mod pairwise_subjects;
mod passkeys;
mod purge;
mod pushed_requests;
mod refresh;
mod refresh_rotation;
mod registrations;
mod revocations;
mod roles;
mod scim_groups;
mod scim_sql;
mod scim_users;
mod second_factors;
mod session_clients;
mod session_records;
mod throttle;
mod upstream_links;
mod user_sessions;
mod users;

pub use checkpoint::{Checkpoint, LOG_FRAMES_BEFORE_RESTART};
pub use clients::{ClientRow, CorsUse, NewClient};
pub use codes::{CodeRow, CodeTokens, NewCode, Redemption};
pub use consents::{ConsentRow, Remembered};
pub use device_codes::{DeviceCodeRow, DeviceDecision, DevicePoll, NewDeviceCode, SLOW_DOWN_STEP};
pub use dpop_proofs::MAX_PROOFS_PER_STATEMENT;
pub use email_tokens::{LinkState, NewEmailToken};
pub use keys::{KeyRow, Rotation};
pub use passkeys::{NewPasskey, PasskeyRow};
pub use purge::Purged;
pub use refresh::{NewRefreshFamily, RefreshTokenRow};
pub use refresh_rotation::{RotateOutcome, RotateRefresh};
pub use registrations::InitialTokenState;
pub use roles::{Assignment, Authz, RoleDeletion, RoleRow};
pub use scim_groups::{ScimGroupFields, ScimGroupRow};
pub use scim_sql::{Resource as ScimResource, sort_column as scim_sort_column};
pub use scim_users::{ScimQuery, ScimQueryError, ScimUserFields, ScimUserRow, ScimWrite};
pub use second_factors::{Factors, TotpRow};
pub use throttle::Reservation;
pub use upstream_links::{NO_PASSWORD, NewUpstreamAccount, UpstreamLinkRow};
pub use user_sessions::{NewUserSession, UserSessionRow};
pub use users::{SignOnVersion, Tagged, UserRow};

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::clock::Clock;

/// Which database engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Handle to the database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: String,
    /// SQLite only: the queue of this instance's write transactions ([`Store::begin_write`]).
    write_gate: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
    /// Stamps `created_at` columns; the server's clock, turned by tests.
    clock: Clock,
    /// SQLite file only: connections for the sign-on path's statements, run on the calling
    /// thread (`in_place.rs`).
    in_place: Option<std::sync::Arc<in_place::InPlace>>,
}

/// What can go wrong in storage, in the terms callers act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or has no free connection: answer 503.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// A unique constraint refused the write.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// Anything else: a bug or a broken database.
    #[error("database error: {0}")]
    Other(#[source] sqlx::Error),
    /// A row read in place (`in_place.rs`) that does not decode: a bug.
    #[error("database error: {0}")]
    InPlace(#[source] rusqlite::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e),
            sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                StoreError::Conflict("row")
            }
            sqlx::Error::Database(ref db) if is_transient(db.as_ref()) => {
                StoreError::Unavailable(e)
            }
            _ => StoreError::Other(e),
        }
    }
}

/// Database errors that mean "not now" rather than "never": the request may succeed when
/// retried, so it is answered 503, not 500.
fn is_transient(db: &dyn sqlx::error::DatabaseError) -> bool {
    let Some(code) = db.code() else {
        return false;
    };
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        sqlite_transient(&code)
    } else {
        postgres_transient(&code)
    }
}

/// PostgreSQL SQLSTATEs (Appendix A): class 08 connection exception; 53300 too many
/// connections; 57014 query canceled (our `statement_timeout`); 57P01..57P03 the server is
/// shutting down, crashed or still starting (a restart or failover).
fn postgres_transient(sqlstate: &str) -> bool {
    sqlstate.starts_with("08")
        || matches!(sqlstate, "53300" | "57014" | "57P01" | "57P02" | "57P03")
}

/// SQLite result codes 5 (SQLITE_BUSY: the write lock stayed taken past `busy_timeout`) and
/// 6 (SQLITE_LOCKED); extended codes keep the primary code in their low byte.
fn sqlite_transient(code: &str) -> bool {
    code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
}

/// How one instance's pool is sized and bounded (`[database]` in the configuration).
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// Most connections open at once.
    pub max_connections: u32,
    /// SQLite `PRAGMA synchronous` of every connection (ignored on PostgreSQL).
    pub sqlite_synchronous: SqliteSynchronous,
    /// How long a query waits for a free connection before failing as unavailable.
    pub acquire_timeout: Duration,
    /// PostgreSQL `statement_timeout` of every connection.
    pub statement_timeout: Duration,
}

/// What a SQLite commit survives (`PRAGMA synchronous`; the database runs in WAL mode).
/// Config `database.sqlite_synchronous`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    /// The WAL is synced at checkpoints, not at every commit. A commit survives a crash of
    /// the process (it is in the operating system's hands once answered); a power loss or an
    /// operating-system crash may lose the last commits, never the database's consistency.
    #[default]
    Normal,
    /// The WAL is synced at every commit: commits survive a power loss too, at one fsync each.
    Full,
}

impl SqliteSynchronous {
    fn pragma(self) -> &'static str {
        match self {
            Self::Normal => "NORMAL",
            Self::Full => "FULL",
        }
    }

    /// The same setting for connections opened with sqlx's SQLite options (the session store).
    pub fn for_sqlx(self) -> sqlx::sqlite::SqliteSynchronous {
        match self {
            Self::Normal => sqlx::sqlite::SqliteSynchronous::Normal,
            Self::Full => sqlx::sqlite::SqliteSynchronous::Full,
        }
    }
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Maps a unique violation to a `Conflict` naming the thing that already exists.
fn conflict_as(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(what),
        other => other,
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Opens a pool for `url` with a 10 s statement timeout. A SQLite file and its folder are
    /// created when missing.
    pub async fn connect(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> anyhow::Result<Self> {
        let options = PoolOptions {
            max_connections,
            acquire_timeout,
            statement_timeout: Duration::from_secs(10),
            sqlite_synchronous: SqliteSynchronous::default(),
        };
        Self::connect_with(url, options).await
    }

    /// Opens a pool for `url` sized and bounded by `options`.
    pub async fn connect_with(url: &str, options: PoolOptions) -> anyhow::Result<Self> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        if backend == Backend::Sqlite {
            create_sqlite_parent(url)?;
        }
        // A whole number of milliseconds, formatted by us: nothing user-supplied reaches SQL.
        let statement_timeout = format!(
            "SET statement_timeout = '{}ms'",
            options.statement_timeout.as_millis()
        );
        let synchronous = options.sqlite_synchronous;
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .min_connections(0)
            .acquire_timeout(options.acquire_timeout)
            // A pooled connection whose server went away (restart, failover) is found dead by
            // a ping and replaced, instead of failing the request that drew it. A SQLite
            // connection has no server to lose, and its ping is one more round trip to the
            // connection's own thread per statement (bench/README.md, 2026-12-02).
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _| {
                let statement_timeout = statement_timeout.clone();
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        let pragmas = format!(
                            "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; \
                             PRAGMA synchronous = {}; PRAGMA wal_autocheckpoint = 0;",
                            SQLITE_BUSY_TIMEOUT.as_millis(),
                            synchronous.pragma()
                        );
                        conn.execute(pragmas.as_str()).await?;
                    } else {
                        // A stuck query must not hold a connection forever.
                        conn.execute(statement_timeout.as_str()).await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the database `{}`: {e}", redact_url(url)))?;
        if backend == Backend::Sqlite {
            // WAL lets readers run beside the writer; the setting is stored in the file.
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        let in_place = match backend {
            Backend::Sqlite => in_place::sqlite_file(url)
                .map(|file| std::sync::Arc::new(in_place::InPlace::new(file, synchronous))),
            Backend::Postgres => None,
        };
        Ok(Self {
            pool,
            backend,
            url: url.to_string(),
            write_gate: (backend == Backend::Sqlite).then(Default::default),
            clock: Clock::system(),
            in_place,
        })
    }

    /// This store, stamping rows with `clock`'s time.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The clock rows are stamped with (and key expiry read by).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Applies the embedded migrations, then folds the usernames and emails they cannot
    /// (`identifiers.rs`), refusing to go on while two users collide. Safe when several
    /// instances start together: sqlx and the folding step take advisory locks on PostgreSQL,
    /// and SQLite serialises writers.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| anyhow::anyhow!("database migration failed: {e}"))?;
        self.fold_identifiers().await
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection URL (contains credentials for PostgreSQL: never log it unredacted).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A cheap round trip, for `/readyz`.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (graceful shutdown), waiting at most [`CLOSE_TIMEOUT`]: the
    /// process is about to exit and the database needs nothing more from it, so a close that
    /// never finishes (seen once in a CLI run under heavy load, the pool's maintenance task
    /// spinning) must not keep it from exiting.
    pub async fn close(&self) {
        if tokio::time::timeout(CLOSE_TIMEOUT, self.pool.close())
            .await
            .is_err()
        {
            tracing::warn!("the database pool did not close in time; exiting anyway");
        }
    }

    /// Closes every connection nobody is using now; the next statements open what they need.
    /// For an instance that has gone quiet after a busy spell: on SQLite each connection is a
    /// thread with its own page cache, parsed schema and prepared statements (a few hundred
    /// kilobytes), and a burst opens up to `max_connections` of them. sqlx's own `idle_timeout`
    /// cannot do it here: its idle queue is first-in first-out, so the server's background
    /// statements (a checkpoint and a change counter every second) pass through every idle
    /// connection in turn and keep them all looking used.
    pub async fn close_idle_connections(&self) {
        if let Some(in_place) = &self.in_place {
            in_place.close_idle();
        }
        for _ in 0..self.pool.num_idle() {
            let Some(conn) = self.pool.try_acquire() else {
                break;
            };
            // A connection that fails to close cleanly is gone all the same.
            let _ = conn.close().await;
        }
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The in-place connections (SQLite file only; `in_place.rs`).
    pub(crate) fn in_place(&self) -> Option<&in_place::InPlace> {
        self.in_place.as_deref()
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later fails with
    /// SQLITE_BUSY, without waiting, when another connection wrote in between.
    ///
    /// On SQLite the instance's writers first queue, in order, on an in-process gate. Without
    /// it, concurrent writers wait in SQLite's busy handler, which sleeps and retries with
    /// growing pauses (up to 100 ms each): concurrent refreshes had a p99 latency several times
    /// longer than with the gate, at the same throughput (measured in bench/README.md). A writer
    /// that waits longer than the busy timeout gets the same error SQLite's timeout gave (503,
    /// the database is busy).
    pub(crate) async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        let gate = self.write_turn().await?;
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx { tx, _gate: gate })
    }

    /// The instance's turn to write on SQLite (see [`Store::begin_write`]), for a write that is
    /// one statement outside a transaction: held until the statement is done, it keeps that
    /// statement and the transactions from meeting in SQLite's sleeping busy handler. Every
    /// write of the store takes its turn, one way or the other (the session store's own pool,
    /// which writes a session at most once a minute, is the exception). None on PostgreSQL.
    pub(crate) async fn write_turn(&self) -> sqlx::Result<Option<WriteTurn>> {
        let Some(gate) = &self.write_gate else {
            return Ok(None);
        };
        let turn = tokio::time::timeout(SQLITE_BUSY_TIMEOUT, gate.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?;
        Ok(Some(WriteTurn { _gate: turn }))
    }
}

/// Held while one SQLite write runs ([`Store::write_turn`]).
pub(crate) struct WriteTurn {
    _gate: tokio::sync::OwnedMutexGuard<()>,
}

/// How long an unused connection of the session store's SQLite pool stays open (sqlx's default
/// is ten minutes). Each SQLite connection is a thread with its own page cache, parsed schema and
/// prepared statements, a few hundred kilobytes; reopening one costs about a millisecond.
pub const SQLITE_IDLE_CONNECTION: Duration = Duration::from_secs(5);

/// How long [`Store::close`] waits for the pool to close.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a SQLite writer waits for the write lock (`PRAGMA busy_timeout`, and the write gate).
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A write transaction from [`Store::begin_write`]; statements run on it as on a connection
/// (`.execute(&mut *tx)`). Dropped without [`commit`](Self::commit), it rolls back.
pub(crate) struct WriteTx {
    // Declared first, so it is dropped (and its rollback queued) before the gate opens.
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _gate: Option<WriteTurn>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }

    pub(crate) async fn rollback(self) -> sqlx::Result<()> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// `sqlite://data/tessera.db?mode=rwc` → creates `data/`.
fn create_sqlite_parent(url: &str) -> anyhow::Result<()> {
    let Some(path) = in_place::sqlite_file(url) else {
        return Ok(());
    };
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the database folder {}: {e}",
                parent.display()
            )
        })?;
    }
    Ok(())
}

/// The URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// A migrated SQLite store in a temporary folder, for the store's own tests (the folder lives as
/// long as the returned guard).
#[cfg(test)]
pub(crate) async fn test_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let store = Store::connect(&url, 2, Duration::from_secs(5))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    (dir, store)
}

#[cfg(test)]
mod tests {
    use super::{StoreError, postgres_transient, sqlite_transient};
    use sqlx::Executor;

    #[tokio::test]
    async fn sqlite_busy_through_the_any_driver_is_unavailable() {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let pool = sqlx::AnyPool::connect(&url).await.expect("open");
        let mut holder = pool.acquire().await.expect("conn");
        let mut other = pool.acquire().await.expect("conn");
        holder
            .execute("BEGIN IMMEDIATE")
            .await
            .expect("take the write lock");
        other
            .execute("PRAGMA busy_timeout = 0")
            .await
            .expect("pragma");
        let err = other.execute("BEGIN IMMEDIATE").await.expect_err("busy");
        assert!(matches!(StoreError::from(err), StoreError::Unavailable(_)));
    }

    /// Every pooled SQLite connection runs with the configured durability (a fresh connection
    /// would default to FULL).
    #[tokio::test]
    async fn sqlite_connections_use_the_configured_synchronous_level() {
        for (level, expected) in [
            (super::SqliteSynchronous::Normal, 1),
            (super::SqliteSynchronous::Full, 2),
        ] {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
            let options = super::PoolOptions {
                max_connections: 2,
                acquire_timeout: std::time::Duration::from_secs(5),
                statement_timeout: std::time::Duration::from_secs(5),
                sqlite_synchronous: level,
            };
            let store = super::Store::connect_with(&url, options)
                .await
                .expect("open");
            let got: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(store.pool())
                .await
                .expect("pragma");
            assert_eq!(got, expected, "{level:?}");
        }
    }

    #[tokio::test]
    async fn sqlite_writers_wait_their_turn_on_the_gate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let options = super::PoolOptions {
            max_connections: 4,
            acquire_timeout: std::time::Duration::from_secs(5),
            statement_timeout: std::time::Duration::from_secs(5),
            sqlite_synchronous: super::SqliteSynchronous::Full,
        };
        let store = super::Store::connect_with(&url, options)
            .await
            .expect("open");
        let mut first = store.begin_write().await.expect("first writer");
        let other = store.clone();
        let second = tokio::spawn(async move {
            let mut tx = other.begin_write().await?;
            sqlx::query("INSERT INTO t (x) VALUES (2)")
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        });
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        assert!(!second.is_finished(), "the second writer waits at the gate");
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&mut *first)
            .await
            .expect("create");
        sqlx::query("INSERT INTO t (x) VALUES (1)")
            .execute(&mut *first)
            .await
            .expect("insert");
        first.commit().await.expect("commit");
        second
            .await
            .expect("task")
            .expect("the second writer ran after the first");
        let rows: Vec<i64> = sqlx::query_scalar("SELECT x FROM t ORDER BY rowid")
            .fetch_all(store.pool())
            .await
            .expect("read");
        assert_eq!(rows, vec![1, 2]);
    }

    #[test]
    fn transient_codes_are_503_material() {
        for code in ["08006", "08001", "57014", "57P01", "57P03", "53300"] {
            assert!(postgres_transient(code), "{code}");
        }
        // 42501 (insufficient privilege) has 5 in its low byte read as a number: not SQLite.
        for code in ["23505", "42P01", "40001", "42501"] {
            assert!(!postgres_transient(code), "{code}");
        }
        for code in ["5", "517", "6", "262"] {
            assert!(sqlite_transient(code), "{code}");
        }
        for code in ["1", "19", "2067", "11"] {
            assert!(!sqlite_transient(code), "{code}");
        }
    }
}
