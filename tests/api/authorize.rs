//! The authorization endpoint: request errors, sign-in, consent, SSO and prompt handling.

use std::time::Duration;

use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, REDIRECT, Rp, USERNAME, callback, csrf, jwt_claims, location,
    session_cookie,
};
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

async fn setup(extra: &[&str]) -> (TestApp, Rp, Pkce) {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(extra).await;
    (app, rp, Pkce::new())
}

#[tokio::test]
async fn code_flow_signs_in_consents_and_exchanges_the_code_for_tokens() {
    let (app, rp, pkce) = setup(&[]).await;
    let cb = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    assert_eq!(cb["state"], "st-123");
    assert_eq!(cb["iss"], app.issuer);
    assert!(cb["code"].len() >= 43, "code carries at least 256 bits");
    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    let id = jwt_claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], rp.client_id.as_str());
    assert_eq!(id["azp"], rp.client_id.as_str());
    assert_eq!(id["nonce"], "n-456");
    assert_eq!(id["amr"], serde_json::json!(["pwd"]), "a password alone");
    assert_eq!(id["acr"], "urn:tessera:acr:password");
    assert_eq!(id["preferred_username"], USERNAME);
    assert_ne!(
        id["sub"], USERNAME,
        "sub is the stable id, not the username"
    );
    assert!(id["sid"].is_string() && id["at_hash"].is_string() && id["auth_time"].is_i64());
    assert!(
        body.get("refresh_token").is_none(),
        "no offline_access requested"
    );
}

#[tokio::test]
async fn unknown_client_gets_an_error_page_not_a_redirect() {
    let (app, rp, pkce) = setup(&[]).await;
    let mut req = AuthRequest::new(&rp, &pkce).set("client_id", Some("nobody"));
    let r = app.authorize(&req).await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    req = req.set("client_id", None);
    assert_eq!(app.authorize(&req).await.status(), 400);
}

#[tokio::test]
async fn unregistered_redirect_uri_gets_an_error_page_even_with_an_added_query() {
    let (app, rp, pkce) = setup(&[]).await;
    for uri in [
        "https://evil.example.com/cb",
        "https://rp.example.com/cb?foo=bar",
        "https://rp.example.com/cb/",
    ] {
        let r = app
            .authorize(&AuthRequest::new(&rp, &pkce).set("redirect_uri", Some(uri)))
            .await;
        assert_eq!(r.status(), 400, "{uri}");
        assert!(r.headers().get("location").is_none(), "{uri}");
    }
}

#[tokio::test]
async fn redirect_uri_is_required_for_openid_and_may_be_omitted_for_plain_oauth() {
    let (app, rp, pkce) = setup(&[]).await;
    // OIDC Core §3.1.2.1: an OpenID request without redirect_uri gets the error page.
    let r = app
        .authorize(&AuthRequest::new(&rp, &pkce).set("redirect_uri", None))
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    // RFC 6749 §3.1.2.3: a plain OAuth request may omit it when exactly one is registered.
    let r = app
        .authorize(
            &AuthRequest::new(&rp, &pkce)
                .set("redirect_uri", None)
                .set("scope", Some("profile")),
        )
        .await;
    assert_eq!(location(&r), "/login");
}

