//! A real headless Chromium over WebDriver for the page tests. chromedriver is started on a free
//! port with a fresh profile and stopped when the [`Browser`] is dropped. Without chromedriver the
//! tests are skipped with a message, except under `CI=true`, where they fail.

use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};

/// A browser session and the chromedriver serving it.
pub struct Browser {
    pub client: Client,
    _driver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

fn chromedriver() -> Option<String> {
    ["/usr/bin/chromedriver", "/usr/local/bin/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(str::to_string)
}

/// Starts chromedriver and Chromium, or returns `None` (after saying why) when they are not
/// installed outside CI.
pub async fn launch() -> Option<Browser> {
    let driver_path = chromedriver();
    if !super::can_run(
        "browser test",
        driver_path.is_some(),
        "chromedriver is not installed",
    ) {
        return None;
    }
    let driver_path = driver_path?;
    let port = super::free_port();
    let driver = tokio::process::Command::new(driver_path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        // Polling: chromedriver comes up in its own time.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile = tempfile::tempdir().expect("profile dir");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--window-size=390,844",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }),
    );
    // Console messages, read back by `Browser::console` (chromedriver's log endpoint).
    caps.insert(
        "goog:loggingPrefs".into(),
        serde_json::json!({"browser": "ALL"}),
    );
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&url)
        .await
        .expect("WebDriver session");
    Some(Browser {
        client,
        _driver: driver,
        _profile: profile,
    })
}

/// chromedriver's `POST /session/{id}/se/log` for the browser's console.
#[derive(Debug)]
struct ConsoleLog;

impl fantoccini::wd::WebDriverCompatibleCommand for ConsoleLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_string()),
        )
    }
}

/// chromedriver's `POST /session/{id}/goog/cdp/execute`: one Chrome DevTools Protocol command.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = serde_json::json!({"cmd": self.cmd, "params": self.params});
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// Runs a Chrome DevTools Protocol command (`WebAuthn.enable`, …) and returns its result.
    pub async fn cdp(
        &self,
        cmd: &str,
        params: serde_json::Value,
    ) -> anyhow::Result<serde_json::Value> {
        Ok(self
            .client
            .issue_cmd(Cdp {
                cmd: cmd.to_string(),
                params,
            })
            .await?)
    }

    /// A virtual platform authenticator (CTAP2, internal transport, resident keys, user
    /// verification that always succeeds) that WebAuthn calls in this browser reach; its id.
    pub async fn virtual_authenticator(&self) -> anyhow::Result<String> {
        self.cdp("WebAuthn.enable", serde_json::json!({})).await?;
        let added = self
            .cdp(
                "WebAuthn.addVirtualAuthenticator",
                serde_json::json!({"options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": true,
                    "hasUserVerification": true,
                    "isUserVerified": true,
                    "automaticPresenceSimulation": true,
                }}),
            )
            .await?;
        added["authenticatorId"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| anyhow::anyhow!("no authenticator id: {added}"))
    }

    /// The console messages since the last call (`LEVEL message` each); chromedriver logs
    /// there what the page logs and what the browser refused (CORS, CSP).
    pub async fn console(&self) -> anyhow::Result<Vec<String>> {
        let entries = self.client.issue_cmd(ConsoleLog).await?;
        Ok(entries
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                format!(
                    "{} {}",
                    e["level"].as_str().unwrap_or("?"),
                    e["message"].as_str().unwrap_or("")
                )
            })
            .collect())
    }

    /// Ends the browser session (Chromium quits), then chromedriver is killed on drop.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
