//! Test harness: `spawn_app()` and the clients tests drive the server with.

#![allow(dead_code)]

pub mod assertions;
pub mod browser;
pub mod cluster;
pub mod db;
pub mod flow;
pub mod grants;
pub mod logged;
pub mod process;
pub mod proxy;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use tokio::io::AsyncWriteExt;
use tokio::sync::oneshot;

pub use db::TestDb;

/// A running Tessera for one test.
pub struct TestApp {
    pub addr: SocketAddr,
    /// The issuer, `http://127.0.0.1:<port>`.
    pub issuer: String,
    /// A client that keeps cookies and does not follow redirects.
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
    pub config_path: PathBuf,
    pub db: TestDb,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// Extra TOML appended to the test configuration (sections the test wants to change).
#[derive(Default, Clone)]
pub struct Options {
    pub extra_toml: String,
}

/// Starts a server with the default test configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// Starts a server; `opts.extra_toml` is appended to the config file.
pub async fn spawn_app_with(opts: Options) -> TestApp {
    let db = TestDb::create().await;
    let dir = tempfile::tempdir().expect("tempdir");
    start_on(db, dir, &opts).await
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

/// Starts a server whose configuration also takes `env` as `TESSERA_*` environment overrides
/// (the way to set `[server]` keys: the test config's `[server]` section cannot be reopened).
pub async fn spawn_app_with_env(opts: Options, env: &[(&str, &str)]) -> TestApp {
    let db = TestDb::create().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    start_with_env(db, dir, &opts, &env).await
}

/// Writes a config file for `db` in `dir` and starts a server on a fresh port.
async fn start_on(db: TestDb, dir: tempfile::TempDir, opts: &Options) -> TestApp {
    start_with_env(db, dir, opts, &Default::default()).await
}

/// As [`start_on`], with environment overrides.
async fn start_with_env(
    db: TestDb,
    dir: tempfile::TempDir,
    opts: &Options,
    env: &std::collections::BTreeMap<String, String>,
) -> TestApp {
    init_tracing();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let issuer = format!("http://{addr}");
    let config_path = write_config(dir.path(), &issuer, &db.url, opts);
    let config = tessera::config::Config::load_with_env(&config_path, env).expect("test config");
    let state = tessera::server::prepare(config, tessera::clock::Clock::system())
        .await
        .expect("server start");
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(tessera::server::run(state, listener, async {
        let _ = rx.await;
    }));
    TestApp {
        addr,
        issuer,
        http: http_client(),
        dir,
        config_path,
        db,
        shutdown: Some(tx),
        task: Some(task),
    }
}

/// Writes the test configuration: quick key reloads so rotations show within a second.
pub fn write_config(dir: &Path, issuer: &str, db_url: &str, opts: &Options) -> PathBuf {
    let path = dir.join("config.toml");
    let keys_dir = dir.join("keys");
    let text = format!(
        "issuer = \"{issuer}\"\n\
         [server]\nbind = \"{bind}\"\n\
         [database]\nurl = \"{db_url}\"\n\
         [keys]\ndir = \"{keys}\"\nreload_interval = \"1s\"\n{extra}",
        bind = issuer.trim_start_matches("http://"),
        keys = keys_dir.display(),
        extra = opts.extra_toml,
    );
    std::fs::write(&path, text).expect("write config");
    path
}

/// A reqwest client with a cookie jar that never follows redirects (tests inspect them).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

impl TestApp {
    /// `issuer + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.issuer, path)
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
    pub async fn cli(&self, args: &[&str], stdin: Option<&str>) -> Output {
        run_cli(&self.config_path, args, stdin).await
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

    /// Creates a user with the CLI; returns its subject.
    pub async fn create_user(&self, username: &str, password: &str) -> String {
        let v = self
            .cli_json(
                &[
                    "user",
                    "create",
                    "--username",
                    username,
                    "--email",
                    &format!("{username}@example.com"),
                    "--name",
                    "Test User",
                    "--password-stdin",
                    "--json",
                ],
                Some(&format!("{password}\n")),
            )
            .await;
        v["id"].as_str().expect("user id").to_string()
    }

    /// Creates a client with the CLI; returns (client_id, client_secret).
    pub async fn create_client(&self, args: &[&str]) -> (String, Option<String>) {
        let mut full = vec!["client", "create", "--json"];
        full.extend_from_slice(args);
        let v = self.cli_json(&full, None).await;
        (
            v["client_id"].as_str().expect("client_id").to_string(),
            v["client_secret"].as_str().map(str::to_string),
        )
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

    /// Stops this server and starts a new one on the same database and key folder.
    pub async fn restart(mut self) -> TestApp {
        self.stop().await;
        let TestApp { db, dir, .. } = self;
        start_on(db, dir, &Options::default()).await
    }
}

/// Runs the `tessera` binary with `--config path`.
pub async fn run_cli(config: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_tessera"));
    cmd.arg("--config").arg(config).args(args);
    cmd.env_remove("RUST_LOG");
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn tessera");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).await.expect("write stdin");
    }
    drop(input);
    child.wait_with_output().await.expect("tessera output")
}

/// Polls `f` every 100 ms for up to `secs` seconds until it returns `Some`.
pub async fn eventually<T, F, Fut>(secs: u64, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..secs * 10 {
        if let Some(v) = f().await {
            return Some(v);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    None
}
