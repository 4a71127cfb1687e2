//! `/healthz`, `/readyz`, request ids, and graceful shutdown of the real binary.

use crate::common::process::spawn_served;
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};
use crate::metrics::{sample, scrape};

#[tokio::test]
async fn healthz_and_readyz_answer_json() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["status"], "ok");

    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        v,
        serde_json::json!({"status": "ok", "database": "ok", "keys": "ok"})
    );
}

#[tokio::test]
async fn request_id_is_echoed_when_given() {
    let app = spawn_app().await;
    let r = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
}

#[tokio::test]
async fn unknown_path_is_a_readable_404_page() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(r.headers()["x-frame-options"], "DENY");
}

#[tokio::test]
async fn oversized_body_is_refused_with_413() {
    let app = spawn_app().await;
    let body = "a".repeat(200 * 1024);
    let r = app
        .http
        .post(app.url("/healthz"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(
        r.status() == 413 || r.status() == 405,
        "status {}",
        r.status()
    );
}

#[cfg(unix)]
#[tokio::test]
async fn serve_shuts_down_gracefully_on_sigterm() {
    let mut app = spawn_served(Options::default(), &[]).await;
    let stderr = sigterm(&mut app).await;
    assert!(stderr.contains("tessera is serving"), "{stderr}");
}

/// Shutdown stops accepting but lets a request already being read finish and be answered.
#[tokio::test]
async fn a_request_in_flight_at_shutdown_is_answered() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut app = spawn_app().await;
    let addr = app.addr;
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(
        b"POST /token HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 12\r\n\r\ngrant_",
    )
    .await
    .unwrap();
    // Time for the server to read the head: the request is then in flight, waiting on its body.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopping = tokio::spawn(async move { app.stop().await });
    // Time for the shutdown to begin (and for a wrong one to finish).
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !stopping.is_finished(),
        "shutdown did not wait for the request"
    );
    conn.write_all(b"type=x").await.unwrap();
    let mut head = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), conn.read(&mut head))
        .await
        .expect("an answer")
        .unwrap();
    assert!(
        head[..n].starts_with(b"HTTP/1.1 4"),
        "{:?}",
        String::from_utf8_lossy(&head[..n])
    );
    tokio::time::timeout(Duration::from_secs(5), stopping)
        .await
        .expect("shutdown once the request was answered")
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still accepting"
    );
}

/// `server.worker_threads = 1` runs tokio's single-threaded scheduler (the default on a
/// one-core machine): concurrent token requests are all answered, each in its own task, and
/// SIGTERM still drains and stops the server.
#[cfg(unix)]
#[tokio::test]
async fn one_worker_thread_answers_concurrent_requests_and_shuts_down() {
    let mut app = spawn_served(
        Options::default().env("TESSERA_SERVER_WORKER_THREADS", "1"),
        &[],
    )
    .await;
    let (id, secret) = app.service_client(&["--scope", "api:read"]).await;
    let http = reqwest::Client::new();
    let mut requests = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let request = http
            .post(app.url("/token"))
            .basic_auth(&id, Some(&secret))
            .form(&[("grant_type", "client_credentials"), ("scope", "api:read")]);
        requests.spawn(async move {
            let r = request.send().await.unwrap();
            assert_eq!(r.status(), 200);
            let body: serde_json::Value = r.json().await.unwrap();
            body["access_token"].as_str().unwrap().to_string()
        });
    }
    let mut tokens = std::collections::HashSet::new();
    while let Some(token) = requests.join_next().await {
        tokens.insert(token.unwrap());
    }
    assert_eq!(tokens.len(), 32, "every request got its own token");
    let stderr = sigterm(&mut app).await;
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("tessera is serving") && l.contains("threads=1")),
        "{stderr}"
    );
}

/// SIGTERM: the server must exit 0 within 15 s, say so, and stop answering. Returns its
/// standard error.
#[cfg(unix)]
async fn sigterm(app: &mut TestApp) -> String {
    app.process_mut().sigterm().await;
    let stderr = app.process().log_text();
    assert!(stderr.contains("shut down cleanly"), "{stderr}");
    assert!(app.http.get(app.url("/healthz")).send().await.is_err());
    stderr
}

#[tokio::test]
async fn every_response_says_nosniff_and_plain_http_has_no_hsts() {
    let app = spawn_app().await;
    for path in [
        "/healthz",
        "/jwks",
        "/.well-known/openid-configuration",
        "/nope",
    ] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
        assert!(
            r.headers().get("strict-transport-security").is_none(),
            "{path}: HSTS only for https issuers"
        );
    }
}

#[tokio::test]
async fn a_request_past_the_timeout_gets_408_with_the_usual_headers_and_is_counted() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(Options::default().env("TESSERA_SERVER_REQUEST_TIMEOUT", "1s")).await;
    // A client that announces a body and then stalls: the handler waits on it past the timeout.
    let mut conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    conn.write_all(
        b"POST /token HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 100\r\n\r\ngrant_type=",
    )
    .await
    .unwrap();
    let mut head = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(20), conn.read(&mut head))
        .await
        .expect("an answer once the request timeout has passed")
        .unwrap();
    let head = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 408"), "{head}");
    assert!(head.contains("\r\nx-request-id: "), "{head}");
    assert!(
        head.contains("\r\nx-content-type-options: nosniff"),
        "{head}"
    );
    let metrics = scrape(&app.url("/metrics")).await;
    assert_eq!(
        sample(
            &metrics,
            "tessera_http_requests_total",
            &[("path", "/token"), ("status", "408")]
        ),
        1.0
    );
}

#[tokio::test]
async fn an_https_issuer_gets_hsts_on_every_response() {
    let app =
        spawn_app_with(Options::default().env("TESSERA_ISSUER", "https://id.example.test")).await;
    for path in ["/healthz", "/jwks", "/nope"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(
            r.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
    }
}
