//! Starting and stopping the HTTP server: middleware, background tasks, graceful shutdown.

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

use crate::clock::Clock;
use crate::config::Config;
use crate::http::connections::{self, Limits};
use crate::keys::KeyManager;
use crate::router::{metrics_router, router};
use crate::state::AppState;
use crate::store::{LOG_FRAMES_BEFORE_RESTART, Store};

/// Opens the database (running migrations) and the signing keys: everything `serve` needs.
/// Every part reads the time from `clock` (the system's, or a test's).
pub async fn prepare(config: Config, clock: Clock) -> anyhow::Result<AppState> {
    let store = Store::connect_with(&config.database.url, config.database.pool_options())
        .await?
        .with_clock(clock.clone());
    store.migrate().await?;
    let keys = KeyManager::open(&store, &config)
        .await
        .map_err(|e| anyhow::anyhow!("cannot load the signing keys: {e}"))?;
    let sessions = crate::services::session::open(
        &store,
        config.database.acquire_timeout,
        config.database.sqlite_synchronous,
    )
    .await?;
    let (email, worker) =
        crate::services::email::EmailService::new(&config, store.clone(), clock.clone())?;
    if let Some(worker) = worker {
        // Ends by itself when the state (the queue's sending side) is dropped.
        tokio::spawn(worker);
    }
    let state = AppState::new(config, clock, store, keys, sessions, email);
    // Load the revocation list before serving: a revoked token must never look live.
    state.revocations.refresh(&state.store, true).await?;
    state.clients.check_for_changes(&state.store).await?;
    Ok(state)
}

/// The route table wrapped in the request envelope (`envelope.rs`: request id, client address,
/// span, metrics, run to completion, timeout, body limit, security headers).
pub fn app(state: AppState) -> Router {
    let envelope = crate::http::envelope::layer(&state.config, state.metrics.clone());
    router(state)
        .layer(envelope)
        .layer(axum::middleware::from_fn(
            crate::scim::wire::oversized_as_scim,
        ))
}

/// Serves on `listener` until `shutdown` resolves, then lets in-flight requests finish, stops
/// the background tasks and closes the pool.
pub async fn run(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let metrics_server = serve_metrics(&state).await?.map(tokio::spawn);
    // In the metrics scope, so the key rotations it performs are counted.
    let maintenance = tokio::spawn(
        state.metrics.scope(
            state
                .keys
                .clone()
                .maintain(state.config.keys.reload_interval),
        ),
    );
    let rate_limits = tokio::spawn(forget_idle_clients(state.rate_limits.clone()));
    let purge = tokio::spawn(purge_expired_rows(state.store.clone()));
    let checkpoints = tokio::spawn(checkpoint_wal(state.store.clone()));
    let throttle = tokio::spawn(crate::services::login_throttle::purge_stale(
        state.store.clone(),
        state.config.throttle.window,
        state.clock.clone(),
    ));
    let sessions = state
        .sessions
        .spawn_cleanup(std::time::Duration::from_secs(300));
    let store = state.store.clone();
    let revocations = tokio::spawn(state.revocations.clone().maintain(store.clone()));
    let clients = tokio::spawn(
        state
            .clients
            .clone()
            .follow_changes(store.clone(), state.config.cache.refresh_interval),
    );
    let limits = Limits::from_config(&state.config.server);
    connections::serve(listener, app(state), limits, shutdown).await;
    maintenance.abort();
    rate_limits.abort();
    if let Some(server) = metrics_server {
        server.abort();
    }
    purge.abort();
    checkpoints.abort();
    throttle.abort();
    revocations.abort();
    clients.abort();
    sessions.abort();
    store.close().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// With `metrics.bind` set, binds that address and returns the server of `/metrics` alone, with
/// the main listener's connection limits (stopped by aborting it: scrapes need no graceful end).
async fn serve_metrics(
    state: &AppState,
) -> anyhow::Result<Option<impl Future<Output = ()> + Send + 'static>> {
    let Some(bind) = state
        .config
        .metrics
        .bind
        .as_ref()
        .filter(|_| state.config.metrics.enabled)
    else {
        return Ok(None);
    };
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind} (metrics.bind): {e}"))?;
    tracing::info!(address = %listener.local_addr()?, "metrics are served on their own address");
    let app = metrics_router(state.clone());
    let limits = Limits::from_config(&state.config.server);
    Ok(Some(connections::serve(
        listener,
        app,
        limits,
        std::future::pending(),
    )))
}

/// Every minute, drops rate-limit state of clients whose budget has refilled, so memory follows
/// the clients active lately rather than every client ever seen.
async fn forget_idle_clients(limits: crate::services::rate_limit::RateLimits) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        limits.forget_idle();
    }
}

