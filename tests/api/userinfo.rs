//! The UserInfo endpoint (OIDC Core §5.3, RFC 6750).

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, USERNAME};
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

/// Signs in through the code flow and returns an access token for `scope`.
async fn access_token(app: &TestApp, scope: &str) -> String {
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let pkce = Pkce::new();
    let cb = app
        .code_via_login(&AuthRequest::new(&rp, &pkce).set("scope", Some(scope)))
        .await;
    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// Asserts a 401 with `WWW-Authenticate: Bearer … error="invalid_token"`.
fn assert_invalid_token(r: &reqwest::Response) {
    assert_eq!(r.status(), 401);
    let challenge = r.headers()["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.starts_with("Bearer") && challenge.contains("error=\"invalid_token\""),
        "{challenge}"
    );
}

#[tokio::test]
async fn userinfo_returns_claims_by_the_tokens_scopes_over_get_and_post() {
    let app = spawn_app().await;
    let token = access_token(&app, "openid profile email").await;
    let r = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let claims: serde_json::Value = r.json().await.unwrap();
    assert!(claims["sub"].is_string());
    assert_eq!(claims["email"], "alice@example.com");
    assert_eq!(claims["email_verified"], false);
    assert_eq!(claims["preferred_username"], USERNAME);
    assert_eq!(claims["name"], "Test User");
    let by_header = app
        .http
        .post(app.url("/userinfo"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), 200);
    let by_form = app
        .http
        .post(app.url("/userinfo"))
        .form(&[("access_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(by_form.status(), 200);
    let both = app
        .http
        .post(app.url("/userinfo"))
        .bearer_auth(&token)
        .form(&[("access_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(both.status(), 400);
}

#[tokio::test]
async fn userinfo_without_profile_scope_returns_only_sub() {
    let app = spawn_app().await;
    let token = access_token(&app, "openid").await;
    let r = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let claims: serde_json::Value = r.json().await.unwrap();
    assert_eq!(claims.as_object().unwrap().len(), 1, "{claims}");
}

#[tokio::test]
async fn missing_tampered_or_foreign_tokens_are_invalid_token() {
    let app = spawn_app().await;
    let token = access_token(&app, "openid email").await;
    assert_invalid_token(&app.http.get(app.url("/userinfo")).send().await.unwrap());
    let mut tampered = token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for bad in [tampered.as_str(), "not-a-jwt"] {
        let r = app
            .http
            .get(app.url("/userinfo"))
            .bearer_auth(bad)
            .send()
            .await
            .unwrap();
        assert_invalid_token(&r);
    }
    // Signed by another server's keys.
    let other = spawn_app().await;
    let foreign = access_token(&other, "openid").await;
    let r = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth(&foreign)
        .send()
        .await
        .unwrap();
    assert_invalid_token(&r);
}

#[tokio::test]
async fn expired_token_is_invalid_token() {
    let app = spawn_app_with(Options::toml("[tokens]\naccess_token_ttl = \"1s\"\n")).await;
    let token = access_token(&app, "openid").await;
    app.advance(std::time::Duration::from_secs(2));
    let r = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_invalid_token(&r);
}
