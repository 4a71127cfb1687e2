//! Test harness. One way to start the server in the test's process ([`spawn_app`]), whose clock
//! the test turns instead of sleeping; one to run the real binary ([`process::spawn_served`]) for
//! the tests that need a process of its own; one config writer ([`ConfigFile`]); and a helper for
//! every fixture tests create ([`fixtures`]).

pub mod assertions;
pub mod browser;
pub mod cluster;
pub mod db;
pub mod fixtures;
pub mod flow;
pub mod grants;
pub mod process;
pub mod proxy;
pub mod smtp;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use tessera::clock::{Clock, ManualClock};
use tessera::state::AppState;
use tokio::io::AsyncWriteExt;
use tokio::sync::oneshot;

pub use db::TestDb;
use process::ServeProcess;

/// A running Tessera for one test, and the clients that drive it.
pub struct TestApp {
    // Declared first so the server stops before its database and folder go.
    server: Server,
    pub addr: SocketAddr,
    /// The issuer, `http://127.0.0.1:<port>`.
    pub issuer: String,
    /// A client that keeps cookies and does not follow redirects.
    pub http: reqwest::Client,
    pub config_path: PathBuf,
    pub dir: tempfile::TempDir,
    pub db: TestDb,
    /// What the server was started with (a restart starts with the same).
    options: Options,
}

/// Where a [`TestApp`]'s server runs.
enum Server {
    /// In the test's process (almost every test).
    InProcess(Instance),
    /// `tessera serve` as a child process.
    Binary(Box<ServeProcess>),
}

/// What a test changes in the default configuration.
#[derive(Default, Clone)]
pub struct Options {
    /// Appended to the config file after `[keys]`: more `[keys]` lines, then other sections.
    pub extra_toml: String,
    /// `TESSERA_*` overrides (the way to set `[server]` keys: the test config's `[server]`
    /// section cannot be reopened). A served binary gets them as its environment.
    pub env: Vec<(String, String)>,
    /// The issuer is `http://localhost:<port>` (a domain name, as WebAuthn's RP ID must be)
    /// instead of `http://127.0.0.1:<port>`.
    pub localhost: bool,
    /// Listen on this port (from [`free_port`]) instead of any: for a test that must name the
    /// issuer before the server starts (a client registered elsewhere redirects to it).
    pub port: Option<u16>,
}

impl Options {
    /// `extra_toml` appended to the config file.
    pub fn toml(extra_toml: &str) -> Self {
        Self {
            extra_toml: extra_toml.to_string(),
            env: Vec::new(),
            localhost: false,
            port: None,
        }
    }

    /// Adds a `TESSERA_*` override.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }
}

/// Starts a server with the default test configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// Starts a server on a fresh database with `opts`.
pub async fn spawn_app_with(opts: Options) -> TestApp {
    let db = TestDb::create().await;
    let dir = tempfile::tempdir().expect("tempdir");
    start_in_process(db, dir, opts, ManualClock::new()).await
}

/// Writes a config file for `db` in `dir` and starts a server on a fresh port, on `clock`.
async fn start_in_process(
    db: TestDb,
    dir: tempfile::TempDir,
    options: Options,
    clock: ManualClock,
) -> TestApp {
    let listener = match options.port {
        Some(port) => tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind the chosen port"),
        None => bind_loopback().await,
    };
    let addr = listener.local_addr().expect("addr");
    let issuer = if options.localhost {
        format!("http://localhost:{}", addr.port())
    } else {
        format!("http://{addr}")
    };
    let keys = dir.path().join("keys");
    let bind = addr.to_string();
    let config_path = ConfigFile::new(&issuer, &db.url, &keys)
        .bind(&bind)
        .extra(&options.extra_toml)
        .write(dir.path());
    let instance = Instance::start(listener, &config_path, &options.env, clock).await;
    TestApp {
        server: Server::InProcess(instance),
        addr,
        issuer,
        http: http_client(),
        config_path,
        dir,
        db,
        options,
    }
}

