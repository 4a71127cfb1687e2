//! The database goes away and comes back (issue 7, item 3). A TCP proxy sits between a real
//! `tessera serve` and PostgreSQL; cutting it closes every pooled connection and refuses new
//! ones. Requests that need the database must get a clear 503 (JSON on protocol endpoints, a
//! page for people), `/readyz` must say so while `/healthz` stays 200, and service must
//! resume by itself once the proxy is back. Also: a statement PostgreSQL cancels at
//! `database.statement_timeout` is a 503, not a 500.
//!
//! PostgreSQL only: SQLite is a file inside the server's own process, with no connection to
//! lose and no statement timeout. Skipped with a note when `TESSERA_TEST_DATABASE_URL` is unset,
//! and failed under `CI=true` (whose SQLite pass leaves these out).

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::Connection;

use crate::common::process::ServeProcess;
use crate::common::proxy::TcpProxy;
use crate::common::{ConfigFile, TestDb, can_run, free_port, run_cli};

/// A client id and secret.
type Client = (String, String);

/// Whether the PostgreSQL tests can run (see [`can_run`]).
fn postgres_available(test: &str) -> bool {
    let set = std::env::var("TESSERA_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty());
    can_run(
        test,
        set,
        "it needs PostgreSQL (set TESSERA_TEST_DATABASE_URL)",
    )
}

/// The address of the PostgreSQL server in `url`, and `url` rewritten to go through `port`.
fn through_proxy(url: &str, port: u16) -> (SocketAddr, String) {
    let mut u = url::Url::parse(url).expect("database URL");
    let host = u.host_str().expect("database host").to_string();
    let upstream = std::net::ToSocketAddrs::to_socket_addrs(&(host, u.port().unwrap_or(5432)))
        .expect("resolve database host")
        .next()
        .expect("database address");
    u.set_host(Some("127.0.0.1")).expect("host");
    u.set_port(Some(port)).expect("port");
    (upstream, u.to_string())
}

/// A real server on `db_url` configured in `dir`, `database_toml` added to `[database]`.
async fn start_server(dir: &Path, db_url: &str, database_toml: &str) -> ServeProcess {
    let issuer = format!("http://127.0.0.1:{}", free_port());
    let keys = dir.join("keys");
    let config = ConfigFile {
        database: database_toml,
        ..ConfigFile::new(&issuer, db_url, &keys)
    }
    .write(dir);
    ServeProcess::start(&config, issuer.trim_start_matches("http://")).await
}

/// A confidential client allowed client_credentials and the code flow.
async fn create_client(dir: &Path) -> Client {
    let args = [
        "client",
        "create",
        "--name",
        "svc",
        "--grant-type",
        "client_credentials",
        "--grant-type",
        "authorization_code",
        "--redirect-uri",
        "https://rp.example.com/cb",
        "--json",
    ];
    let out = run_cli(&dir.join("config.toml"), &args, None).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let created: Value = serde_json::from_slice(&out.stdout).expect("client json");
    (
        created["client_id"]
            .as_str()
            .expect("client_id")
            .to_string(),
        created["client_secret"]
            .as_str()
            .expect("secret")
            .to_string(),
    )
}

/// A client that does not follow redirects and gives up after 30 s.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client")
}

/// `GET url`; panics when the server does not answer at all (a reset, a crash).
async fn get(url: &str) -> reqwest::Response {
    http_client()
        .get(url)
        .send()
        .await
        .expect("the server answers (no reset)")
}

/// `POST /token` with client_credentials; panics when the server does not answer at all.
async fn client_credentials(server: &ServeProcess, client: &Client) -> reqwest::Response {
    http_client()
        .post(server.url("/token"))
        .basic_auth(&client.0, Some(&client.1))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("the server answers (no reset)")
}

/// `POST /token` redeeming a code nobody issued: the client is authenticated from the cache,
/// but the code can only be looked up in the database (400 `invalid_grant` when it answers).
async fn code_exchange(server: &ServeProcess, client: &Client) -> reqwest::Response {
    http_client()
        .post(server.url("/token"))
        .basic_auth(&client.0, Some(&client.1))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "no-such-code-0123456789"),
            ("redirect_uri", "https://rp.example.com/cb"),
            (
                "code_verifier",
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            ),
        ])
        .send()
        .await
        .expect("the server answers (no reset)")
}

