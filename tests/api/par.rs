//! Pushed authorization requests (RFC 9126): `/par` checks the request as `/authorize` would,
//! answers a single-use, client-bound, short-lived `request_uri`, and `/authorize` uses only
//! what was pushed.

use std::time::Duration;

use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, REDIRECT, Rp, USERNAME, callback, location,
};
use crate::common::grants::Answer;
use crate::common::{Options, TestApp, http_client, spawn_app, spawn_app_with};

async fn setup(extra: &[&str]) -> (TestApp, Rp, Pkce) {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(extra).await;
    (app, rp, Pkce::new())
}

/// POSTs `req` to `/par` as `rp` (Basic, or `client_id` alone for a public client).
async fn push(app: &TestApp, rp: &Rp, req: &AuthRequest) -> Answer {
    let params: Vec<(&str, &str)> = req
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let basic = rp.secret.as_deref().map(|s| (rp.client_id.as_str(), s));
    app.post_form("/par", basic, &params).await
}

/// `/authorize` with `client_id` and `request_uri` (and `extra`), from `browser`.
async fn authorize_with(
    app: &TestApp,
    browser: &reqwest::Client,
    client_id: &str,
    request_uri: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut q = vec![("client_id", client_id), ("request_uri", request_uri)];
    q.extend_from_slice(extra);
    browser
        .get(app.url("/authorize"))
        .query(&q)
        .send()
        .await
        .expect("authorize")
}

fn request_uri(a: &Answer) -> String {
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["request_uri"].as_str().expect("request_uri").into()
}

#[tokio::test]
async fn a_pushed_request_goes_through_sign_in_and_its_code_redeems() {
    let (app, rp, pkce) = setup(&[]).await;
    let a = push(&app, &rp, &AuthRequest::new(&rp, &pkce)).await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.assert_no_store();
    assert_eq!(a.body["expires_in"], 60);
    let uri = request_uri(&a);
    let random = uri
        .strip_prefix("urn:ietf:params:oauth:request_uri:")
        .expect("RFC 9126 URN");
    assert!(random.len() >= 22, "at least 128 random bits: {uri}");
    // Parameters outside the pushed request are ignored (RFC 9126 §4).
    let r = authorize_with(
        &app,
        &app.http,
        &rp.client_id,
        &uri,
        &[
            ("state", "forged"),
            ("scope", "openid admin"),
            ("prompt", "none"),
        ],
    )
    .await;
    assert_eq!(
        location(&r),
        "/login",
        "the pushed request survives to the login page"
    );
    let r = app.login(USERNAME, PASSWORD).await;
    let r = if location(&r) == "/consent" {
        app.consent("allow").await
    } else {
        r
    };
    let cb = callback(&r);
    assert_eq!(cb["state"], "st-123");
    assert_eq!(cb["iss"], app.issuer);
    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["scope"], "email openid profile",
        "the pushed scope, not the one outside"
    );
}

#[tokio::test]
async fn a_public_client_pushes_with_its_client_id_alone() {
    let (app, rp, pkce) = setup(&["--public"]).await;
    assert!(rp.secret.is_none());
    let uri = request_uri(&push(&app, &rp, &AuthRequest::new(&rp, &pkce)).await);
    let r = authorize_with(&app, &app.http, &rp.client_id, &uri, &[]).await;
    assert_eq!(location(&r), "/login");
}

#[tokio::test]
async fn a_request_uri_is_single_use_even_when_raced() {
    let (app, rp, pkce) = setup(&[]).await;
    let uri = request_uri(&push(&app, &rp, &AuthRequest::new(&rp, &pkce)).await);
    let (b1, b2) = (http_client(), http_client());
    let (r1, r2) = tokio::join!(
        authorize_with(&app, &b1, &rp.client_id, &uri, &[]),
        authorize_with(&app, &b2, &rp.client_id, &uri, &[]),
    );
    let mut statuses = [r1.status().as_u16(), r2.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [303, 400], "exactly one use wins");
    let again = authorize_with(&app, &b1, &rp.client_id, &uri, &[]).await;
    assert_eq!(again.status(), 400);
    assert!(
        again.headers().get("location").is_none(),
        "nothing is redirected"
    );
}

#[tokio::test]
async fn an_expired_request_uri_is_refused() {
    let (app, rp, pkce) = setup(&[]).await;
    let uri = request_uri(&push(&app, &rp, &AuthRequest::new(&rp, &pkce)).await);
    app.advance(Duration::from_secs(61));
    let r = authorize_with(&app, &app.http, &rp.client_id, &uri, &[]).await;
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("expired or was already used")
    );
}

#[tokio::test]
async fn another_clients_or_an_invented_request_uri_is_refused() {
    let (app, rp, pkce) = setup(&[]).await;
    let other = app.rp(&[]).await;
    let uri = request_uri(&push(&app, &rp, &AuthRequest::new(&rp, &pkce)).await);
    let r = authorize_with(&app, &app.http, &other.client_id, &uri, &[]).await;
    assert_eq!(r.status(), 400, "bound to the client that pushed it");
    let invented = "urn:ietf:params:oauth:request_uri:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let r = authorize_with(&app, &app.http, &rp.client_id, invented, &[]).await;
    assert_eq!(r.status(), 400);
    // The other client's attempt did not use it up.
    let r = authorize_with(&app, &app.http, &rp.client_id, &uri, &[]).await;
    assert_eq!(location(&r), "/login");
}

