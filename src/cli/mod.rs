//! The admin command line. The contract (command names, flags, `--json` output) is exact:
//! other tools drive Tessera through it. Errors go to stderr with a non-zero exit.

mod client;
mod keys;
mod registration;
mod role;
mod upstream;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, LogFormat};
use crate::store::Store;

/// Tessera: an OAuth 2.0 / OpenID Connect authorization server.
#[derive(Debug, Parser)]
#[command(name = "tessera", version, about)]
pub struct Cli {
    /// Configuration file.
    #[arg(
        long,
        global = true,
        env = "TESSERA_CONFIG",
        default_value = "config.toml"
    )]
    pub config: PathBuf,
    /// Log line format (overrides `server.log_format`).
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server until SIGTERM or SIGINT.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage clients (relying parties and service accounts).
    #[command(subcommand)]
    Client(client::ClientCommand),
    /// Inspect and rotate signing keys.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Manage roles and their permissions.
    #[command(subcommand)]
    Role(role::RoleCommand),
    /// Dynamic client registration (RFC 7591): initial access tokens.
    #[command(subcommand)]
    Registration(registration::RegistrationCommand),
    /// Upstream identity providers people may sign in with (`[[upstream]]`).
    #[command(subcommand)]
    Upstream(upstream::UpstreamCommand),
}

/// Runs a parsed command line; the process exit code says whether it worked.
pub fn run(cli: Cli) -> ExitCode {
    let config = match Config::load(&cli.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // Held until the process ends: dropping it flushes the queued log lines.
    let _log_flush = init_tracing(
        cli.log_format.unwrap_or(config.server.log_format),
        matches!(cli.command, Command::Serve),
    );
    let runtime = match runtime(config.server.worker_threads) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The async runtime: `worker_threads` threads (0: one per core this process may use, which
/// counts CPU affinity and cgroup quotas).
///
/// With one thread, tokio's single-threaded scheduler: a work-stealing scheduler with a single
/// worker has no one to steal from, and on one core the single-threaded one answers far more
/// client_credentials requests (measured in bench/README.md). Handlers are the same either
/// way: each request still runs in its own task (`envelope`).
pub fn runtime(worker_threads: usize) -> std::io::Result<tokio::runtime::Runtime> {
    let threads = match worker_threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let mut builder = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(threads);
        b
    };
    builder.enable_all().build()
}

async fn dispatch(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => return crate::server::serve(config).await,
        Command::Upstream(cmd) => return upstream::run(cmd, &config),
        _ => {}
    }
    let store = open_store(&config).await?;
    let result = match command {
        // Handled above, before a store is opened.
        Command::Serve | Command::Upstream(_) => Ok(()),
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::User(cmd) => user::run(cmd, &store, &config).await,
        Command::Client(cmd) => client::run(cmd, &store, &config).await,
        Command::Role(cmd) => role::run(cmd, &store).await,
        Command::Keys(cmd) => keys::run(cmd, &store, &config).await,
        Command::Registration(cmd) => registration::run(cmd, &store).await,
    };
    store.close().await;
    result
}

/// Opens the configured database and brings its schema up to date.
async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let options = crate::store::PoolOptions {
        max_connections: config.database.max_connections.min(2),
        ..config.database.pool_options()
    };
    let store = Store::connect_with(&config.database.url, options).await?;
    store.migrate().await?;
    Ok(store)
}

/// Logs go to stderr (stdout is reserved for command output such as `--json`). The server
/// logs at `info` by default, the admin commands only warnings; `RUST_LOG` overrides both.
///
/// Counters do not depend on the log level: audit events count themselves whatever `RUST_LOG`
/// says (`audit.rs`).
fn init_tracing(format: LogFormat, serving: bool) -> Option<LogFlushGuard> {
    let default = if serving { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    install_tracing(format, filter)
}

/// Flushes the log lines still queued when dropped; keep it until the process ends.
pub type LogFlushGuard = tracing_appender::non_blocking::WorkerGuard;

/// Installs the process-wide subscriber: log lines on stderr filtered by `filter`. Does nothing
/// when one is installed already. The test suite installs the same stack.
///
/// The `log`-crate bridge (`tracing_log::LogTracer`, which `try_init` would add) is deliberately
/// not installed: with it and per-layer filters, audit events were lost on PostgreSQL (sqlx runs
/// a `log_enabled!` check for every server notice, which goes through the bridge into the
/// filters). Tessera's dependencies that log anything worth reading use `tracing` directly.
///
/// Lines are written by a background thread through a buffer it flushes whenever its queue runs
/// empty: a request never waits on the log file, and under load many lines share one `write`
/// (the per-token audit line written directly was a large share of a token request; measured in
/// bench/README.md). The queue is not lossy: when it is full a request waits rather
/// than drop an audit line. It holds [`LOG_QUEUE_LINES`]. Returns `None` when a subscriber was
/// already installed.
pub fn install_tracing(
    format: LogFormat,
    filter: tracing_subscriber::EnvFilter,
) -> Option<LogFlushGuard> {
    use tracing_subscriber::Layer;
    use tracing_subscriber::prelude::*;
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .thread_name("tessera-log")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let fmt = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(writer);
    let fmt = match format {
        LogFormat::Json => fmt
            .json()
            .flatten_event(true)
            .with_current_span(true)
            // Every enclosing span: the request span (request_id, ip) is not always the
            // innermost one (grant handlers open their own).
            .with_span_list(true)
            .boxed(),
        LogFormat::Text => fmt.boxed(),
    };
    let subscriber = tracing_subscriber::registry().with(fmt.with_filter(filter));
    tracing::subscriber::set_global_default(subscriber)
        .ok()
        .map(|()| guard)
}

/// Lines the log queue holds before a request waits for the writer. The queue is allocated, and
/// every slot written, when it is made: tracing-appender's default of 128,000 lines was 4 MB of an
/// idle instance's 30 MB (bench/README.md, 2026-12-02 afternoon). 8,192 lines are 256 KB, and
/// about half a second of the busiest request (one audit line per client_credentials token).
const LOG_QUEUE_LINES: usize = 8_192;

/// Reads one line (the password) from standard input, without its line ending.
fn read_password_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        anyhow::bail!("no password on standard input (give it as one line)");
    }
    Ok(password)
}

/// Prints the outcome of giving a role to a user or client.
fn report_assignment(
    outcome: crate::store::Assignment,
    holder: &str,
    role: &str,
    json: bool,
) -> anyhow::Result<()> {
    use crate::store::Assignment;
    match outcome {
        Assignment::NoSuchRole => anyhow::bail!("no role named `{role}`"),
        Assignment::NoSuchHolder => anyhow::bail!("no such {holder}"),
        Assignment::Done if json => {
            print_json(&serde_json::json!({"role": role, "assigned": true}))
        }
        Assignment::Done => {
            println!("{holder} now holds role {role}");
            Ok(())
        }
    }
}

/// Prints the outcome of taking a role or group away.
fn report_removal(removed: bool, what: &str, json: bool) -> anyhow::Result<()> {
    if !removed {
        anyhow::bail!("{what} was not held");
    }
    if json {
        return print_json(&serde_json::json!({"removed": true}));
    }
    println!("removed {what}");
    Ok(())
}

/// Prints a value as one JSON document on stdout.
fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}
