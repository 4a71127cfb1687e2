//! The authorization_code grant at the token endpoint (RFC 6749 §4.1.3, RFC 7636 §4.6).

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, jwt_claims};
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

async fn setup_with(app: TestApp, extra: &[&str]) -> (TestApp, Rp, Pkce) {
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(extra).await;
    (app, rp, Pkce::new())
}

async fn setup(extra: &[&str]) -> (TestApp, Rp, Pkce) {
    setup_with(spawn_app().await, extra).await
}

#[tokio::test]
async fn code_reuse_is_invalid_grant_and_revokes_the_tokens_it_issued() {
    let (app, rp, pkce) = setup(&["--first-party"]).await;
    let req = AuthRequest::new(&rp, &pkce).set("scope", Some("openid offline_access"));
    let cb = app.code_via_login(&req).await;
    let (status, first) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{first}");
    assert!(
        first["refresh_token"].is_string(),
        "offline_access gives a refresh token"
    );
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo_status(access).await, 200);
    let (status, again) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 400);
    assert_eq!(again["error"], "invalid_grant");
    assert_eq!(
        app.userinfo_status(access).await,
        401,
        "the access token is revoked"
    );
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.db.url).await.unwrap();
    let revoked: Option<i64> = sqlx::query_scalar("SELECT revoked_at FROM refresh_families")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(revoked.is_some(), "the refresh family is revoked");
    pool.close().await;
}

#[tokio::test]
async fn wrong_or_missing_code_verifier_is_invalid_grant() {
    let (app, rp, pkce) = setup(&["--first-party"]).await;
    let cb = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    let (status, body) = app
        .exchange(&rp, &cb["code"], Some(&Pkce::new().verifier))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // The code was spent by that attempt.
    let cb = app
        .code_via_login_again(&AuthRequest::new(&rp, &pkce))
        .await;
    let (status, body) = app.exchange(&rp, &cb, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn redirect_uri_must_equal_the_one_in_the_request() {
    let (app, mut rp, pkce) = setup(&[
        "--first-party",
        "--redirect-uri",
        "https://rp.example.com/other",
    ])
    .await;
    let cb = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    rp.redirect_uri = "https://rp.example.com/other".into();
    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn a_code_issued_to_another_client_is_invalid_grant() {
    let (app, rp, pkce) = setup(&["--first-party"]).await;
    let other = app.rp(&[]).await;
    let cb = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    let (status, body) = app
        .exchange(&other, &cb["code"], Some(&pkce.verifier))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn an_expired_code_is_invalid_grant() {
    let app = spawn_app_with(Options::toml("[tokens]\ncode_ttl = \"1s\"\n")).await;
    let (app, rp, pkce) = setup_with(app, &["--first-party"]).await;
    let cb = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    app.advance(std::time::Duration::from_secs(2));
    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn public_client_redeems_with_pkce_and_no_secret() {
    let (app, rp, pkce) = setup(&["--public", "--first-party"]).await;
    assert!(rp.secret.is_none());
    let cb = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["id_token"].is_string());
}

#[tokio::test]
async fn no_refresh_token_without_offline_access_or_the_refresh_grant() {
    let (app, rp, pkce) = setup(&["--first-party", "--grant-type", "authorization_code"]).await;
    let cb = app
        .code_via_login(&AuthRequest::new(&rp, &pkce).set("scope", Some("openid offline_access")))
        .await;
    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("refresh_token").is_none());
}

#[tokio::test]
async fn id_token_carries_claims_by_scope_and_the_clients_algorithm() {
    let (app, rp, pkce) =
        setup(&["--first-party", "--id-token-signed-response-alg", "ES256"]).await;
    let cb = app
        .code_via_login(&AuthRequest::new(&rp, &pkce).set("scope", Some("openid email")))
        .await;
    let (_, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    let token = body["id_token"].as_str().unwrap();
    let id = jwt_claims(token);
    assert_eq!(id["email"], "alice@example.com");
    assert!(
        id.get("preferred_username").is_none(),
        "no profile scope, no profile claims"
    );
    assert_eq!(id["iss"], app.issuer);
    assert!(id["exp"].as_i64().unwrap() > id["iat"].as_i64().unwrap());
    let header = crate::common::flow::jwt_header(token);
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(body["scope"], "email openid");
}