/// A server in the test's process, on a clock the test turns.
pub struct Instance {
    state: AppState,
    clock: ManualClock,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Instance {
    /// Loads `config` (with `env` overrides), prepares the server on `clock` and serves it on
    /// `listener` until stopped or dropped.
    pub async fn start(
        listener: tokio::net::TcpListener,
        config: &Path,
        env: &[(String, String)],
        clock: ManualClock,
    ) -> Instance {
        init_tracing();
        let env = env.iter().cloned().collect();
        let config = tessera::config::Config::load_with_env(config, &env).expect("test config");
        let state = tessera::server::prepare(config, clock.clock())
            .await
            .expect("server start");
        let (tx, rx) = oneshot::channel::<()>();
        // Dropping the sender resolves `rx` with an error, which shuts the server down too.
        let task = tokio::spawn(tessera::server::run(state.clone(), listener, async {
            let _ = rx.await;
        }));
        Instance {
            state,
            clock,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Does now what the background tasks do on their next tick: key maintenance (a rotation
    /// that is due, purging expired keys, reloading the set; counted in `/metrics` as the task's
    /// are), re-reading the revocation list, and checking the client cache's change counter.
    pub async fn catch_up(&self) {
        let s = &self.state;
        s.metrics.scope(s.keys.maintain_once()).await;
        s.revocations
            .refresh(&s.store, false)
            .await
            .expect("refresh the revocation list");
        s.clients
            .check_for_changes(&s.store)
            .await
            .expect("read the client change counter");
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server result");
        }
    }
}

/// Installs, once per test process, the subscriber `tessera serve` installs (the audit events
/// feed `/metrics`); log lines only with `TEST_LOG` set (its value is the filter, e.g. `info`).
pub fn init_tracing() {
    // The guard keeps the log writer's thread alive for the whole test process.
    static GUARD: std::sync::OnceLock<Option<tessera::cli::LogFlushGuard>> =
        std::sync::OnceLock::new();
    GUARD.get_or_init(|| {
        let filter = std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into());
        tessera::cli::install_tracing(
            tessera::config::LogFormat::Text,
            tracing_subscriber::EnvFilter::new(filter),
        )
    });
}

/// A test configuration file; [`ConfigFile::write`] is the one writer of them.
pub struct ConfigFile<'a> {
    pub issuer: &'a str,
    /// `server.bind`.
    pub bind: &'a str,
    pub db_url: &'a str,
    pub keys_dir: &'a Path,
    /// More `[server]` lines.
    pub server: &'a str,
    /// More `[database]` lines.
    pub database: &'a str,
    /// Appended after `[keys]`: more `[keys]` lines, then other sections.
    pub extra: &'a str,
}

impl<'a> ConfigFile<'a> {
    /// A server at `issuer`, listening on the issuer's `host:port`, on `db_url` with its keys in
    /// `keys_dir`.
    pub fn new(issuer: &'a str, db_url: &'a str, keys_dir: &'a Path) -> Self {
        Self {
            issuer,
            bind: issuer.trim_start_matches("http://"),
            db_url,
            keys_dir,
            server: "",
            database: "",
            extra: "",
        }
    }

    /// Listening on `bind` (an instance behind another address, or a second one).
    pub fn bind(mut self, bind: &'a str) -> Self {
        self.bind = bind;
        self
    }

    /// With `extra` appended after `[keys]`.
    pub fn extra(mut self, extra: &'a str) -> Self {
        self.extra = extra;
        self
    }

    /// Writes `dir/config.toml` (creating `dir`) and returns its path. Keys are re-read every
    /// second, so the tests that watch the reload task itself see a rotation within one.
    pub fn write(&self, dir: &Path) -> PathBuf {
        std::fs::create_dir_all(dir).expect("config dir");
        let path = dir.join("config.toml");
        let text = format!(
            "issuer = \"{issuer}\"\n\
             [server]\nbind = \"{bind}\"\n{server}\
             [database]\nurl = \"{db_url}\"\n{database}\
             [keys]\ndir = \"{keys}\"\nreload_interval = \"1s\"\n{extra}",
            issuer = self.issuer,
            bind = self.bind,
            server = self.server,
            db_url = self.db_url,
            database = self.database,
            keys = self.keys_dir.display(),
            extra = self.extra,
        );
        std::fs::write(&path, text).expect("write config");
        path
    }
}

/// A reqwest client with a cookie jar that never follows redirects (tests inspect them).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

/// A listener on a fresh loopback port.
pub async fn bind_loopback() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port")
}

