//! The audit trail (issue 6 §8), read from the JSON log of a real `tessera serve` process: one
//! event per sign-in failure and success, consent, token issuance and revocation, each carrying
//! client_id, the client's IP and the request id, and none carrying a secret.

use serde_json::Value;

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, USERNAME, callback, location};
use crate::common::process::spawn_served;
use crate::common::{Options, TestApp};

/// Where the test's requests come from.
const PEER: &str = "127.0.0.1";
const WRONG_PASSWORD: &str = "not-the-password-7f3a9c";

/// A field of `event`, from the event itself or from any span it happened in.
fn field<'a>(event: &'a Value, name: &str) -> Option<&'a str> {
    event[name].as_str().or_else(|| {
        event["spans"]
            .as_array()?
            .iter()
            .find_map(|span| span[name].as_str())
    })
}

/// The one audit event named `name`, checked for client_id, ip and request_id.
fn the_one(app: &TestApp, name: &str, client_id: &str, ip: &str) -> Value {
    let events: Vec<Value> = app
        .process()
        .audit_events()
        .into_iter()
        .filter(|e| e["event"] == name)
        .collect();
    assert_eq!(events.len(), 1, "one {name} event: {events:#?}");
    let event = events.into_iter().next().unwrap();
    assert_eq!(field(&event, "client_id"), Some(client_id), "{event}");
    assert_eq!(field(&event, "ip"), Some(ip), "{event}");
    let request_id = field(&event, "request_id").unwrap_or("-");
    assert!(
        uuid::Uuid::parse_str(request_id).is_ok(),
        "request_id: {event}"
    );
    event
}

/// `tessera serve` logging JSON, as an operator's log pipeline reads it.
async fn spawn_json_logged(opts: Options) -> TestApp {
    spawn_served(opts, &["--log-format", "json"]).await
}

fn request_id(r: &reqwest::Response) -> String {
    r.headers()["x-request-id"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn sign_in_consent_issuance_and_revocation_are_audited_without_secrets() {
    let app = spawn_json_logged(Options::default()).await;
    let sub = app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&[]).await;
    let secret = rp.secret.clone().expect("confidential client");
    let pkce = Pkce::new();

    // A failed sign-in, then the right password, then consent.
    let r = app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    assert_eq!(location(&r), "/login");
    let failed = app.login(USERNAME, WRONG_PASSWORD).await;
    assert_eq!(failed.status(), 401);
    let signed_in = app.login(USERNAME, PASSWORD).await;
    assert_eq!(location(&signed_in), "/consent");
    let code = callback(&app.consent("allow").await)["code"].clone();
    let (status, tokens) = app.exchange(&rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap();
    let id_token = tokens["id_token"].as_str().unwrap();
    let revoked = app
        .post_form(
            "/revoke",
            Some((&rp.client_id, &secret)),
            &[("token", access)],
        )
        .await;
    assert_eq!(revoked.status, 200);
    app.process().wait_for_audit("token_revoked").await;

    let e = the_one(&app, "login_failed", &rp.client_id, PEER);
    assert_eq!(field(&e, "request_id"), Some(request_id(&failed).as_str()));
    let e = the_one(&app, "login_succeeded", &rp.client_id, PEER);
    assert_eq!(field(&e, "sub"), Some(sub.as_str()));
    assert_eq!(
        field(&e, "request_id"),
        Some(request_id(&signed_in).as_str())
    );
    the_one(&app, "consent_given", &rp.client_id, PEER);
    let e = the_one(&app, "token_issued", &rp.client_id, PEER);
    assert_eq!(e["grant"], "authorization_code");
    assert_eq!(field(&e, "sub"), Some(sub.as_str()));
    let e = the_one(&app, "token_revoked", &rp.client_id, PEER);
    assert_eq!(field(&e, "sub"), Some(sub.as_str()));

    // Nothing in the whole log is a password, the client secret, a code or a token.
    let log = app.process().log_text();
    for secret in [PASSWORD, WRONG_PASSWORD, &secret, &code, access, id_token] {
        assert!(!log.contains(secret), "the log contains a secret: {secret}");
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_audited() {
    let mut app = spawn_json_logged(
        Options::default().env("TESSERA_SERVER_TRUSTED_PROXIES", r#"["127.0.0.1"]"#),
    )
    .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
    app.http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/login");
    assert_eq!(app.login(USERNAME, WRONG_PASSWORD).await.status(), 401);
    app.process().wait_for_audit("login_failed").await;
    the_one(&app, "login_failed", &rp.client_id, "203.0.113.9");
}
