//! The real `tessera serve` binary as a child process, for the tests an in-process server cannot
//! serve: killing an instance the way a crash or the OOM killer would (SIGKILL: no graceful
//! shutdown, no pool close), a SIGTERM, the runtime's own thread settings, and reading the log
//! as an operator's pipeline would.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::{ConfigFile, Options, Server, TestApp, TestDb, free_port, http_client};

/// Starts `tessera <args> serve` on a fresh database, port and folder, configured as
/// [`super::spawn_app_with`] would be (`opts.env` becomes the process's environment), and waits
/// until it is ready. `args` are global flags such as `--log-format json`.
pub async fn spawn_served(opts: Options, args: &[&str]) -> TestApp {
    let db = TestDb::create().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let addr: std::net::SocketAddr = format!("127.0.0.1:{}", free_port())
        .parse()
        .expect("address");
    let issuer = format!("http://{addr}");
    let keys = dir.path().join("keys");
    let config_path = ConfigFile::new(&issuer, &db.url, &keys)
        .extra(&opts.extra_toml)
        .write(dir.path());
    let env: Vec<(&str, &str)> = opts
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let process = ServeProcess::start_with(&config_path, &addr.to_string(), args, &env).await;
    TestApp {
        server: Server::Binary(Box::new(process)),
        addr,
        issuer,
        http: http_client(),
        config_path,
        dir,
        db,
        options: opts,
    }
}

/// A `tessera serve` child process, its standard error kept in a file beside its config. Killed
/// (SIGKILL) when dropped.
pub struct ServeProcess {
    child: Option<tokio::process::Child>,
    config: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    log: PathBuf,
    /// How many times the binary was started (the log is shared across restarts).
    starts: usize,
    /// `http://<bind address>`.
    pub base: String,
}

impl ServeProcess {
    /// Starts `tessera --config <config> serve` and waits until `/readyz` answers 200.
    /// `bind` must be the config's `server.bind`.
    pub async fn start(config: &Path, bind: &str) -> ServeProcess {
        Self::start_with(config, bind, &[], &[]).await
    }

    /// As [`ServeProcess::start`], with global flags `args` and `env` added to the environment.
    pub async fn start_with(
        config: &Path,
        bind: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> ServeProcess {
        let mut p = ServeProcess {
            child: None,
            config: config.to_path_buf(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            log: config.with_file_name("serve.log"),
            starts: 0,
            base: format!("http://{bind}"),
        };
        p.spawn().await;
        p
    }

    async fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
            .arg("--config")
            .arg(&self.config)
            .args(&self.args)
            .arg("serve")
            .env_remove("RUST_LOG")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("spawn tessera serve");
        self.child = Some(child);
        self.starts += 1;
        self.wait_ready(Duration::from_secs(60)).await;
    }

    /// Waits until this child has bound its port and `/readyz` answers 200, panicking with
    /// the server's log after `limit` or when the child exits (a port taken by someone else
    /// must fail here, not let the test talk to another test's server).
    pub async fn wait_ready(&mut self, limit: Duration) {
        let http = reqwest::Client::new();
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!("{} exited ({status}); log:\n{}", self.base, self.log_text());
            }
            let serving = self.log_text().matches("tessera is serving").count() >= self.starts;
            if serving
                && let Ok(r) = http.get(self.url("/readyz")).send().await
                && r.status() == 200
            {
                return;
            }
            // Polling: the child comes up in its own time.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{} did not become ready within {limit:?}; log:\n{}",
            self.base,
            self.log_text()
        );
    }

    /// `base + path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// SIGKILL, and waits for the process to be gone.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().expect("SIGKILL");
            child.wait().await.expect("reap killed server");
        }
    }

    /// SIGTERM: asserts the process exits with success within 15 s.
    #[cfg(unix)]
    pub async fn sigterm(&mut self) {
        let mut child = self.child.take().expect("a running server");
        let pid = child.id().expect("pid");
        let status = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {pid}");
        let exit = tokio::time::timeout(Duration::from_secs(15), child.wait())
            .await
            .expect("the server exits within 15 s of SIGTERM")
            .expect("reap the server");
        assert!(exit.success(), "exit status {exit:?}");
    }

    /// Starts the binary again with the same config (after [`ServeProcess::kill`]).
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "kill the server before restarting it");
        self.spawn().await;
    }

    /// Everything the server wrote to standard error so far (across restarts).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The audit events logged so far (with `--log-format json`: objects whose `target` is
    /// `audit`).
    pub fn audit_events(&self) -> Vec<serde_json::Value> {
        self.log_text()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["target"] == "audit")
            .collect()
    }

    /// Waits (at most 30 s) until an audit event named `event` has been logged: the log may
    /// lag behind the response.
    pub async fn wait_for_audit(&self, event: &str) {
        let logged = super::eventually(30, || async {
            self.audit_events()
                .iter()
                .any(|e| e["event"] == event)
                .then_some(())
        })
        .await;
        assert!(
            logged.is_some(),
            "no audit event {event}; log:\n{}",
            self.log_text()
        );
    }
}
