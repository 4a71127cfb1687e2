//! Per-client rate limits at the token and introspection endpoints (issue 6 §4): 429 with
//! `Retry-After` and `Cache-Control: no-store` for the client over its limit, nobody else
//! affected, and the budget back after the interval.

use std::time::Duration;

use crate::common::grants::Answer;
use crate::common::{Options, TestApp, spawn_app_with};

/// One request per 5 s after a burst of 2: slow enough that a loaded machine still sends the
/// third request well inside the interval.
const SLOW: &str = "per_second = 0.2\n";

async fn app_with(limits: &str) -> TestApp {
    spawn_app_with(Options::toml(&format!("[rate_limit]\n{limits}"))).await
}

async fn token(app: &TestApp, id: &str, secret: &str) -> Answer {
    app.post_form(
        "/token",
        Some((id, secret)),
        &[("grant_type", "client_credentials")],
    )
    .await
}

/// Asserts a 429 as the limit answers it; returns `Retry-After` in seconds.
fn assert_limited(a: &Answer) -> u64 {
    assert_eq!(a.status, 429, "{}", a.body);
    assert_eq!(a.error(), "slow_down");
    a.assert_no_store();
    let secs: u64 = a.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in whole seconds");
    assert!((1..=5).contains(&secs), "Retry-After {secs}");
    secs
}

#[tokio::test]
async fn a_client_over_its_token_limit_gets_429_and_others_are_unaffected() {
    let app = app_with(&format!("token_{SLOW}token_burst = 2\n")).await;
    let (a, a_secret) = app.service_client(&[]).await;
    let (b, b_secret) = app.service_client(&[]).await;
    for _ in 0..2 {
        assert_eq!(token(&app, &a, &a_secret).await.status, 200);
    }
    let retry = assert_limited(&token(&app, &a, &a_secret).await);
    // Another client has its own budget.
    assert_eq!(token(&app, &b, &b_secret).await.status, 200);
    // Once the interval has passed, the client is served again.
    app.advance(Duration::from_secs(retry) + Duration::from_millis(500));
    let again = token(&app, &a, &a_secret).await;
    assert_eq!(again.status, 200, "{}", again.body);
}

#[tokio::test]
async fn failed_authentication_does_not_spend_a_clients_budget() {
    let app = app_with(&format!("token_{SLOW}token_burst = 1\n")).await;
    let (a, a_secret) = app.service_client(&[]).await;
    for _ in 0..3 {
        let r = token(&app, &a, "not-the-secret").await;
        assert_eq!(r.error(), "invalid_client");
    }
    assert_eq!(token(&app, &a, &a_secret).await.status, 200);
    assert_limited(&token(&app, &a, &a_secret).await);
}

#[tokio::test]
async fn introspection_is_limited_per_client_too() {
    let app = app_with(&format!("introspect_{SLOW}introspect_burst = 2\n")).await;
    let (a, a_secret) = app.service_client(&[]).await;
    let (b, b_secret) = app.service_client(&[]).await;
    let access = app.client_credentials_token(&a, &a_secret).await;
    let introspect = |id: &str, secret: &str| {
        let (id, secret, access) = (id.to_string(), secret.to_string(), access.clone());
        let app = &app;
        async move {
            app.post_form("/introspect", Some((&id, &secret)), &[("token", &access)])
                .await
        }
    };
    for _ in 0..2 {
        let r = introspect(&a, &a_secret).await;
        assert_eq!(r.body["active"], true, "{}", r.body);
    }
    let retry = assert_limited(&introspect(&a, &a_secret).await);
    // Another client has its own budget (it asks about its own token: only that one it sees).
    let b_access = app.client_credentials_token(&b, &b_secret).await;
    let r = app
        .post_form(
            "/introspect",
            Some((&b, &b_secret)),
            &[("token", &b_access)],
        )
        .await;
    assert_eq!(r.body["active"], true, "{}", r.body);
    // The token endpoint keeps its own budget.
    assert_eq!(token(&app, &a, &a_secret).await.status, 200);
    app.advance(Duration::from_secs(retry) + Duration::from_millis(500));
    assert_eq!(introspect(&a, &a_secret).await.body["active"], true);
}

#[tokio::test]
async fn the_default_limits_let_ordinary_traffic_through() {
    let app = app_with("").await;
    let (a, a_secret) = app.service_client(&[]).await;
    for _ in 0..30 {
        assert_eq!(token(&app, &a, &a_secret).await.status, 200);
    }
}

/// A public client's id is public: a flood of junk grants in its name from one address spends
/// that address's budget, and the real client at another address is still answered.
#[tokio::test]
async fn a_flood_in_a_public_clients_name_does_not_lock_it_out_elsewhere() {
    let opts = Options::toml(&format!("[rate_limit]\ntoken_{SLOW}token_burst = 3\n"))
        .env("TESSERA_SERVER_TRUSTED_PROXIES", r#"["127.0.0.0/8"]"#);
    let app = spawn_app_with(opts).await;
    let (id, _) = app
        .create_client(&[
            "--name",
            "SPA",
            "--public",
            "--redirect-uri",
            "http://127.0.0.1:3000/cb",
        ])
        .await;
    let junk_refresh = |from: &'static str| {
        let post = app
            .http
            .post(app.url("/token"))
            .header("x-forwarded-for", from)
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "junk"),
                ("client_id", id.as_str()),
            ])
            .send();
        async move { post.await.unwrap().status().as_u16() }
    };
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(junk_refresh("203.0.113.66").await);
    }
    assert!(
        statuses.contains(&429),
        "the flooding address is limited: {statuses:?}"
    );
    // The real client, elsewhere, gets its grant's own answer, not 429.
    assert_eq!(junk_refresh("198.51.100.20").await, 400);
}
