//! RP-Initiated Logout 1.0 at `/logout`: the hint, the registered redirect, the confirmation page
//! and its CSRF token, the end of the session, and the optional refresh-token revocation.

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, callback, csrf, location};
use crate::common::{Options, TestApp, spawn_app_with};

const POST_LOGOUT: &str = "https://rp.example.com/signed-out";

async fn setup(extra_toml: &str) -> (TestApp, Rp) {
    let app = spawn_app_with(Options::toml(extra_toml)).await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app
        .rp(&["--first-party", "--post-logout-redirect-uri", POST_LOGOUT])
        .await;
    (app, rp)
}

/// Signs in through the code flow; returns the token response.
async fn sign_in(app: &TestApp, rp: &Rp, scope: &str) -> serde_json::Value {
    let pkce = Pkce::new();
    let req = AuthRequest::new(rp, &pkce).set("scope", Some(scope));
    let cb = app.code_via_login(&req).await;
    let (status, body) = app.exchange(rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// `prompt=none` answers `login_required` once the session is gone.
async fn assert_signed_out(app: &TestApp, rp: &Rp) {
    let req = AuthRequest::new(rp, &Pkce::new()).set("prompt", Some("none"));
    assert_eq!(
        callback(&app.authorize(&req).await)["error"],
        "login_required"
    );
}

async fn assert_signed_in(app: &TestApp, rp: &Rp) {
    let req = AuthRequest::new(rp, &Pkce::new()).set("prompt", Some("none"));
    assert!(callback(&app.authorize(&req).await).contains_key("code"));
}

async fn logout_get(app: &TestApp, params: &[(&str, &str)]) -> reqwest::Response {
    app.http
        .get(app.url("/logout"))
        .query(params)
        .send()
        .await
        .expect("logout")
}

#[tokio::test]
async fn a_hint_of_the_current_user_signs_out_and_redirects_with_state() {
    let (app, rp) = setup("").await;
    let tokens = sign_in(&app, &rp, "openid").await;
    let hint = tokens["id_token"].as_str().unwrap();
    let r = logout_get(
        &app,
        &[
            ("id_token_hint", hint),
            ("post_logout_redirect_uri", POST_LOGOUT),
            ("state", "bye-1"),
            ("ui_locales", "en"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("{POST_LOGOUT}?state=bye-1"));
    assert_signed_out(&app, &rp).await;
}

#[tokio::test]
async fn an_unregistered_redirect_is_not_followed() {
    let (app, rp) = setup("").await;
    let tokens = sign_in(&app, &rp, "openid").await;
    let hint = tokens["id_token"].as_str().unwrap();
    let r = logout_get(
        &app,
        &[
            ("id_token_hint", hint),
            ("post_logout_redirect_uri", "https://evil.example.com/"),
            ("state", "x"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("location").is_none());
    assert!(r.text().await.unwrap().contains("You are signed out"));
    assert_signed_out(&app, &rp).await;
}

#[tokio::test]
async fn a_hint_from_an_earlier_session_asks_before_signing_out() {
    let (app, rp) = setup("").await;
    let earlier = sign_in(&app, &rp, "openid").await;
    let stale = earlier["id_token"].as_str().unwrap();
    assert_eq!(
        logout_get(&app, &[("id_token_hint", stale)]).await.status(),
        200
    );
    assert_signed_out(&app, &rp).await;
    // The same person signs in again: a new session, which the old hint does not name.
    sign_in(&app, &rp, "openid").await;
    let r = logout_get(
        &app,
        &[
            ("id_token_hint", stale),
            ("post_logout_redirect_uri", POST_LOGOUT),
        ],
    )
    .await;
    assert_eq!(r.status(), 200, "no redirect before the person confirms");
    assert!(r.text().await.unwrap().contains("Sign out of Tessera?"));
    assert_signed_in(&app, &rp).await;
}

#[tokio::test]
async fn without_a_hint_the_person_confirms_with_a_csrf_token() {
    let (app, rp) = setup("").await;
    sign_in(&app, &rp, "openid").await;
    let r = logout_get(
        &app,
        &[
            ("client_id", &rp.client_id),
            ("post_logout_redirect_uri", POST_LOGOUT),
            ("state", "s2"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Sign out of Tessera?"));
    assert_signed_in(&app, &rp).await;

    // A forged token changes nothing.
    for token in ["forged", ""] {
        let r = app
            .http
            .post(app.url("/logout"))
            .form(&[("confirm", "yes"), ("csrf_token", token)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
    assert_signed_in(&app, &rp).await;

    // The real form signs out and goes back to the client with state.
    let r = app
        .http
        .post(app.url("/logout"))
        .form(&[
            ("confirm", "yes"),
            ("csrf_token", &csrf(&html)),
            ("client_id", &rp.client_id),
            ("post_logout_redirect_uri", POST_LOGOUT),
            ("state", "s2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("{POST_LOGOUT}?state=s2"));
    assert_signed_out(&app, &rp).await;
}

#[tokio::test]
async fn a_bad_hint_or_a_mismatched_client_id_is_refused() {
    let (app, rp) = setup("").await;
    let tokens = sign_in(&app, &rp, "openid").await;
    let hint = tokens["id_token"].as_str().unwrap();
    // The access token is not an ID token (typ at+jwt).
    let access = tokens["access_token"].as_str().unwrap();
    for params in [
        vec![("id_token_hint", "not.a.jwt")],
        vec![("id_token_hint", access)],
        vec![("id_token_hint", hint), ("client_id", "someone-else")],
    ] {
        let r = logout_get(&app, &params).await;
        assert_eq!(r.status(), 400, "{params:?}");
    }
    assert_signed_in(&app, &rp).await;
}

#[tokio::test]
async fn refresh_tokens_survive_logout_by_default() {
    let (app, rp) = setup("").await;
    let tokens = sign_in(&app, &rp, "openid offline_access").await;
    let hint = tokens["id_token"].as_str().unwrap();
    let r = logout_get(&app, &[("id_token_hint", hint)]).await;
    assert_eq!(r.status(), 200);
    let secret = rp.secret.as_deref().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(
        app.refresh(&rp.client_id, secret, refresh).await.status,
        200
    );
}

#[tokio::test]
async fn the_switch_revokes_the_sessions_refresh_and_access_tokens() {
    let (app, rp) = setup("[session]\nrevoke_refresh_tokens_on_logout = true\n").await;
    let tokens = sign_in(&app, &rp, "openid offline_access").await;
    let hint = tokens["id_token"].as_str().unwrap();
    let secret = rp.secret.as_deref().unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        app.introspect(&rp.client_id, secret, access).await["active"],
        true
    );
    let r = logout_get(&app, &[("id_token_hint", hint)]).await;
    assert_eq!(r.status(), 200);
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let a = app.refresh(&rp.client_id, secret, refresh).await;
    assert_eq!(a.status, 400);
    assert_eq!(a.error(), "invalid_grant");
    assert_eq!(
        app.introspect(&rp.client_id, secret, access).await["active"],
        false
    );
}

#[tokio::test]
async fn discovery_names_the_end_session_endpoint() {
    let (app, _) = setup("").await;
    let doc: serde_json::Value = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(doc["end_session_endpoint"], app.url("/logout"));
}
