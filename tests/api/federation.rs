//! Signing in through an upstream identity provider (`[[upstream]]`), with both legs real: a
//! second Tessera is the upstream OpenID Provider (its own database, keys and port; the
//! downstream registered there as a first-party client), and a small axum server stands in for
//! a GitHub-style plain OAuth 2.0 upstream. A "browser" here is one reqwest cookie jar that
//! follows the redirects across both servers (the upstream on `localhost`, the downstream on
//! `127.0.0.1`, so their session cookies do not collide).

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::extract::{Form, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};

use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, Rp, USERNAME, callback, csrf, hidden, jwt_claims,
};
use crate::common::{Options, TestApp, free_port, serve, spawn_app_with};

const SECRET_VAR: &str = "FED_TEST_CORP_SSO_SECRET";

/// The upstream Tessera, the downstream configured with it as `corp`, and the downstream's
/// first-party relying party.
struct Fed {
    upstream: TestApp,
    down: TestApp,
    rp: Rp,
}

/// Starts both servers; `upstream_toml` is added to the downstream's `[[upstream]]` table.
async fn fed(upstream_toml: &str) -> Fed {
    fed_with(upstream_toml, true).await
}

/// As [`fed`]; unless `first_party`, the upstream asks the person's consent for the downstream.
async fn fed_with(upstream_toml: &str, first_party: bool) -> Fed {
    let upstream = spawn_app_with(Options {
        localhost: true,
        ..Options::default()
    })
    .await;
    let port = free_port();
    let callback = format!("http://127.0.0.1:{port}/upstream/corp/callback");
    let mut args = vec!["--name", "Downstream", "--redirect-uri", &callback];
    if first_party {
        args.push("--first-party");
    }
    let (client_id, secret) = upstream.create_client(&args).await;
    let toml = format!(
        "[[upstream]]\nid = \"corp\"\nname = \"Corp SSO\"\nissuer = \"{}\"\nclient_id = \"{client_id}\"\n\
         client_secret_env = \"{SECRET_VAR}\"\ntimeout = \"2s\"\n{upstream_toml}\n",
        upstream.issuer
    );
    let down = spawn_app_with(Options {
        port: Some(port),
        ..Options::toml(&toml).env(SECRET_VAR, &secret.expect("a secret"))
    })
    .await;
    let rp = down.rp(&["--first-party"]).await;
    Fed { upstream, down, rp }
}

/// A browser: cookies, no automatic redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// GET `url`, then follow redirects (relative ones against the current URL) until a page, or
/// a redirect to the relying party; returns the last response and its URL.
async fn follow(b: &reqwest::Client, url: &str) -> (reqwest::Response, String) {
    let mut url = url::Url::parse(url).expect("url");
    for _ in 0..10 {
        let r = b.get(url.clone()).send().await.expect("get");
        if !r.status().is_redirection() {
            return (r, url.to_string());
        }
        let loc = r.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        if loc.starts_with("https://rp.example.com/") {
            return (r, url.to_string());
        }
        url = url.join(&loc).expect("location url");
    }
    panic!("too many redirects");
}

/// On the downstream login page (already open in `b`): presses "Sign in with Corp SSO";
/// returns the redirect to the upstream.
async fn press_upstream_button(f: &Fed, b: &reqwest::Client, html: &str) -> reqwest::Response {
    assert!(html.contains("Sign in with Corp SSO"), "{html}");
    b.post(f.down.url("/upstream/corp/start"))
        .form(&[
            ("csrf_token", csrf(html)),
            ("request", hidden(html, "request")),
        ])
        .send()
        .await
        .expect("start")
}

/// The downstream's authorization request, the button, and the upstream's login form for
/// `username`; returns the response the downstream gave to the upstream's callback redirect
/// (the redirect to the relying party, or a page), and the callback URL.
async fn sign_in_via_upstream(
    f: &Fed,
    b: &reqwest::Client,
    username: &str,
) -> (reqwest::Response, String) {
    let req = AuthRequest::new(&f.rp, &Pkce::new());
    let (login, _) = follow(b, &format!("{}?{}", f.down.url("/authorize"), req.query())).await;
    let html = login.text().await.expect("login page");
    let started = press_upstream_button(f, b, &html).await;
    assert_eq!(started.status(), 303);
    let to_upstream = started.headers()["location"].to_str().unwrap().to_string();
    assert!(to_upstream.starts_with(&f.upstream.issuer), "{to_upstream}");
    let (up_login, _) = follow(b, &to_upstream).await;
    let html = up_login.text().await.expect("upstream login page");
    let r = b
        .post(f.upstream.url("/login"))
        .form(&[
            ("username", username),
            ("password", PASSWORD),
            ("csrf_token", &csrf(&html)),
            ("request", &hidden(&html, "request")),
        ])
        .send()
        .await
        .expect("upstream login");
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        back.starts_with(&f.down.url("/upstream/corp/callback")),
        "{back}"
    );
    let r = b.get(&back).send().await.expect("callback");
    (r, back)
}

