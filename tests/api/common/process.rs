//! The real `tessera serve` binary as a child process, for tests that must kill an instance
//! the way a crash or the OOM killer would (SIGKILL: no graceful shutdown, no pool close),
//! which an in-process server cannot model.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A `tessera serve` child process. Killed (SIGKILL) when dropped.
pub struct ServeProcess {
    child: Option<tokio::process::Child>,
    config: PathBuf,
    log: PathBuf,
    /// How many times the binary was started (the log is shared across restarts).
    starts: usize,
    /// `http://<bind address>`.
    pub base: String,
}

/// Writes a config for an instance listening on `bind` with the given issuer, database and
/// key folder (instances of one cluster share all three, and differ only in `bind`).
/// `database_toml` goes into the `[database]` section, `extra_toml` after `[keys]`.
pub fn write_serve_config(
    dir: &Path,
    issuer: &str,
    bind: &str,
    db_url: &str,
    keys_dir: &Path,
    database_toml: &str,
    extra_toml: &str,
) -> PathBuf {
    std::fs::create_dir_all(dir).expect("config dir");
    let path = dir.join("config.toml");
    let text = format!(
        "issuer = \"{issuer}\"\n\
         [server]\nbind = \"{bind}\"\n\
         [database]\nurl = \"{db_url}\"\n{database_toml}\
         [keys]\ndir = \"{keys}\"\nreload_interval = \"1s\"\n{extra_toml}",
        keys = keys_dir.display(),
    );
    std::fs::write(&path, text).expect("write config");
    path
}

/// A free loopback port (bound, read back and released: good enough for tests).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

impl ServeProcess {
    /// Starts `tessera --config <config> serve` and waits until `/readyz` answers 200.
    /// `bind` must be the config's `server.bind`.
    pub async fn start(config: &Path, bind: &str) -> ServeProcess {
        let log = config.with_file_name("serve.log");
        let mut p = ServeProcess {
            child: None,
            config: config.to_path_buf(),
            log,
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
            .arg("serve")
            .env_remove("RUST_LOG")
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

    /// Starts the binary again with the same config (after [`ServeProcess::kill`]).
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "kill the server before restarting it");
        self.spawn().await;
    }

    /// Everything the server wrote to standard error so far (across restarts).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}