/// Every error after the client and redirect URI are trusted goes back to the client.
#[tokio::test]
async fn request_errors_are_redirected_to_the_client_with_state_and_iss() {
    let (app, rp, pkce) = setup(&["--scope", "openid profile email"]).await;
    let cases: Vec<(&str, Option<&str>, &str)> = vec![
        ("response_type", Some("token"), "unsupported_response_type"),
        ("response_type", None, "invalid_request"),
        ("scope", Some("openid admin"), "invalid_scope"),
        ("scope", Some("openid offline_access"), "invalid_scope"),
        ("scope", None, "invalid_scope"),
        ("code_challenge", None, "invalid_request"),
        ("code_challenge_method", Some("plain"), "invalid_request"),
        ("code_challenge_method", None, "invalid_request"),
        ("code_challenge", Some("short"), "invalid_request"),
        ("prompt", Some("none login"), "invalid_request"),
        ("prompt", Some("bogus"), "invalid_request"),
        ("max_age", Some("-1"), "invalid_request"),
        (
            "request",
            Some("eyJhbGciOiJub25lIn0.e30."),
            "invalid_request_object",
        ),
        (
            "request_uri",
            Some("https://rp.example.com/req"),
            "request_uri_not_supported",
        ),
        ("response_mode", Some("fragment"), "invalid_request"),
    ];
    for (key, value, error) in cases {
        let r = app
            .authorize(&AuthRequest::new(&rp, &pkce).set(key, value))
            .await;
        let cb = callback(&r);
        assert_eq!(
            cb.get("error").map(String::as_str),
            Some(error),
            "{key}={value:?}"
        );
        assert!(cb.contains_key("error_description"), "{key}");
        assert_eq!(cb["state"], "st-123", "{key}");
        assert_eq!(cb["iss"], app.issuer, "{key}");
        assert!(!cb.contains_key("code"));
    }
}

#[tokio::test]
async fn client_without_the_code_grant_is_unauthorized_client() {
    let (app, rp, pkce) = setup(&["--grant-type", "client_credentials"]).await;
    let cb = callback(&app.authorize(&AuthRequest::new(&rp, &pkce)).await);
    assert_eq!(cb["error"], "unauthorized_client");
}

#[tokio::test]
async fn unknown_parameters_and_optional_ones_never_cause_an_error() {
    let (app, rp, pkce) = setup(&[]).await;
    let req = AuthRequest::new(&rp, &pkce)
        .set("nonce", None)
        .set("display", Some("page"))
        .set("ui_locales", Some("fr-CA en"))
        .set("claims_locales", Some("fr"))
        .set("acr_values", Some("urn:x"))
        .set("claims", Some("{\"userinfo\":{\"email\":null}}"))
        .set("login_hint", Some(USERNAME))
        .set("frobnicate", Some("yes"));
    let r = app.authorize(&req).await;
    assert_eq!(location(&r), "/login");
    let page = app
        .http
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("value=\"{USERNAME}\"")),
        "login_hint pre-fills the username"
    );
}

#[tokio::test]
async fn a_form_post_to_authorize_works_like_a_get() {
    let (app, rp, pkce) = setup(&[]).await;
    let req = AuthRequest::new(&rp, &pkce);
    let r = app
        .http
        .post(app.url("/authorize"))
        .form(&req.params)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login");
}