/// Every minute, removes expired codes, refresh families, revocation entries, used assertions
/// and remembered session clients. Safe on every instance: each statement is an idempotent DELETE.
async fn purge_expired_rows(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store.purge_expired(store.clock().now()).await {
            Ok(p) if p.total() > 0 => tracing::info!(
                codes = p.codes,
                refresh_families = p.refresh_families,
                revoked_jtis = p.revoked_jtis,
                assertions = p.assertions,
                session_clients = p.session_clients,
                dpop_proofs = p.dpop_proofs,
                "purged expired rows"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging expired rows failed"),
        }
    }
}

/// SQLite: checkpoints the write-ahead log every [`CHECKPOINT_BUSY`] while something is written,
/// every [`CHECKPOINT_IDLE`] otherwise (`store::checkpoint` says why it is not left to the
/// commits), and every [`GIVE_BACK_AFTER`] in which the instance wrote nothing, gives back the
/// memory that the requests and background statements since then took. Ends at once on
/// PostgreSQL.
async fn checkpoint_wal(store: Store) {
    let mut last = None;
    let mut failing = false;
    // Since when nothing was written, or memory last given back.
    let mut quiet_since: Option<std::time::Instant> = None;
    // How many frames the log may hold before it is started over.
    let mut restart_at = LOG_FRAMES_BEFORE_RESTART;
    loop {
        let wait = match store.checkpoint().await {
            Ok(None) => return,
            Ok(Some(now)) => {
                failing = false;
                // A log that started over lowers the bar again.
                restart_at = restart_at.min(now.log_frames + LOG_FRAMES_BEFORE_RESTART);
                if now.log_frames >= restart_at {
                    if let Err(e) = store.restart_log().await {
                        tracing::warn!(error = %e, "restarting the database log failed");
                    }
                    // Done, or a reader that stays kept the log: either way, the next attempt
                    // once it has grown as much more.
                    restart_at = now.log_frames + LOG_FRAMES_BEFORE_RESTART;
                }
                let moved = last != Some(now);
                last = Some(now);
                if moved {
                    quiet_since = None;
                    CHECKPOINT_BUSY
                } else {
                    let since = *quiet_since.get_or_insert_with(std::time::Instant::now);
                    // Again and again while quiet: the purge and the session cleanup read whole
                    // tables now and then, filling a connection's page cache without writing.
                    if since.elapsed() >= GIVE_BACK_AFTER {
                        store.close_idle_connections().await;
                        give_back_free_memory();
                        quiet_since = Some(std::time::Instant::now());
                    }
                    CHECKPOINT_IDLE
                }
            }
            Err(e) => {
                // Once per outage, not every tick.
                if !failing {
                    tracing::warn!(error = %e, "checkpointing the database log failed");
                }
                failing = true;
                CHECKPOINT_IDLE
            }
        };
        tokio::time::sleep(wait).await;
    }
}

/// How often the log is checkpointed while requests write: at 2,400 SSO flows/s, 100 ms of
/// them is about as many pages as SQLite's own 1,000-page threshold.
const CHECKPOINT_BUSY: std::time::Duration = std::time::Duration::from_millis(100);
/// How often an idle instance looks.
const CHECKPOINT_IDLE: std::time::Duration = std::time::Duration::from_secs(1);
/// How long after its last write an instance gives back what a busy spell took: the database
/// connections it opened ([`Store::close_idle_connections`]) and the memory they and the
/// requests freed. By then the session store's pool has closed its own
/// ([`crate::store::SQLITE_IDLE_CONNECTION`], which sqlx checks that often).
const GIVE_BACK_AFTER: std::time::Duration = std::time::Duration::from_secs(
    2 * crate::store::SQLITE_IDLE_CONNECTION.as_secs() + CHECKPOINT_IDLE.as_secs(),
);

/// Hands the allocators' free memory back to the operating system. glibc's malloc (SQLite's
/// page caches and statements live there) keeps what closed connections freed, between the
/// pages still in use, until asked (`malloc_trim`); mimalloc keeps the pages of threads that
/// ended (each closed connection's) until a collection.
fn give_back_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
    // SAFETY: a forced collection only frees what no thread uses; callable from any thread.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

/// `tessera serve`: binds the configured address and serves until SIGTERM or SIGINT.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let bind = config.server.bind;
    let state = prepare(config, Clock::system()).await?;
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    tracing::info!(
        address = %listener.local_addr()?,
        issuer = %state.config.issuer,
        threads = tokio::runtime::Handle::current().metrics().num_workers(),
        "tessera is serving"
    );
    run(state, listener, shutdown_signal()).await
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