#[tokio::test]
async fn bad_parameters_are_json_errors_at_par_and_nothing_is_pushed() {
    let (app, rp, pkce) = setup(&["--scope", "openid profile email"]).await;
    let cases: Vec<(&str, Option<&str>, &str)> = vec![
        (
            "request_uri",
            Some("urn:ietf:params:oauth:request_uri:abc"),
            "invalid_request",
        ),
        (
            "redirect_uri",
            Some("https://evil.example/cb"),
            "invalid_request",
        ),
        ("response_type", Some("token"), "unsupported_response_type"),
        ("scope", Some("openid admin"), "invalid_scope"),
        ("code_challenge", None, "invalid_request"),
        ("code_challenge_method", Some("plain"), "invalid_request"),
        ("prompt", Some("none login"), "invalid_request"),
        ("response_mode", Some("fragment"), "invalid_request"),
    ];
    for (key, value, error) in cases {
        let a = push(&app, &rp, &AuthRequest::new(&rp, &pkce).set(key, value)).await;
        assert_eq!(
            (a.status, a.error()),
            (400, error),
            "{key}={value:?}: {}",
            a.body
        );
        assert!(a.body.get("request_uri").is_none());
    }
}

#[tokio::test]
async fn par_authenticates_the_client_as_the_token_endpoint_does() {
    let (app, rp, pkce) = setup(&[]).await;
    let req = AuthRequest::new(&rp, &pkce);
    let params: Vec<(&str, &str)> = req
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let a = app
        .post_form("/par", Some((&rp.client_id, "wrong")), &params)
        .await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
    // A confidential client cannot pass itself off as public.
    let a = app.post_form("/par", None, &params).await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
    // client_secret_post is refused for a client registered for Basic.
    let secret = rp.secret.clone().unwrap();
    let mut with_post = params.clone();
    with_post.push(("client_secret", &secret));
    let a = app.post_form("/par", None, &with_post).await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
}

#[tokio::test]
async fn a_client_that_must_push_cannot_use_plain_authorize() {
    let (app, rp, pkce) = setup(&["--require-par"]).await;
    let r = app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    let cb = callback(&r);
    assert_eq!(cb["error"], "invalid_request");
    assert!(!cb.contains_key("code"));
    let uri = request_uri(&push(&app, &rp, &AuthRequest::new(&rp, &pkce)).await);
    let r = authorize_with(&app, &app.http, &rp.client_id, &uri, &[]).await;
    assert_eq!(location(&r), "/login");
    // client update turns it off again.
    let v = app
        .cli_json(
            &[
                "client",
                "update",
                "--client-id",
                &rp.client_id,
                "--no-require-par",
                "--json",
            ],
            None,
        )
        .await;
    assert_eq!(v["require_par"], false);
}

#[tokio::test]
async fn require_par_for_all_clients_is_advertised_and_enforced() {
    let app = spawn_app_with(Options::toml("[authorization]\nrequire_par = true\n")).await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&[]).await;
    let pkce = Pkce::new();
    let d = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(d["require_pushed_authorization_requests"], true);
    let cb = callback(&app.authorize(&AuthRequest::new(&rp, &pkce)).await);
    assert_eq!(cb["error"], "invalid_request");
    let uri = request_uri(&push(&app, &rp, &AuthRequest::new(&rp, &pkce)).await);
    let r = authorize_with(&app, &app.http, &rp.client_id, &uri, &[]).await;
    assert_eq!(location(&r), "/login");
    assert_eq!(rp.redirect_uri, REDIRECT);
}

#[tokio::test]
async fn a_request_pushed_to_one_instance_is_taken_at_another_once() {
    let (app, rp, pkce) = setup(&[]).await;
    let peer = crate::common::cluster::spawn_peer(&app, "").await;
    let uri = request_uri(&push(&app, &rp, &AuthRequest::new(&rp, &pkce)).await);
    let r = peer
        .http
        .get(peer.url("/authorize"))
        .query(&[("client_id", rp.client_id.as_str()), ("request_uri", &uri)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login", "the peer reads the shared database");
    let r = authorize_with(&app, &app.http, &rp.client_id, &uri, &[]).await;
    assert_eq!(r.status(), 400, "used once across instances");
}

#[tokio::test]
async fn dynamic_registration_sets_the_request_policy() {
    let app = spawn_app_with(Options::toml("[registration]\nmode = \"open\"\n")).await;
    let metadata = serde_json::json!({
        "client_name": "Pusher",
        "redirect_uris": [REDIRECT],
        "require_pushed_authorization_requests": true,
    });
    let r = reqwest::Client::new()
        .post(app.url("/register"))
        .json(&metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let c: serde_json::Value = r.json().await.unwrap();
    assert_eq!(c["require_pushed_authorization_requests"], true);
    assert_eq!(c["require_signed_request_object"], false);
    let rp = Rp {
        client_id: c["client_id"].as_str().unwrap().into(),
        secret: c["client_secret"].as_str().map(str::to_string),
        redirect_uri: REDIRECT.into(),
    };
    let cb = callback(&app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await);
    assert_eq!(cb["error"], "invalid_request");
    // Signed request objects need registered keys; an unknown algorithm is refused.
    for (key, value) in [
        ("require_signed_request_object", serde_json::json!(true)),
        ("request_object_signing_alg", serde_json::json!("HS256")),
        ("request_object_signing_alg", serde_json::json!("none")),
    ] {
        let mut m = metadata.clone();
        m[key] = value;
        let r = reqwest::Client::new()
            .post(app.url("/register"))
            .json(&m)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{key}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"], "invalid_client_metadata", "{key}");
    }
}