#[tokio::test]
async fn login_page_has_the_form_names_the_client_and_sends_security_headers() {
    let (app, rp, pkce) = setup(&[]).await;
    app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    let r = app.http.get(app.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
    let cookie = h["set-cookie"].to_str().unwrap().to_ascii_lowercase();
    assert!(
        cookie.contains("httponly") && cookie.contains("samesite=lax"),
        "{cookie}"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("name=\"username\"") && html.contains("name=\"password\""));
    assert!(html.contains("Sign in to continue to <strong>Photo Printer</strong>"));
    assert!(!csrf(&html).is_empty());
    assert!(
        !html.contains("<script") && !html.contains("style="),
        "no inline script or style"
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_message() {
    let (app, rp, pkce) = setup(&[]).await;
    app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    let a = app.login(USERNAME, "wrong").await;
    assert_eq!(a.status(), 401);
    let a = a.text().await.unwrap();
    let b = app.login("mallory", "wrong").await.text().await.unwrap();
    let msg = "The username or password is incorrect.";
    assert!(a.contains(msg) && b.contains(msg));
}

#[tokio::test]
async fn disabled_user_cannot_sign_in() {
    let (app, rp, pkce) = setup(&[]).await;
    let out = app
        .cli(&["user", "disable", "--username", USERNAME], None)
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    let r = app.login(USERNAME, PASSWORD).await;
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn forged_csrf_token_is_refused_and_nothing_changes() {
    let (app, rp, pkce) = setup(&[]).await;
    app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    for token in ["forged", ""] {
        let r = app
            .http
            .post(app.url("/login"))
            .form(&[
                ("username", USERNAME),
                ("password", PASSWORD),
                ("csrf_token", token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
    // Still not signed in: prompt=none says so.
    let cb = callback(
        &app.authorize(&AuthRequest::new(&rp, &pkce).set("prompt", Some("none")))
            .await,
    );
    assert_eq!(cb["error"], "login_required");
    // A forged consent is refused too, and no consent is recorded.
    app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    app.login(USERNAME, PASSWORD).await;
    let r = app
        .http
        .post(app.url("/consent"))
        .form(&[("decision", "allow"), ("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let cb = callback(
        &app.authorize(&AuthRequest::new(&rp, &pkce).set("prompt", Some("none")))
            .await,
    );
    assert_eq!(cb["error"], "consent_required");
}

#[tokio::test]
async fn session_id_changes_at_login() {
    let (app, rp, pkce) = setup(&[]).await;
    let r = app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    let before = session_cookie(&r).expect("a session before login");
    let r = app.login(USERNAME, PASSWORD).await;
    let after = session_cookie(&r).expect("a new session cookie at login");
    assert_ne!(before, after);
    // The old id no longer works: a client replaying it is not signed in.
    let other = crate::common::http_client();
    let r = other
        .get(format!(
            "{}?{}",
            app.url("/authorize"),
            AuthRequest::new(&rp, &pkce)
                .set("prompt", Some("none"))
                .query()
        ))
        .header("cookie", format!("tessera_session={before}"))
        .send()
        .await
        .unwrap();
    assert_eq!(callback(&r)["error"], "login_required");
}

#[tokio::test]
async fn consent_page_lists_scopes_in_plain_words_and_deny_returns_access_denied() {
    let (app, rp, pkce) = setup(&[]).await;
    app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    let r = app.login(USERNAME, PASSWORD).await;
    assert_eq!(location(&r), "/consent");
    let html = app
        .http
        .get(app.url("/consent"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Read your email address"));
    assert!(
        html.contains("name=\"decision\" value=\"allow\"")
            && html.contains("name=\"decision\" value=\"deny\"")
    );
    assert!(html.contains("Photo Printer"));
    let cb = callback(&app.consent("deny").await);
    assert_eq!(cb["error"], "access_denied");
    assert_eq!(cb["state"], "st-123");
}

#[tokio::test]
async fn sso_skips_the_password_and_remembered_consent_skips_the_page() {
    let (app, rp, pkce) = setup(&[]).await;
    let first = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    let (_, t1) = app
        .exchange(&rp, &first["code"], Some(&pkce.verifier))
        .await;
    // Same scopes again: straight back to the client.
    let cb = callback(&app.authorize(&AuthRequest::new(&rp, &pkce)).await);
    assert!(cb.contains_key("code"));
    // prompt=none: same sub and auth_time.
    let cb = callback(
        &app.authorize(&AuthRequest::new(&rp, &pkce).set("prompt", Some("none")))
            .await,
    );
    let (_, t2) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    let (a, b) = (
        jwt_claims(t1["id_token"].as_str().unwrap()),
        jwt_claims(t2["id_token"].as_str().unwrap()),
    );
    assert_eq!(a["sub"], b["sub"]);
    assert_eq!(a["auth_time"], b["auth_time"]);
    assert_eq!(a["sid"], b["sid"]);
}

#[tokio::test]
async fn new_scopes_and_prompt_consent_ask_again() {
    let (app, rp, pkce) = setup(&[]).await;
    app.code_via_login(&AuthRequest::new(&rp, &pkce).set("scope", Some("openid")))
        .await;
    let r = app
        .authorize(&AuthRequest::new(&rp, &pkce).set("scope", Some("openid email")))
        .await;
    assert_eq!(location(&r), "/consent", "a new scope asks again");
    let cb = callback(&app.consent("allow").await);
    assert!(cb.contains_key("code"));
    let r = app
        .authorize(
            &AuthRequest::new(&rp, &pkce)
                .set("prompt", Some("consent"))
                .set("scope", Some("openid")),
        )
        .await;
    assert_eq!(location(&r), "/consent", "prompt=consent always asks");
    let cb = callback(&app.consent("allow").await);
    assert!(cb.contains_key("code"));
}

#[tokio::test]
async fn first_party_client_skips_consent_unless_prompt_consent() {
    let (app, rp, pkce) = setup(&["--first-party"]).await;
    app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    let cb = callback(&app.login(USERNAME, PASSWORD).await);
    assert!(cb.contains_key("code"));
    let r = app
        .authorize(&AuthRequest::new(&rp, &pkce).set("prompt", Some("consent")))
        .await;
    assert_eq!(
        location(&r),
        "/consent",
        "prompt=consent asks even first-party"
    );
}

#[tokio::test]
async fn prompt_none_without_a_session_is_login_required() {
    let (app, rp, pkce) = setup(&[]).await;
    let cb = callback(
        &app.authorize(&AuthRequest::new(&rp, &pkce).set("prompt", Some("none")))
            .await,
    );
    assert_eq!(cb["error"], "login_required");
    assert_eq!(cb["state"], "st-123");
}

#[tokio::test]
async fn prompt_login_and_select_account_lead_to_the_login_page_where_a_password_gives_a_newer_auth_time()
 {
    let (app, rp, pkce) = setup(&["--first-party"]).await;
    let first = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    let (_, t1) = app
        .exchange(&rp, &first["code"], Some(&pkce.verifier))
        .await;
    app.advance(Duration::from_secs(1));
    for prompt in ["login", "select_account"] {
        let r = app
            .authorize(&AuthRequest::new(&rp, &pkce).set("prompt", Some(prompt)))
            .await;
        assert_eq!(location(&r), "/login", "{prompt}");
    }
    let cb = callback(&app.login(USERNAME, PASSWORD).await);
    let (_, t2) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    let a = jwt_claims(t1["id_token"].as_str().unwrap())["auth_time"]
        .as_i64()
        .unwrap();
    let b = jwt_claims(t2["id_token"].as_str().unwrap())["auth_time"]
        .as_i64()
        .unwrap();
    assert!(b > a, "auth_time {b} should be newer than {a}");
}

#[tokio::test]
async fn max_age_exceeded_forces_a_fresh_login() {
    let (app, rp, pkce) = setup(&["--first-party"]).await;
    app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    // Within max_age: SSO.
    let cb = callback(
        &app.authorize(&AuthRequest::new(&rp, &pkce).set("max_age", Some("3600")))
            .await,
    );
    assert!(cb.contains_key("code"));
    app.advance(Duration::from_secs(2));
    let r = app
        .authorize(&AuthRequest::new(&rp, &pkce).set("max_age", Some("1")))
        .await;
    assert_eq!(location(&r), "/login");
    let cb = callback(&app.login(USERNAME, PASSWORD).await);
    assert!(cb.contains_key("code"), "a fresh login satisfies max_age");
    let cb = callback(
        &app.authorize(
            &AuthRequest::new(&rp, &pkce)
                .set("max_age", Some("1"))
                .set("prompt", Some("none")),
        )
        .await,
    );
    assert!(
        cb.contains_key("code"),
        "the fresh login is within max_age: {cb:?}"
    );
}

#[tokio::test]
async fn form_post_response_mode_renders_a_self_posting_form_without_inline_script() {
    let (app, rp, pkce) = setup(&["--first-party"]).await;
    app.authorize(&AuthRequest::new(&rp, &pkce).set("response_mode", Some("form_post")))
        .await;
    let r = app.login(USERNAME, PASSWORD).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("action=\"{REDIRECT}\"")));
    assert!(html.contains("name=\"code\"") && html.contains("name=\"state\" value=\"st-123\""));
    assert!(html.contains("name=\"iss\""));
    assert!(html.contains("<script src=\"/assets/form_post.js\"></script>"));
    let js = app
        .http
        .get(app.url("/assets/form_post.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
}

#[tokio::test]
async fn pages_without_a_request_in_progress_explain_instead_of_failing() {
    let app = spawn_app().await;
    for path in ["/login", "/consent"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 400, "{path}");
    }
}

#[tokio::test]
async fn the_sign_in_session_ends_after_its_absolute_lifetime() {
    let (app, rp, pkce) = signed_in_with_session("absolute_timeout").await;
    app.advance(Duration::from_secs(2));
    assert_signed_out(&app, &rp, &pkce).await;
}

#[tokio::test]
async fn the_sign_in_session_ends_after_its_idle_lifetime() {
    let (app, rp, pkce) = signed_in_with_session("idle_timeout").await;
    // tower-sessions ends idle sessions by the real clock, which the test cannot turn: wait
    // out the 1 s lifetime (a lower bound, so a slow machine only waits longer).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_signed_out(&app, &rp, &pkce).await;
}

#[tokio::test]
async fn a_session_in_use_outlives_its_idle_lifetime() {
    let app = spawn_app_with(Options::toml("[session]\nidle_timeout = \"2s\"\n")).await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let pkce = Pkce::new();
    app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    // Real time again (see above): each SSO request within the 2 s moves the idle deadline, so
    // the session is still there 3.6 s after the sign-in.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let cb = callback(
            &app.authorize(&AuthRequest::new(&rp, &pkce).set("prompt", Some("none")))
                .await,
        );
        assert!(cb.contains_key("code"), "signed out while in use: {cb:?}");
    }
}

/// Signs in with `[session] <key> = "1s"`.
async fn signed_in_with_session(key: &str) -> (TestApp, Rp, Pkce) {
    let app = spawn_app_with(Options::toml(&format!("[session]\n{key} = \"1s\"\n"))).await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let pkce = Pkce::new();
    app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    (app, rp, pkce)
}

/// Expects `prompt=none` to find nobody signed in.
async fn assert_signed_out(app: &TestApp, rp: &Rp, pkce: &Pkce) {
    let cb = callback(
        &app.authorize(&AuthRequest::new(rp, pkce).set("prompt", Some("none")))
            .await,
    );
    assert_eq!(cb["error"], "login_required");
}

#[tokio::test]
async fn max_age_zero_asks_for_the_password_like_prompt_login() {
    let (app, rp, pkce) = setup(&["--first-party"]).await;
    app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    let r = app
        .authorize(&AuthRequest::new(&rp, &pkce).set("max_age", Some("0")))
        .await;
    assert_eq!(location(&r), "/login");
    let cb = callback(&app.login(USERNAME, PASSWORD).await);
    assert!(cb.contains_key("code"));
}

#[tokio::test]
async fn a_consent_page_left_open_cannot_approve_a_newer_request_it_never_showed() {
    let (app, rp, pkce) = setup(&[]).await;
    let (client_id, secret) = app
        .create_client(&["--name", "Other App", "--redirect-uri", REDIRECT])
        .await;
    let other = crate::common::flow::Rp {
        client_id,
        secret,
        redirect_uri: REDIRECT.into(),
    };
    app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    app.login(USERNAME, PASSWORD).await;
    let old_page = app
        .http
        .get(app.url("/consent"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Another tab starts a request for a different client.
    let r = app.authorize(&AuthRequest::new(&other, &pkce)).await;
    assert_eq!(location(&r), "/consent");
    let r = app
        .http
        .post(app.url("/consent"))
        .form(&[
            ("decision", "allow"),
            ("csrf_token", &csrf(&old_page)),
            (
                "request",
                &crate::common::flow::hidden(&old_page, "request"),
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let cb = callback(
        &app.authorize(&AuthRequest::new(&other, &pkce).set("prompt", Some("none")))
            .await,
    );
    assert_eq!(cb["error"], "consent_required", "nothing was consented");
}
