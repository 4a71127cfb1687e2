//! A Tessera run as its own process (`tessera serve --log-format json`), for tests that read
//! what it logs, as an operator's log pipeline would: the audit trail above all.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncBufReadExt;

use super::{Options, TestApp, TestDb, http_client, write_config};

/// A server process and every line it has written to standard error so far.
pub struct LoggedApp {
    // Declared first so it is killed before the database is dropped.
    _child: tokio::process::Child,
    pub app: TestApp,
    lines: Arc<Mutex<Vec<String>>>,
}

/// Starts `tessera serve` with JSON logs at `info` on a fresh database and port; `env` adds
/// `TESSERA_*` overrides.
pub async fn spawn_logged_app(opts: Options, env: &[(&str, &str)]) -> LoggedApp {
    let db = TestDb::create().await;
    let dir = tempfile::tempdir().expect("tempdir");
    // A free port, released for the child to bind (the issuer must name it beforehand).
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    let issuer = format!("http://{addr}");
    let config_path = write_config(dir.path(), &issuer, &db.url, &opts);
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("--config")
        .arg(&config_path)
        .args(["--log-format", "json", "serve"])
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn tessera serve");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let sink = lines.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = stderr.next_line().await {
            sink.lock().expect("log lines").push(line);
        }
    });
    let app = TestApp {
        addr,
        issuer,
        http: http_client(),
        dir,
        config_path,
        db,
        shutdown: None,
        task: None,
    };
    let logged = LoggedApp {
        _child: child,
        app,
        lines,
    };
    logged.wait_until_serving().await;
    logged
}

impl LoggedApp {
    /// Everything logged so far, one line per event.
    pub fn log(&self) -> String {
        self.lines.lock().expect("log lines").join("\n")
    }

    /// The audit events logged so far (JSON objects with `target` = `audit`).
    pub fn audit_events(&self) -> Vec<serde_json::Value> {
        self.lines
            .lock()
            .expect("log lines")
            .iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["target"] == "audit")
            .collect()
    }

    /// Waits (at most 30 s) until an audit event named `event` has been logged: the reader
    /// task may lag behind the response.
    pub async fn wait_for_audit(&self, event: &str) {
        for _ in 0..300 {
            if self.audit_events().iter().any(|e| e["event"] == event) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no audit event {event}; log:\n{}", self.log());
    }

    async fn wait_until_serving(&self) {
        for _ in 0..600 {
            if let Ok(r) = self.app.http.get(self.app.url("/healthz")).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("tessera serve did not start; log:\n{}", self.log());
    }
}