/// A loopback port free a moment ago, for a process that binds it itself (the config must name
/// it beforehand). Bound, read back and released: good enough for tests.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// Serves `router` on a fresh loopback port until the test ends (a client's JWKS, a back-channel
/// logout receiver, a resource server); returns `http://<address>`.
pub async fn serve(router: axum::Router) -> String {
    let listener = bind_loopback().await;
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

/// Whether a test can do its job; when it cannot (`missing` says what it lacks), says so and
/// skips it, except under `CI=true`, where a skip would hide a broken set-up, so it fails.
pub fn can_run(test: &str, available: bool, missing: &str) -> bool {
    if available {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: {missing}, and CI=true requires it");
    }
    eprintln!("skipping {test}: {missing}");
    false
}

impl TestApp {
    /// `issuer + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.issuer, path)
    }

    /// The in-process server, for what only a test in its process can do.
    fn instance(&self) -> &Instance {
        match &self.server {
            Server::InProcess(i) => i,
            Server::Binary(_) => {
                panic!("a served binary keeps its state and clock to itself: use spawn_app")
            }
        }
    }

    /// The served binary (see [`process::spawn_served`]).
    pub fn process(&self) -> &ServeProcess {
        match &self.server {
            Server::Binary(p) => p,
            Server::InProcess(_) => panic!("this server runs in the test's process"),
        }
    }

    /// As [`TestApp::process`], to stop it.
    pub fn process_mut(&mut self) -> &mut ServeProcess {
        match &mut self.server {
            Server::Binary(p) => p,
            Server::InProcess(_) => panic!("this server runs in the test's process"),
        }
    }

    /// Moves the server's clock forward by `by`: codes, tokens, sessions and keys expire, and
    /// throttle and rate-limit windows pass, without waiting.
    pub fn advance(&self, by: Duration) {
        self.instance().clock.advance(by);
    }

    /// The clock the server reads (the system's for a served binary).
    pub fn clock(&self) -> Clock {
        match &self.server {
            Server::InProcess(i) => i.clock.clock(),
            Server::Binary(_) => Clock::system(),
        }
    }

    /// Now, in Unix seconds, as the server sees it.
    pub fn now(&self) -> i64 {
        self.clock().now()
    }

    /// Makes the server catch up now with what its background tasks would do on their next tick
    /// (see [`Instance::catch_up`]).
    pub async fn catch_up(&self) {
        self.instance().catch_up().await;
    }

    /// The server's clock hand, to share with a second instance.
    pub fn clock_hand(&self) -> ManualClock {
        self.instance().clock.clone()
    }

    /// `GET path`, read as JSON (discovery, JWKS).
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("JSON body")
    }

    /// Runs the `tessera` binary against this app's config, feeding `stdin` if given.
    /// Variables the server got that are not `TESSERA_*` overrides (an upstream's
    /// `client_secret_env`) are set for it too: the config does not load without them.
    pub async fn cli(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let secrets: Vec<(&str, &str)> = self
            .options
            .env
            .iter()
            .filter(|(k, _)| !k.starts_with("TESSERA_"))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        run_cli_with_env(&self.config_path, args, stdin, &secrets).await
    }

    /// Runs the CLI and parses its stdout as JSON, panicking with stderr when it failed.
    pub async fn cli_json(&self, args: &[&str], stdin: Option<&str>) -> serde_json::Value {
        let out = self.cli(args, stdin).await;
        assert!(
            out.status.success(),
            "tessera {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "tessera {args:?} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Stops the in-process server gracefully and waits for it (requests in flight finish).
    pub async fn stop(&mut self) {
        match &mut self.server {
            Server::InProcess(i) => i.stop().await,
            Server::Binary(_) => panic!("stop a served binary through process_mut()"),
        }
    }

    /// Stops this server and starts a new one on the same database, key folder, options and
    /// clock (on a new port, so its issuer differs).
    pub async fn restart(mut self) -> TestApp {
        let clock = match &mut self.server {
            Server::InProcess(i) => {
                i.stop().await;
                i.clock.clone()
            }
            Server::Binary(_) => panic!("restart is for in-process servers"),
        };
        let TestApp {
            db, dir, options, ..
        } = self;
        start_in_process(db, dir, options, clock).await
    }
}

/// Runs the `tessera` binary with `--config path`, feeding `stdin` if given.
pub async fn run_cli(config: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    run_cli_with_env(config, args, stdin, &[]).await
}

/// As [`run_cli`], with `env` added to the environment.
pub async fn run_cli_with_env(
    config: &Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_tessera"));
    cmd.arg("--config").arg(config).args(args);
    cmd.env_remove("RUST_LOG").envs(env.iter().copied());
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("spawn tessera");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).await.expect("write stdin");
    }
    drop(input);
    // A command that hangs fails its test (and is killed) instead of holding the suite.
    tokio::time::timeout(CLI_TIMEOUT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("tessera {args:?} did not finish within {CLI_TIMEOUT:?}"))
        .expect("tessera output")
}

/// Longest an admin command may run in a test.
const CLI_TIMEOUT: Duration = Duration::from_secs(120);

/// Polls `f` every 100 ms for up to `secs` seconds until it returns `Some`: for what another
/// process or task does in its own time.
pub async fn eventually<T, F, Fut>(secs: u64, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..secs * 10 {
        if let Some(v) = f().await {
            return Some(v);
        }
        // Polling: the change awaited happens in another task or process.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}
