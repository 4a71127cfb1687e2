//! Smaller hardening rules, each seen from the outside: an authorization code is not spent by a
//! client it was not issued to, `Content-Type` is matched exactly, the `Basic` scheme name is
//! case-insensitive, a client's `X-Request-Id` is kept only when it is short and printable, and
//! the CSRF token changes at sign-in.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, USERNAME, csrf, hidden, location};
use crate::common::{TestApp, spawn_app};

async fn app_with_user() -> TestApp {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    app
}

#[tokio::test]
async fn a_code_presented_by_another_client_is_refused_and_stays_good_for_its_own() {
    let app = app_with_user().await;
    let rightful = app.rp(&["--first-party"]).await;
    let other = app.rp(&["--first-party"]).await;
    let pkce = Pkce::new();
    let cb = app
        .code_via_login(&AuthRequest::new(&rightful, &pkce))
        .await;
    let (status, body) = app
        .exchange(&other, &cb["code"], Some(&pkce.verifier))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = app
        .exchange(&rightful, &cb["code"], Some(&pkce.verifier))
        .await;
    assert_eq!(status, 200, "the rightful client still redeems it: {body}");
}

#[tokio::test]
async fn only_the_exact_form_content_type_is_accepted() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let token = |content_type: &'static str| {
        app.http
            .post(app.url("/token"))
            .basic_auth(&id, Some(&secret))
            .header("content-type", content_type)
            .body("grant_type=client_credentials")
            .send()
    };
    for ok in [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=UTF-8",
    ] {
        assert_eq!(token(ok).await.unwrap().status(), 200, "{ok}");
    }
    for bad in [
        "application/x-www-form-urlencodedx",
        "application/x-www-form-urlencoded-json",
    ] {
        let r = token(bad).await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request", "{bad}");
    }
}

#[tokio::test]
async fn the_basic_scheme_name_is_case_insensitive() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let credentials = STANDARD.encode(format!("{id}:{secret}"));
    for scheme in ["Basic", "basic", "BASIC"] {
        let r = app
            .http
            .post(app.url("/token"))
            .header("authorization", format!("{scheme} {credentials}"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{scheme}");
    }
}

#[tokio::test]
async fn a_long_or_unprintable_request_id_is_replaced() {
    let app = spawn_app().await;
    let echoed = |id: String| {
        let r = app
            .http
            .get(app.url("/healthz"))
            .header("x-request-id", id)
            .send();
        async move { r.await.unwrap().headers()["x-request-id"].clone() }
    };
    assert_eq!(echoed("trace-42".into()).await, "trace-42");
    for bad in ["x".repeat(65), "two words".into(), "tab\there".into()] {
        let got = echoed(bad.clone()).await;
        assert_ne!(got.as_bytes(), bad.as_bytes());
        assert!(
            uuid::Uuid::parse_str(got.to_str().unwrap()).is_ok(),
            "{got:?}"
        );
    }
}

#[tokio::test]
async fn the_csrf_token_changes_at_sign_in() {
    let app = app_with_user().await;
    // A first-party-less client, so the consent page (a form) follows the sign-in.
    let rp = app.rp(&[]).await;
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/login");
    let login_page = app.http.get(app.url("/login")).send().await.unwrap();
    let before = csrf(&login_page.text().await.unwrap());
    assert_eq!(location(&app.login(USERNAME, PASSWORD).await), "/consent");
    let consent_page = app.http.get(app.url("/consent")).send().await.unwrap();
    let html = consent_page.text().await.unwrap();
    let (after, request) = (csrf(&html), hidden(&html, "request"));
    assert_ne!(before, after, "the token from before sign-in is dead");
    let r = app
        .http
        .post(app.url("/consent"))
        .form(&[
            ("decision", "allow"),
            ("csrf_token", before.as_str()),
            ("request", request.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