/// Asserts an RFC 6749 §5.2 `temporarily_unavailable` answer a client can act on.
async fn assert_unavailable_json(r: reqwest::Response) {
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(
        r.headers().contains_key("retry-after"),
        "503 says when to retry"
    );
    let body: Value = r.json().await.expect("JSON error body");
    assert_eq!(body["error"], "temporarily_unavailable", "{body}");
    let description = body["error_description"].as_str().unwrap_or("");
    assert!(description.contains("database"), "{body}");
}

/// `/authorize` for `client`: a page that needs the client from the database.
fn authorize_url(server: &ServeProcess, client: &Client) -> String {
    format!(
        "{}?response_type=code&client_id={}&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb\
         &scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGKSs1ZAqs\
         &code_challenge_method=S256",
        server.url("/authorize"),
        client.0
    )
}

#[tokio::test]
async fn database_outage_answers_503_and_recovers_by_itself() {
    if !postgres_available("database outage test") {
        return;
    }
    let db = TestDb::create().await;
    let (upstream, _) = through_proxy(&db.url, 0);
    let mut proxy = TcpProxy::start(upstream).await;
    let (_, proxied) = through_proxy(&db.url, proxy.port);
    let dir = tempfile::tempdir().expect("tempdir");
    // A short acquire timeout, so each request in the outage waits 1 s rather than 5 s.
    let server = start_server(dir.path(), &proxied, "acquire_timeout = \"1s\"\n").await;
    let client = create_client(dir.path()).await;
    assert_eq!(client_credentials(&server, &client).await.status(), 200);
    assert_eq!(code_exchange(&server, &client).await.status(), 400);

    proxy.cut().await;

    // Protocol endpoint: a JSON error a client can act on.
    assert_unavailable_json(code_exchange(&server, &client).await).await;
    // What needs no database keeps working: the client is in the client cache and a
    // client_credentials token is only signed.
    assert_eq!(client_credentials(&server, &client).await.status(), 200);
    // A page for people: readable HTML, not an empty 500.
    let r = get(&authorize_url(&server, &client)).await;
    assert_eq!(r.status(), 503);
    let content_type = r.headers()["content-type"]
        .to_str()
        .unwrap_or("")
        .to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(r.headers().contains_key("retry-after"));
    let page = r.text().await.expect("page");
    assert!(page.contains("Temporarily unavailable"), "{page}");
    // Probes: not ready, but alive; published keys keep being served from memory.
    let r = get(&server.url("/readyz")).await;
    assert_eq!(r.status(), 503);
    let v: Value = r.json().await.expect("readyz json");
    assert_eq!(v["database"], "unavailable", "{v}");
    assert_eq!(get(&server.url("/healthz")).await.status(), 200);
    assert_eq!(get(&server.url("/jwks")).await.status(), 200);

    proxy.restore().await;

    // Service resumes without a restart.
    let start = Instant::now();
    loop {
        let r = code_exchange(&server, &client).await;
        if r.status() == 400 {
            break;
        }
        assert_eq!(r.status(), 503, "only 503 while recovering");
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the server did not recover within a minute"
        );
        // Polling: the pool reconnects in its own time.
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let r = get(&server.url("/readyz")).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("readyz json");
    assert_eq!(v, json!({"status": "ok", "database": "ok", "keys": "ok"}));
    let r = get(&authorize_url(&server, &client)).await;
    assert!(
        r.status().is_redirection(),
        "authorize works again: {}",
        r.status()
    );
    let log = server.log_text();
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test]
async fn a_statement_past_the_timeout_answers_503() {
    if !postgres_available("statement timeout test") {
        return;
    }
    let db = TestDb::create().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start_server(dir.path(), &db.url, "statement_timeout = \"1s\"\n").await;
    let client = create_client(dir.path()).await;
    assert_eq!(code_exchange(&server, &client).await.status(), 400);

    // Another session holds a lock the code lookup must wait for, past the timeout.
    let mut blocker = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    sqlx::query("BEGIN")
        .execute(&mut blocker)
        .await
        .expect("begin");
    sqlx::query("LOCK TABLE auth_codes IN ACCESS EXCLUSIVE MODE")
        .execute(&mut blocker)
        .await
        .expect("lock");
    let started = Instant::now();
    assert_unavailable_json(code_exchange(&server, &client).await).await;
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "cancelled by the 1 s statement timeout, not the 30 s request timeout"
    );
    sqlx::query("ROLLBACK")
        .execute(&mut blocker)
        .await
        .expect("rollback");
    assert_eq!(code_exchange(&server, &client).await.status(), 400);
    let log = server.log_text();
    assert!(!log.contains("panicked"), "{log}");
}
