//! Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document), behind
//! `[registration] client_id_metadata_documents`: an https URL as client_id is fetched, checked
//! (its own URL as client_id, a public client, the registration rules, at most 5 KiB), cached
//! by max-age within bounds, never fetched from a loopback or private address, and its client
//! is always asked for consent. The positive tests serve documents over http on loopback, which
//! only the test-only key `client_id_metadata_documents_allow_loopback_for_tests` permits.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, REDIRECT, Rp, USERNAME, callback, location,
};
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

const ON: &str = "[registration]\nclient_id_metadata_documents = true\n";
const ON_WITH_LOOPBACK: &str = "[registration]\nclient_id_metadata_documents = true\n\
     client_id_metadata_documents_allow_loopback_for_tests = true\n";

/// Serves at `/client.json` the document `make(url)` builds for its own URL, with
/// `Cache-Control: max-age=300`; returns the URL and a count of fetches.
async fn document(
    make: impl Fn(&str) -> Value + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let listener = crate::common::bind_loopback().await;
    let url = format!("http://{}/client.json", listener.local_addr().unwrap());
    let body = make(&url).to_string();
    let counter = hits.clone();
    let app = Router::new().route(
        "/client.json",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            async move {
                (
                    [
                        (header::CONTENT_TYPE, "application/json"),
                        (header::CACHE_CONTROL, "max-age=300"),
                    ],
                    body,
                )
                    .into_response()
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hits)
}

/// Builds a document for its own URL.
type MakeDocument = Box<dyn Fn(&str) -> Value + Send + Sync>;

fn good(url: &str) -> Value {
    json!({
        "client_id": url,
        "client_name": "Agent Smith",
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    })
}

fn rp(url: &str) -> Rp {
    Rp {
        client_id: url.to_string(),
        secret: None,
        redirect_uri: REDIRECT.into(),
    }
}

/// The status `/authorize` answers for `client_id` (a page error is 400, a redirect 303).
async fn authorize_status(app: &TestApp, client_id: &str) -> u16 {
    let req = AuthRequest::new(&rp(client_id), &Pkce::new());
    app.authorize(&req).await.status().as_u16()
}

#[tokio::test]
async fn off_by_default_a_url_client_id_is_an_unknown_client() {
    let app = spawn_app().await;
    let d = app.get_json("/.well-known/openid-configuration").await;
    assert!(d.get("client_id_metadata_document_supported").is_none());
    let (url, hits) = document(good).await;
    assert_eq!(authorize_status(&app, &url).await, 400);
    assert_eq!(
        authorize_status(&app, "https://client.example.com/c.json").await,
        400
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_document_url_resolving_to_a_loopback_or_private_address_is_never_fetched() {
    let app = spawn_app_with(Options::toml(ON)).await;
    let d = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(d["client_id_metadata_document_supported"], true);
    let (url, hits) = document(good).await;
    let port = url::Url::parse(&url).unwrap().port().unwrap();
    for client_id in [
        // `localhost` resolves to 127.0.0.1: refused after resolving, before connecting.
        format!("https://localhost:{port}/client.json"),
        format!("https://127.0.0.1:{port}/client.json"),
        format!("https://[::1]:{port}/client.json"),
        format!("https://[::ffff:127.0.0.1]:{port}/client.json"),
        "https://10.0.0.1/client.json".to_string(),
        "https://169.254.169.254/latest/meta-data".to_string(),
        // Without the test-only key, http is never fetched.
        url.clone(),
    ] {
        assert_eq!(authorize_status(&app, &client_id).await, 400, "{client_id}");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing reached the server");
}

#[tokio::test]
async fn a_document_client_runs_the_code_flow_with_consent_and_is_cached() {
    let app = spawn_app_with(Options::toml(ON_WITH_LOOPBACK)).await;
    app.create_user(USERNAME, PASSWORD).await;
    let (url, hits) = document(good).await;
    let rp = rp(&url);
    let pkce = Pkce::new();
    let r = app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    assert_eq!(location(&r), "/login");
    let r = app.login(USERNAME, PASSWORD).await;
    assert_eq!(location(&r), "/consent", "never first-party");
    let page = app.http.get(app.url("/consent")).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("Agent Smith"));
    let r = app.consent("allow").await;
    let code = callback(&r)["code"].clone();
    let (status, tokens) = app.exchange(&rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "fetched once, then cached");

    // A redirect URI the document does not list is refused.
    let other = AuthRequest::new(&rp, &Pkce::new())
        .set("redirect_uri", Some("https://rp.example.com/other"));
    assert_eq!(app.authorize(&other).await.status(), 400);
    // After max-age the document is fetched again.
    app.advance(Duration::from_secs(301));
    assert_eq!(authorize_status(&app, &url).await, 303);
    assert!(hits.load(Ordering::SeqCst) >= 2);
}

#[tokio::test]
async fn a_document_that_breaks_a_rule_names_no_client() {
    let app = spawn_app_with(Options::toml(ON_WITH_LOOPBACK)).await;
    let cases: Vec<(&str, MakeDocument)> = vec![
        (
            "another client_id",
            Box::new(|_: &str| good("https://elsewhere.example/c.json")),
        ),
        (
            "a confidential client",
            Box::new(|u: &str| {
                let mut d = good(u);
                d["token_endpoint_auth_method"] = json!("client_secret_basic");
                d
            }),
        ),
        (
            "over 5 KiB",
            Box::new(|u: &str| {
                let mut d = good(u);
                d["client_name"] = json!("x".repeat(6 * 1024));
                d
            }),
        ),
        (
            "an http redirect URI on a public host",
            Box::new(|u: &str| {
                let mut d = good(u);
                d["redirect_uris"] = json!(["http://rp.example.com/cb"]);
                d
            }),
        ),
        ("not JSON metadata", Box::new(|_: &str| json!(["a list"]))),
    ];
    for (what, make) in cases {
        let (url, hits) = document(make).await;
        assert_eq!(authorize_status(&app, &url).await, 400, "{what}");
        assert_eq!(hits.load(Ordering::SeqCst), 1, "{what}");
    }
}