/// Sign-in with a verifier we keep: returns (response, callback url, verifier).
async fn sign_in_keeping_pkce(
    f: &Fed,
    b: &reqwest::Client,
    username: &str,
) -> (serde_json::Value, String) {
    let pkce = Pkce::new();
    let req = AuthRequest::new(&f.rp, &pkce);
    let (login, _) = follow(b, &format!("{}?{}", f.down.url("/authorize"), req.query())).await;
    let html = login.text().await.expect("login page");
    let started = press_upstream_button(f, b, &html).await;
    let to_upstream = started.headers()["location"].to_str().unwrap().to_string();
    let (up_login, _) = follow(b, &to_upstream).await;
    let r = match up_login.status().as_u16() {
        200 => {
            let html = up_login.text().await.expect("upstream login page");
            b.post(f.upstream.url("/login"))
                .form(&[
                    ("username", username),
                    ("password", PASSWORD),
                    ("csrf_token", &csrf(&html)),
                    ("request", &hidden(&html, "request")),
                ])
                .send()
                .await
                .expect("upstream login")
        }
        // Signed in at the upstream already: it answered at once.
        _ => up_login,
    };
    let back = r.headers()["location"].to_str().unwrap().to_string();
    let r = b.get(&back).send().await.expect("callback");
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let code = callback(&r)["code"].clone();
    let (status, body) = f.down.exchange(&f.rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    (
        jwt_claims(body["id_token"].as_str().expect("id_token")),
        back,
    )
}

#[tokio::test]
async fn a_first_sign_in_provisions_an_account_and_a_returning_person_finds_it() {
    let f = fed("provision = true").await;
    f.upstream.create_user(USERNAME, PASSWORD).await;
    let b = browser();
    let (claims, back) = sign_in_keeping_pkce(&f, &b, USERNAME).await;
    assert!(
        claims["amr"].as_array().unwrap().contains(&"fed".into()),
        "{claims}"
    );
    let sub = claims["sub"].as_str().unwrap().to_string();
    // The account was made with the upstream's username; its email is not verified (the
    // upstream did not say so).
    let users = f.down.cli_json(&["user", "list", "--json"], None).await;
    let text = users.to_string();
    assert!(text.contains(&sub) && text.contains("\"alice\""), "{text}");

    // The callback cannot be used twice.
    let again = b.get(&back).send().await.unwrap();
    assert_eq!(again.status(), 400);
    assert!(again.text().await.unwrap().contains("completed already"));

    // A returning person (a new browser; the upstream asks for the password again) is the same
    // account, not a new one.
    let (claims, _) = sign_in_keeping_pkce(&f, &browser(), USERNAME).await;
    assert_eq!(claims["sub"], sub.as_str());

    // The account page lists the link; removing the only way to sign in is refused.
    let account = b.get(f.down.url("/account")).send().await.unwrap();
    let html = account.text().await.unwrap();
    assert!(
        html.contains("Linked sign-ins") && html.contains("Corp SSO"),
        "{html}"
    );
    let r = b
        .post(f.down.url("/account/upstreams/remove"))
        .form(&[
            ("csrf_token", csrf(&html)),
            ("upstream_id", hidden(&html, "upstream_id")),
            ("subject", hidden(&html, "subject")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("only way to sign in"));

    // A password set first (none to confirm: the account never had one), then the link goes,
    // and the password signs in.
    assert!(html.contains("no password here yet"), "{html}");
    let new_password = "a long and new pass phrase";
    let r = b
        .post(f.down.url("/account/password"))
        .form(&[
            ("csrf_token", csrf(&html)),
            ("new_password", new_password.to_string()),
            ("confirm_password", new_password.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let r = b
        .post(f.down.url("/account/upstreams/remove"))
        .form(&[
            ("csrf_token", csrf(&html)),
            ("upstream_id", hidden(&html, "upstream_id")),
            ("subject", hidden(&html, "subject")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/account?done=upstream_removed");
    let r = f.down.fresh_sign_in(&f.rp, USERNAME, new_password).await;
    crate::common::flow::assert_signed_in(&r);

    // The CLI prints the callback URL to register at the upstream.
    let out = f.down.cli(&["upstream", "list"], None).await;
    let out = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.contains("corp") && out.contains(&f.down.url("/upstream/corp/callback")),
        "{out}"
    );
}

/// Marks `username`'s email verified at `app`, as following a verification link would.
async fn verify_email(app: &TestApp, username: &str) {
    let pool = sqlx::AnyPool::connect(&app.db.url).await.expect("pool");
    sqlx::query("UPDATE users SET email_verified = 1 WHERE username = $1")
        .bind(username)
        .execute(&pool)
        .await
        .expect("verify");
    pool.close().await;
}

#[tokio::test]
async fn a_verified_email_links_the_existing_account_and_an_unverified_one_does_not() {
    let f = fed("link = \"verified_email\"").await;
    let local_sub = f.down.create_user(USERNAME, PASSWORD).await;
    f.upstream.create_user(USERNAME, PASSWORD).await;
    f.upstream.create_user("bob", PASSWORD).await;
    f.down.create_user("bob", PASSWORD).await;

    // bob's upstream email is not verified: no account here for him (and none is made).
    let (r, _) = sign_in_via_upstream(&f, &browser(), "bob").await;
    assert_eq!(r.status(), 403);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("No account here for this sign-in")
    );

    // Verified upstream but not here: whoever set this address on the local account may not
    // own it, so the sign-in does not land there.
    verify_email(&f.upstream, USERNAME).await;
    let (r, _) = sign_in_via_upstream(&f, &browser(), USERNAME).await;
    assert_eq!(r.status(), 403);
    verify_email(&f.down, USERNAME).await;
    let b = browser();
    let (claims, _) = sign_in_keeping_pkce(&f, &b, USERNAME).await;
    assert_eq!(claims["sub"], local_sub.as_str());

    // alice has a password too: she may remove the link on her account page.
    let html = b
        .get(f.down.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = b
        .post(f.down.url("/account/upstreams/remove"))
        .form(&[
            ("csrf_token", csrf(&html)),
            ("upstream_id", hidden(&html, "upstream_id")),
            ("subject", hidden(&html, "subject")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/account?done=upstream_removed");
    let html = b
        .get(f.down.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Linked sign-ins"), "{html}");
}

/// An account made by an upstream sign-in has no password: its last passkey cannot be removed
/// once the link is gone, any more than its last link while it has no passkey.
#[tokio::test]
async fn the_last_passkey_of_an_account_without_a_password_stays() {
    let f = fed("provision = true").await;
    f.upstream.create_user(USERNAME, PASSWORD).await;
    let b = browser();
    let (claims, _) = sign_in_keeping_pkce(&f, &b, USERNAME).await;
    let sub = claims["sub"].as_str().unwrap().to_string();
    // A passkey as the account page would have stored it (this test's issuer is an IP address,
    // where browsers refuse WebAuthn; the rule under test only counts passkeys).
    let pool = sqlx::AnyPool::connect(&f.down.db.url).await.expect("pool");
    sqlx::query(
        "INSERT INTO passkeys (credential_id, user_id, name, credential, created_at)
         VALUES ('cred-1', $1, 'Passkey', '{}', 0)",
    )
    .bind(&sub)
    .execute(&pool)
    .await
    .expect("passkey");
    pool.close().await;

    let html = b
        .get(f.down.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = b
        .post(f.down.url("/account/upstreams/remove"))
        .form(&[
            ("csrf_token", csrf(&html)),
            ("upstream_id", hidden(&html, "upstream_id")),
            ("subject", hidden(&html, "subject")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/account?done=upstream_removed");
    let r = b
        .post(f.down.url("/account/passkeys/remove"))
        .form(&[
            ("csrf_token", csrf(&html)),
            ("credential_id", "cred-1".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("only way to sign in"));
}

#[tokio::test]
async fn the_upstreams_key_rotation_between_two_sign_ins_is_followed() {
    let f = fed("provision = true").await;
    f.upstream.create_user(USERNAME, PASSWORD).await;
    let (first, _) = sign_in_keeping_pkce(&f, &browser(), USERNAME).await;
    // Twice: after one rotation the new key was the published `next` one, already known.
    for _ in 0..2 {
        f.upstream
            .cli_json(&["keys", "rotate", "--json"], None)
            .await;
    }
    f.upstream.catch_up().await;
    // Past the shortest interval between two JWKS fetches.
    f.down.advance(Duration::from_secs(5));
    let (second, _) = sign_in_keeping_pkce(&f, &browser(), USERNAME).await;
    assert_eq!(first["sub"], second["sub"]);
}

#[tokio::test]
async fn upstream_errors_and_foreign_answers_are_pages() {
    let f = fed("provision = true").await;
    let b = browser();
    let req = AuthRequest::new(&f.rp, &Pkce::new());
    let (login, _) = follow(&b, &format!("{}?{}", f.down.url("/authorize"), req.query())).await;
    let html = login.text().await.unwrap();
    let started = press_upstream_button(&f, &b, &html).await;
    let to_upstream = url::Url::parse(started.headers()["location"].to_str().unwrap()).unwrap();
    let state: HashMap<String, String> = to_upstream.query_pairs().into_owned().collect();
    let state = &state["state"];
    let cb = f.down.url("/upstream/corp/callback");

    // A state this browser did not start.
    let r = b
        .get(format!("{cb}?code=x&state=not-{state}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("does not belong to this sign-in")
    );

    // The right state, but the answer names another issuer (RFC 9207 mix-up).
    let started = press_upstream_button(&f, &b, &html).await;
    let to_upstream = url::Url::parse(started.headers()["location"].to_str().unwrap()).unwrap();
    let q: HashMap<String, String> = to_upstream.query_pairs().into_owned().collect();
    let r = b
        .get(format!(
            "{cb}?code=x&state={}&iss=https%3A%2F%2Fevil.example",
            q["state"]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // The person said no at the upstream: back to the login page with a message.
    let started = press_upstream_button(&f, &b, &html).await;
    let to_upstream = url::Url::parse(started.headers()["location"].to_str().unwrap()).unwrap();
    let q: HashMap<String, String> = to_upstream.query_pairs().into_owned().collect();
    let r = b
        .get(format!("{cb}?error=access_denied&state={}", q["state"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("cancelled or refused") && page.contains("Sign in with Corp SSO"),
        "{page}"
    );

    // A code the upstream never issued: its token endpoint refuses it.
    let started = press_upstream_button(&f, &b, &html).await;
    let to_upstream = url::Url::parse(started.headers()["location"].to_str().unwrap()).unwrap();
    let q: HashMap<String, String> = to_upstream.query_pairs().into_owned().collect();
    let r = b
        .get(format!("{cb}?code=forged&state={}", q["state"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("could not be verified"));
}

#[tokio::test]
async fn an_upstream_that_is_down_or_slow_is_a_page_not_a_hang() {
    // Down: nothing listens on its port.
    let down_port = free_port();
    // Slow: answers after longer than the timeout.
    let slow = serve(axum::Router::new().route(
        "/.well-known/openid-configuration",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "{}"
        }),
    ))
    .await;
    for issuer in [format!("http://127.0.0.1:{down_port}"), slow] {
        let toml = format!(
            "[[upstream]]\nid = \"corp\"\nname = \"Corp SSO\"\nissuer = \"{issuer}\"\n\
             client_id = \"t\"\ntimeout = \"1s\"\n"
        );
        let down = spawn_app_with(Options::toml(&toml)).await;
        let rp = down.rp(&["--first-party"]).await;
        let b = browser();
        let req = AuthRequest::new(&rp, &Pkce::new());
        let (login, _) = follow(&b, &format!("{}?{}", down.url("/authorize"), req.query())).await;
        let html = login.text().await.unwrap();
        let started = std::time::Instant::now();
        let r = b
            .post(down.url("/upstream/corp/start"))
            .form(&[
                ("csrf_token", csrf(&html)),
                ("request", hidden(&html, "request")),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "bounded: {issuer}"
        );
        assert_eq!(r.status(), 502, "{issuer}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Corp SSO is not answering")
        );
    }
}

/// A GitHub-style upstream: it signs "octocat" in at once and answers `/user` with a numeric
/// `id` and a `login`.
async fn github_like() -> String {
    let router = axum::Router::new()
        .route(
            "/login/oauth/authorize",
            get(|Query(q): Query<HashMap<String, String>>| async move {
                assert_eq!(q["code_challenge_method"], "S256");
                let to = format!(
                    "{}?code=gh-code&state={}",
                    q["redirect_uri"],
                    urlencode(&q["state"])
                );
                Redirect::to(&to)
            }),
        )
        .route(
            "/login/oauth/access_token",
            post(|Form(f): Form<HashMap<String, String>>| async move {
                if f.get("code").map(String::as_str) != Some("gh-code")
                    || !f.contains_key("code_verifier")
                {
                    return (
                        axum::http::StatusCode::BAD_REQUEST,
                        Json(serde_json::json!({"error": "bad_verification_code"})),
                    )
                        .into_response();
                }
                Json(serde_json::json!({
                    "access_token": "gho_token", "token_type": "bearer", "scope": "read:user"
                }))
                .into_response()
            }),
        )
        .route(
            "/user",
            get(|headers: axum::http::HeaderMap| async move {
                assert_eq!(headers["authorization"], "Bearer gho_token");
                Json(serde_json::json!({
                    "id": 583231, "login": "octocat", "name": "The Octocat",
                    "email": "octocat@github.example"
                }))
            }),
        );
    serve(router).await
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn a_plain_oauth2_upstream_is_read_through_its_userinfo_claims() {
    let gh = github_like().await;
    let toml = format!(
        "[[upstream]]\nid = \"github\"\nname = \"GitHub\"\nauthorization_url = \"{gh}/login/oauth/authorize\"\n\
         token_url = \"{gh}/login/oauth/access_token\"\nuserinfo_url = \"{gh}/user\"\n\
         client_id = \"Iv1.test\"\nsubject_claim = \"id\"\nusername_claim = \"login\"\n\
         scopes = [\"read:user\"]\nprovision = true\n"
    );
    let down = spawn_app_with(Options::toml(&toml)).await;
    let rp = down.rp(&["--first-party"]).await;
    let b = browser();
    let pkce = Pkce::new();
    let req = AuthRequest::new(&rp, &pkce);
    let (login, _) = follow(&b, &format!("{}?{}", down.url("/authorize"), req.query())).await;
    let html = login.text().await.unwrap();
    assert!(html.contains("Sign in with GitHub"), "{html}");
    let r = b
        .post(down.url("/upstream/github/start"))
        .form(&[
            ("csrf_token", csrf(&html)),
            ("request", hidden(&html, "request")),
        ])
        .send()
        .await
        .unwrap();
    let (r, _) = follow(&b, r.headers()["location"].to_str().unwrap()).await;
    assert_eq!(r.status(), 303);
    let code = callback(&r)["code"].clone();
    let (status, body) = down.exchange(&rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    let claims = jwt_claims(body["id_token"].as_str().unwrap());
    assert_eq!(claims["amr"], serde_json::json!(["fed"]));
    let users = down
        .cli_json(&["user", "list", "--json"], None)
        .await
        .to_string();
    assert!(users.contains("\"octocat\""), "{users}");
}

/// What the fake OpenID Provider spoils in the ID token it issues.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Spoil {
    Nothing,
    /// The callback carries a `state` other than the one sent.
    State,
    Issuer,
    Audience,
    Nonce,
    Expiry,
}

/// The fake provider's memory: the nonce of the last authorization request, the callback URL
/// it sent the browser to, what to spoil, and the `amr` its ID token says (none when empty).
#[derive(Default)]
struct FakeOp {
    nonce: String,
    callback: String,
    spoil: Option<Spoil>,
    amr: Vec<&'static str>,
}

/// An OpenID Provider in the test that signs its ID tokens with an ES256 key of its own and
/// spoils one claim on request: discovery, authorize (signs in at once), token, JWKS.
async fn fake_op(client_id: &'static str) -> (String, std::sync::Arc<std::sync::Mutex<FakeOp>>) {
    use josekit::jws::{ES256, JwsHeader};
    use std::sync::{Arc, Mutex};
    let pair = ES256.generate_key_pair().unwrap();
    let mut private = pair.to_jwk_private_key();
    private.set_key_id("op-key");
    let mut public = pair.to_jwk_public_key();
    public.set_key_id("op-key");
    public.set_algorithm("ES256");
    let listener = crate::common::bind_loopback().await;
    let base = format!("http://{}", listener.local_addr().unwrap());
    let memory: Arc<Mutex<FakeOp>> = Arc::default();
    let discovery = serde_json::json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
    });
    let jwks = serde_json::json!({ "keys": [serde_json::Value::Object(public.as_ref().clone())] });
    let (m1, m2, issuer) = (memory.clone(), memory.clone(), base.clone());
    let router = axum::Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || async move { Json(discovery) }),
        )
        .route("/jwks", get(move || async move { Json(jwks) }))
        .route(
            "/authorize",
            get(move |Query(q): Query<HashMap<String, String>>| async move {
                let mut m = m1.lock().unwrap();
                m.nonce = q["nonce"].clone();
                let state = if m.spoil == Some(Spoil::State) {
                    "another-state"
                } else {
                    q["state"].as_str()
                };
                m.callback = format!(
                    "{}?code=op-code&state={}",
                    q["redirect_uri"],
                    urlencode(state)
                );
                Redirect::to(&m.callback)
            }),
        )
        .route(
            "/token",
            post(move || async move {
                let (nonce, spoil, amr) = {
                    let m = m2.lock().unwrap();
                    (m.nonce.clone(), m.spoil.unwrap_or(Spoil::Nothing), m.amr.clone())
                };
                let now = tessera::clock::Clock::system().now();
                let mut claims = serde_json::json!({
                    "iss": if spoil == Spoil::Issuer { "https://evil.example" } else { issuer.as_str() },
                    "aud": if spoil == Spoil::Audience { "someone-else" } else { client_id },
                    "sub": "op-user-1",
                    "nonce": if spoil == Spoil::Nonce { "another-nonce".to_string() } else { nonce },
                    "iat": now,
                    "exp": if spoil == Spoil::Expiry { now - 600 } else { now + 300 },
                    "email": "carol@op.example",
                    "email_verified": true,
                    "preferred_username": "carol",
                });
                if !amr.is_empty() {
                    claims["amr"] = serde_json::json!(amr);
                }
                let mut header = JwsHeader::new();
                header.set_token_type("JWT");
                header.set_key_id("op-key");
                let signer = ES256.signer_from_jwk(&private).unwrap();
                let id_token = josekit::jws::serialize_compact(
                    claims.to_string().as_bytes(),
                    &header,
                    &signer,
                )
                .unwrap();
                Json(serde_json::json!({
                    "access_token": "op-access", "token_type": "Bearer", "expires_in": 300,
                    "id_token": id_token,
                }))
            }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, memory)
}

#[tokio::test]
async fn an_id_token_from_another_issuer_for_another_audience_with_another_nonce_or_expired_is_refused()
 {
    let (op, memory) = fake_op("tessera-down").await;
    let toml = format!(
        "[[upstream]]\nid = \"corp\"\nname = \"Corp SSO\"\nissuer = \"{op}\"\n\
         client_id = \"tessera-down\"\nprovision = true\n"
    );
    let down = spawn_app_with(Options::toml(&toml)).await;
    let rp = down.rp(&["--first-party"]).await;
    for spoil in [
        Spoil::Issuer,
        Spoil::Audience,
        Spoil::Nonce,
        Spoil::Expiry,
        Spoil::Nothing,
    ] {
        memory.lock().unwrap().spoil = Some(spoil);
        let b = browser();
        let req = AuthRequest::new(&rp, &Pkce::new());
        let (login, _) = follow(&b, &format!("{}?{}", down.url("/authorize"), req.query())).await;
        let html = login.text().await.unwrap();
        let r = b
            .post(down.url("/upstream/corp/start"))
            .form(&[
                ("csrf_token", csrf(&html)),
                ("request", hidden(&html, "request")),
            ])
            .send()
            .await
            .unwrap();
        let (r, _) = follow(&b, r.headers()["location"].to_str().unwrap()).await;
        if spoil == Spoil::Nothing {
            assert_eq!(r.status(), 303, "the fake provider's good token is taken");
            assert!(callback(&r).contains_key("code"));
        } else {
            assert_eq!(r.status(), 401, "{spoil:?}");
            let page = r.text().await.unwrap();
            assert!(page.contains("could not be verified"), "{spoil:?}: {page}");
        }
    }
}

/// A first-party web client of `app` (no consent page), redirecting to `/healthz`.
async fn web_client(app: &TestApp) -> Rp {
    let redirect_uri = app.url("/healthz");
    let (client_id, secret) = app
        .create_client(&[
            "--name",
            "Web",
            "--redirect-uri",
            &redirect_uri,
            "--first-party",
        ])
        .await;
    Rp {
        client_id,
        secret,
        redirect_uri,
    }
}

/// In headless Chromium: the login page's "Sign in with Corp SSO" button (a plain form), the
/// upstream's own login page, back with a code; then, returning, the upstream's session signs
/// the person in without their password.
async fn in_the_browser(f: &Fed, b: &crate::common::browser::Browser) -> anyhow::Result<()> {
    use anyhow::ensure;
    use fantoccini::Locator;
    let c = &b.client;
    let rp = web_client(&f.down).await;
    let wait = |css: &'static str| async move {
        c.wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
    };
    for prompt in [None, Some("login")] {
        let req = AuthRequest::new(&rp, &Pkce::new()).set("prompt", prompt);
        c.goto(&format!("{}?{}", f.down.url("/authorize"), req.query()))
            .await?;
        let button = wait("#upstream-corp").await?;
        ensure!(button.text().await? == "Sign in with Corp SSO");
        button.click().await?;
        if prompt.is_none() {
            // The upstream's login page (on `localhost`): the person signs in there.
            let at_upstream = poll_url(c, |u| u.host_str() == Some("localhost")).await?;
            ensure!(at_upstream.path() == "/login", "{at_upstream}");
            wait("input[name=username]")
                .await?
                .send_keys(USERNAME)
                .await?;
            c.find(Locator::Css("input[name=password]"))
                .await?
                .send_keys(PASSWORD)
                .await?;
            c.find(Locator::Css("button[type=submit]"))
                .await?
                .click()
                .await?;
        }
        let url = poll_url(c, |u| u.path() == "/healthz").await?;
        ensure!(
            url.path() == "/healthz" && url.query().is_some_and(|q| q.contains("code=")),
            "landed at the client with a code: {url}"
        );
    }
    Ok(())
}

/// Waits until the address bar satisfies `ok`; returns the URL it shows then (or last).
async fn poll_url(
    c: &fantoccini::Client,
    ok: impl Fn(&url::Url) -> bool,
) -> anyhow::Result<url::Url> {
    let mut url = c.current_url().await?;
    for _ in 0..150 {
        if ok(&url) {
            break;
        }
        // Polling: the browser navigates in its own time.
        tokio::time::sleep(Duration::from_millis(100)).await;
        url = c.current_url().await?;
    }
    Ok(url)
}

#[tokio::test]
async fn in_a_browser_the_upstream_button_signs_in_and_a_returning_person_needs_no_password() {
    let Some(browser) = crate::common::browser::launch().await else {
        return;
    };
    let f = fed("provision = true").await;
    f.upstream.create_user(USERNAME, PASSWORD).await;
    let result = in_the_browser(&f, &browser).await;
    browser.close().await;
    result.unwrap();
    let users = f.down.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(
        users.as_array().map(Vec::len),
        Some(1),
        "one account: {users}"
    );
}

#[tokio::test]
async fn a_person_with_an_authenticator_app_gives_a_code_after_the_upstream() {
    let f = fed("link = \"verified_email\"").await;
    f.down.create_user(USERNAME, PASSWORD).await;
    let (secret, _) = crate::mfa::enroll(&f.down).await;
    f.upstream.create_user(USERNAME, PASSWORD).await;
    verify_email(&f.upstream, USERNAME).await;
    verify_email(&f.down, USERNAME).await;
    let b = browser();
    let pkce = Pkce::new();
    let req = AuthRequest::new(&f.rp, &pkce);
    let (login, _) = follow(&b, &format!("{}?{}", f.down.url("/authorize"), req.query())).await;
    let html = login.text().await.unwrap();
    let started = press_upstream_button(&f, &b, &html).await;
    let (up_login, _) = follow(&b, started.headers()["location"].to_str().unwrap()).await;
    let html = up_login.text().await.unwrap();
    let r = b
        .post(f.upstream.url("/login"))
        .form(&[
            ("username", USERNAME),
            ("password", PASSWORD),
            ("csrf_token", &csrf(&html)),
            ("request", &hidden(&html, "request")),
        ])
        .send()
        .await
        .unwrap();
    let r = b
        .get(r.headers()["location"].to_str().unwrap())
        .send()
        .await
        .unwrap();
    // One factor so far (the upstream's amr says `pwd`): Tessera asks for the second.
    assert_eq!(r.headers()["location"], "/login/otp");
    let otp = crate::mfa::code_at(&secret, f.down.now());
    let r = crate::mfa::submit_otp_in(&f.down, &b, &otp).await;
    let code = callback(&r)["code"].clone();
    let (status, body) = f.down.exchange(&f.rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    let claims = jwt_claims(body["id_token"].as_str().unwrap());
    assert_eq!(claims["amr"], serde_json::json!(["fed", "otp", "mfa"]));
}

/// In headless Chromium: "Deny" on the upstream's consent page comes back as `access_denied`
/// and shows the login page with a message; "Allow" for an upstream account linked to nothing
/// here (no linking, no provisioning) shows "No account here for this sign-in".
async fn refusals_in_the_browser(
    f: &Fed,
    b: &crate::common::browser::Browser,
) -> anyhow::Result<()> {
    use anyhow::ensure;
    use fantoccini::Locator;
    let c = &b.client;
    let wait = |css: &'static str| async move {
        c.wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
    };
    let req = AuthRequest::new(&f.rp, &Pkce::new());
    c.goto(&format!("{}?{}", f.down.url("/authorize"), req.query()))
        .await?;
    wait("#upstream-corp").await?.click().await?;
    poll_url(c, |u| u.host_str() == Some("localhost")).await?;
    wait("input[name=username]")
        .await?
        .send_keys(USERNAME)
        .await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    c.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    wait("button[name=decision][value=deny]")
        .await?
        .click()
        .await?;
    let message = wait("#login-error").await?.text().await?;
    ensure!(
        message.contains("Signing in with Corp SSO was cancelled or refused"),
        "{message}"
    );
    // Again, and this time allowed at the upstream.
    wait("#upstream-corp").await?.click().await?;
    poll_url(c, |u| u.host_str() == Some("localhost")).await?;
    wait("button[name=decision][value=allow]")
        .await?
        .click()
        .await?;
    poll_url(c, |u| u.path().ends_with("/callback")).await?;
    let page = wait("main").await?.text().await?;
    ensure!(page.contains("No account here for this sign-in"), "{page}");
    Ok(())
}

#[tokio::test]
async fn in_a_browser_a_refusal_at_the_upstream_and_an_unknown_account_are_pages() {
    let Some(browser) = crate::common::browser::launch().await else {
        return;
    };
    let f = fed_with("", false).await;
    f.upstream.create_user(USERNAME, PASSWORD).await;
    let result = refusals_in_the_browser(&f, &browser).await;
    browser.close().await;
    result.unwrap();
}

/// In headless Chromium, with `link = "verified_email"`: an unverified upstream email gets the
/// "No account here" page; a verified one signs in to the existing account; after the upstream
/// rotated its signing key past what was fetched, a new sign-in still works.
async fn linking_in_the_browser(
    f: &Fed,
    b: &crate::common::browser::Browser,
) -> anyhow::Result<()> {
    use anyhow::ensure;
    use fantoccini::Locator;
    let c = &b.client;
    let rp = web_client(&f.down).await;
    let wait = |css: &'static str| async move {
        c.wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
    };
    for (i, (who, lands)) in [("bob", false), (USERNAME, true), (USERNAME, true)]
        .into_iter()
        .enumerate()
    {
        if i == 2 {
            // Between alice's two sign-ins the upstream rotates twice: the signing key is then
            // one the downstream has never fetched.
            for _ in 0..2 {
                f.upstream
                    .cli_json(&["keys", "rotate", "--json"], None)
                    .await;
            }
            f.upstream.catch_up().await;
            f.down.advance(Duration::from_secs(5));
        }
        // Each person starts signed out at both (WebDriver clears the current site's cookies).
        for site in [&f.upstream, &f.down] {
            c.goto(&site.url("/healthz")).await?;
            c.delete_all_cookies().await?;
        }
        let req = AuthRequest::new(&rp, &Pkce::new()).set("prompt", Some("login"));
        c.goto(&format!("{}?{}", f.down.url("/authorize"), req.query()))
            .await?;
        wait("#upstream-corp").await?.click().await?;
        poll_url(c, |u| u.host_str() == Some("localhost")).await?;
        wait("input[name=username]").await?.send_keys(who).await?;
        c.find(Locator::Css("input[name=password]"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        c.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        if lands {
            let url = poll_url(c, |u| u.path() == "/healthz").await?;
            ensure!(url.path() == "/healthz", "{who} lands at the client: {url}");
        } else {
            poll_url(c, |u| u.path().ends_with("/callback")).await?;
            let page = wait("main").await?.text().await?;
            ensure!(page.contains("No account here for this sign-in"), "{page}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn in_a_browser_a_verified_email_links_an_unverified_one_does_not_and_key_rotation_is_followed()
 {
    let Some(browser) = crate::common::browser::launch().await else {
        return;
    };
    let f = fed("link = \"verified_email\"").await;
    let local_sub = f.down.create_user(USERNAME, PASSWORD).await;
    f.down.create_user("bob", PASSWORD).await;
    f.upstream.create_user(USERNAME, PASSWORD).await;
    f.upstream.create_user("bob", PASSWORD).await;
    verify_email(&f.upstream, USERNAME).await;
    verify_email(&f.down, USERNAME).await;
    let result = linking_in_the_browser(&f, &browser).await;
    browser.close().await;
    result.unwrap();
    let users = f.down.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(
        users.as_array().map(Vec::len),
        Some(2),
        "none made: {users}"
    );
    assert!(users.to_string().contains(&local_sub));
}

/// In headless Chromium: an upstream that does not answer, or answers after the timeout, leaves
/// the person on the login page with a message, within the upstream's timeout.
async fn down_in_the_browser(
    down: &TestApp,
    rp: &Rp,
    b: &crate::common::browser::Browser,
) -> anyhow::Result<()> {
    use anyhow::ensure;
    use fantoccini::Locator;
    let c = &b.client;
    let req = AuthRequest::new(rp, &Pkce::new());
    c.goto(&format!("{}?{}", down.url("/authorize"), req.query()))
        .await?;
    c.find(Locator::Css("#upstream-corp"))
        .await?
        .click()
        .await?;
    let message = c
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#login-error"))
        .await?
        .text()
        .await?;
    ensure!(message.contains("Corp SSO is not answering"), "{message}");
    ensure!(
        c.find(Locator::Css("input[name=password]")).await.is_ok(),
        "the password form is still there"
    );
    Ok(())
}

#[tokio::test]
async fn in_a_browser_an_upstream_that_is_down_or_slow_is_a_message_on_the_login_page() {
    let Some(browser) = crate::common::browser::launch().await else {
        return;
    };
    // Down: nothing listens on its port. Slow: answers after longer than the timeout.
    let slow = serve(axum::Router::new().route(
        "/.well-known/openid-configuration",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "{}"
        }),
    ))
    .await;
    let mut result = Ok(());
    for issuer in [format!("http://127.0.0.1:{}", free_port()), slow] {
        let toml = format!(
            "[[upstream]]\nid = \"corp\"\nname = \"Corp SSO\"\nissuer = \"{issuer}\"\n\
             client_id = \"t\"\ntimeout = \"1s\"\n"
        );
        let down = spawn_app_with(Options::toml(&toml)).await;
        let rp = down.rp(&["--first-party"]).await;
        result = down_in_the_browser(&down, &rp, &browser)
            .await
            .map_err(|e| e.context(issuer));
        if result.is_err() {
            break;
        }
    }
    browser.close().await;
    result.unwrap();
}

/// In the browser `c`: the downstream's account page asks to sign in (nobody is signed in).
async fn not_signed_in(c: &fantoccini::Client, down: &TestApp) -> anyhow::Result<()> {
    use fantoccini::Locator;
    c.goto(&down.url("/account")).await?;
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("input[name=password]"))
        .await?;
    let page = c.find(Locator::Css("body")).await?.text().await?;
    anyhow::ensure!(
        page.contains("Sign in to manage your account"),
        "signed out: {page}"
    );
    Ok(())
}

/// In headless Chromium, against the in-test provider: a callback whose `state` this browser
/// did not send, and ID tokens from another issuer, for another audience or with another nonce,
/// are pages and sign nobody in; a good sign-in lands at the client, and its callback URL
/// loaded again (in the same browser, then in a signed-out one) says it was completed already.
async fn foreign_answers_in_the_browser(
    down: &TestApp,
    memory: &std::sync::Mutex<FakeOp>,
    b: &crate::common::browser::Browser,
) -> anyhow::Result<()> {
    use anyhow::ensure;
    use fantoccini::Locator;
    let c = &b.client;
    let rp = web_client(down).await;
    let wait = |css: &'static str| async move {
        c.wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
    };
    for spoil in [
        Spoil::State,
        Spoil::Issuer,
        Spoil::Audience,
        Spoil::Nonce,
        Spoil::Nothing,
    ] {
        memory.lock().unwrap().spoil = Some(spoil);
        let req = AuthRequest::new(&rp, &Pkce::new());
        c.goto(&format!("{}?{}", down.url("/authorize"), req.query()))
            .await?;
        wait("#upstream-corp").await?.click().await?;
        if spoil == Spoil::Nothing {
            let url = poll_url(c, |u| u.path() == "/healthz").await?;
            ensure!(
                url.query().is_some_and(|q| q.contains("code=")),
                "the good answer lands at the client: {url}"
            );
            break;
        }
        let url = poll_url(c, |u| u.path().ends_with("/callback")).await?;
        ensure!(url.path().ends_with("/callback"), "{spoil:?}: {url}");
        let page = if spoil == Spoil::State {
            wait("main").await?.text().await?
        } else {
            wait("#login-error").await?.text().await?
        };
        let expected = if spoil == Spoil::State {
            "does not belong to this sign-in"
        } else {
            "could not be verified"
        };
        ensure!(page.contains(expected), "{spoil:?}: {page}");
        not_signed_in(c, down).await?;
    }
    // The same callback URL loaded again: once in the browser that used it, once in another.
    let used = memory.lock().unwrap().callback.clone();
    for fresh in [false, true] {
        if fresh {
            c.delete_all_cookies().await?;
        }
        c.goto(&used).await?;
        let page = wait("main").await?.text().await?;
        ensure!(page.contains("completed already"), "replayed: {page}");
    }
    not_signed_in(c, down).await
}

#[tokio::test]
async fn in_a_browser_a_foreign_state_foreign_id_tokens_and_a_replayed_callback_are_pages() {
    let Some(browser) = crate::common::browser::launch().await else {
        return;
    };
    let (op, memory) = fake_op("tessera-down").await;
    let toml = format!(
        "[[upstream]]\nid = \"corp\"\nname = \"Corp SSO\"\nissuer = \"{op}\"\n\
         client_id = \"tessera-down\"\nprovision = true\n"
    );
    let down = spawn_app_with(Options::toml(&toml)).await;
    let result = foreign_answers_in_the_browser(&down, &memory, &browser).await;
    browser.close().await;
    result.unwrap();
}

/// An upstream whose ID token says `amr` `mfa` asked for two factors already: Tessera does not
/// ask for its own second factor again (without `mfa` it does).
#[tokio::test]
async fn an_upstream_that_says_mfa_skips_the_second_factor_here() {
    let (op, memory) = fake_op("tessera-down").await;
    let toml = format!(
        "[[upstream]]\nid = \"corp\"\nname = \"Corp SSO\"\nissuer = \"{op}\"\n\
         client_id = \"tessera-down\"\nlink = \"verified_email\"\n"
    );
    let down = spawn_app_with(Options::toml(&toml)).await;
    let rp = down.rp(&["--first-party"]).await;
    // alice here has the fake provider's (verified) address and an authenticator app.
    let sub = down.create_user(USERNAME, PASSWORD).await;
    let pool = sqlx::AnyPool::connect(&down.db.url).await.expect("pool");
    sqlx::query(
        "UPDATE users SET email = 'carol@op.example', email_folded = 'carol@op.example',
         email_verified = 1 WHERE id = $1",
    )
    .bind(&sub)
    .execute(&pool)
    .await
    .expect("email");
    pool.close().await;
    crate::mfa::enroll(&down).await;
    for (amr, asks) in [(vec!["pwd"], true), (vec!["pwd", "otp", "mfa"], false)] {
        memory.lock().unwrap().amr = amr;
        let b = browser();
        let pkce = Pkce::new();
        let req = AuthRequest::new(&rp, &pkce);
        let (login, _) = follow(&b, &format!("{}?{}", down.url("/authorize"), req.query())).await;
        let html = login.text().await.unwrap();
        let r = b
            .post(down.url("/upstream/corp/start"))
            .form(&[
                ("csrf_token", csrf(&html)),
                ("request", hidden(&html, "request")),
            ])
            .send()
            .await
            .unwrap();
        let (r, url) = follow(&b, r.headers()["location"].to_str().unwrap()).await;
        if asks {
            assert!(
                url.ends_with("/login/otp"),
                "{url}: {}",
                r.text().await.unwrap()
            );
            continue;
        }
        assert_eq!(r.status(), 303, "{url}");
        let code = callback(&r)["code"].clone();
        let (status, body) = down.exchange(&rp, &code, Some(&pkce.verifier)).await;
        assert_eq!(status, 200, "{body}");
        let claims = jwt_claims(body["id_token"].as_str().unwrap());
        assert_eq!(claims["sub"], sub.as_str());
        assert_eq!(claims["amr"], serde_json::json!(["fed", "mfa"]));
    }
}
