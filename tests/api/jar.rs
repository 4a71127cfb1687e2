//! Signed request objects (JAR, RFC 9101) at `/authorize` and `/par`: verified with the
//! client's registered keys, `iss`/`aud`/`exp`/`jti` checked, and their parameters replace
//! those outside.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::Jwk;
use josekit::jws::{HS256, JwsHeader};
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::assertions::{ClientKey, assertion_params};
use crate::common::flow::{PASSWORD, Pkce, REDIRECT, USERNAME, callback, location};
use crate::common::grants::Answer;
use crate::common::spawn_app;

/// A `private_key_jwt` client with `key`'s public half registered; `extra` more flags.
async fn keyed_client(app: &TestApp, key: &ClientKey, extra: &[&str]) -> String {
    let path = app.dir.path().join(format!("{}.jwks", key.kid));
    std::fs::write(&path, ClientKey::jwks(&[key])).unwrap();
    let mut args = vec![
        "--name",
        "Signer",
        "--redirect-uri",
        REDIRECT,
        "--auth-method",
        "private_key_jwt",
        "--jwks-file",
        path.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    app.create_client(&args).await.0
}

/// The claims of a good request object for `client_id`.
fn object_claims(app: &TestApp, client_id: &str, pkce: &Pkce) -> Value {
    let now = app.now();
    json!({
        "iss": client_id,
        "aud": app.issuer,
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": uuid::Uuid::new_v4().to_string(),
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "inside",
        "nonce": "n-1",
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        "max_age": 3600,
    })
}

/// `/authorize?client_id=…&request=…` plus `extra`.
async fn authorize_signed(
    app: &TestApp,
    client_id: &str,
    object: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut q = vec![("client_id", client_id), ("request", object)];
    q.extend_from_slice(extra);
    app.http
        .get(app.url("/authorize"))
        .query(&q)
        .send()
        .await
        .expect("authorize")
}

/// `/par` with a client assertion and `request`.
async fn push_signed(app: &TestApp, key: &ClientKey, client_id: &str, object: &str) -> Answer {
    let assertion = key.assertion(client_id, &app.issuer);
    let mut form = assertion_params(&assertion);
    form.push(("client_id", client_id));
    form.push(("request", object));
    app.post_form("/par", None, &form).await
}

fn unsigned(header: Value, claims: &Value) -> String {
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

fn hs256(kid: &str, claims: &Value) -> String {
    let k = json!({"kty": "oct", "kid": kid, "k": URL_SAFE_NO_PAD.encode([7u8; 32])});
    let key = Jwk::from_map(k.as_object().unwrap().clone()).unwrap();
    let mut h = JwsHeader::new();
    h.set_key_id(kid);
    let signer = HS256.signer_from_jwk(&key).unwrap();
    josekit::jws::serialize_compact(claims.to_string().as_bytes(), &h, &signer).unwrap()
}

#[tokio::test]
async fn a_request_object_replaces_the_parameters_outside_it() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let key = ClientKey::generate("k1");
    let id = keyed_client(&app, &key, &[]).await;
    let pkce = Pkce::new();
    let object = key.sign(&object_claims(&app, &id, &pkce));
    let r = authorize_signed(
        &app,
        &id,
        &object,
        &[
            ("state", "outside"),
            ("scope", "openid admin"),
            ("prompt", "none"),
        ],
    )
    .await;
    assert_eq!(location(&r), "/login", "prompt=none outside is ignored");
    let r = app.login(USERNAME, PASSWORD).await;
    let r = if location(&r) == "/consent" {
        app.consent("allow").await
    } else {
        r
    };
    let cb = callback(&r);
    assert_eq!(cb["state"], "inside");
    assert!(cb.contains_key("code"));
}

#[tokio::test]
async fn a_request_object_can_be_pushed() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let key = ClientKey::generate("k1");
    let id = keyed_client(
        &app,
        &key,
        &["--require-signed-request-object", "--require-par"],
    )
    .await;
    let pkce = Pkce::new();
    let object = key.sign(&object_claims(&app, &id, &pkce));
    let a = push_signed(&app, &key, &id, &object).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let uri = a.body["request_uri"].as_str().unwrap();
    let r = app
        .http
        .get(app.url("/authorize"))
        .query(&[("client_id", id.as_str()), ("request_uri", uri)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login");
    let r = app.login(USERNAME, PASSWORD).await;
    let r = if location(&r) == "/consent" {
        app.consent("allow").await
    } else {
        r
    };
    assert_eq!(callback(&r)["state"], "inside");
}

#[tokio::test]
async fn bad_request_objects_are_refused_with_invalid_request_object() {
    let app = spawn_app().await;
    let key = ClientKey::generate("k1");
    let id = keyed_client(&app, &key, &[]).await;
    let stranger = ClientKey::generate("k1");
    let other_key = ClientKey::generate("k2");
    let _other = keyed_client(&app, &other_key, &[]).await;
    let pkce = Pkce::new();
    let good = object_claims(&app, &id, &pkce);
    let with = |k: &str, v: Value| {
        let mut c = good.clone();
        c[k] = v;
        c
    };
    let now = app.now();
    let cases: Vec<(&str, String)> = vec![
        (
            "alg none",
            unsigned(json!({"alg": "none", "kid": "k1"}), &good),
        ),
        ("HS256", hs256("k1", &good)),
        ("a key not registered", stranger.sign(&good)),
        ("another client's key", other_key.sign(&good)),
        ("expired", key.sign(&with("exp", json!(now - 120)))),
        ("no exp", {
            let mut c = good.clone();
            c.as_object_mut().unwrap().remove("exp");
            key.sign(&c)
        }),
        (
            "exp too far ahead",
            key.sign(&with("exp", json!(now + 7200))),
        ),
        ("not yet valid", key.sign(&with("nbf", json!(now + 600)))),
        (
            "wrong aud",
            key.sign(&with("aud", json!("https://elsewhere.example"))),
        ),
        ("wrong iss", key.sign(&with("iss", json!("someone-else")))),
        (
            "other client_id inside",
            key.sign(&with("client_id", json!("x"))),
        ),
        ("no jti", {
            let mut c = good.clone();
            c.as_object_mut().unwrap().remove("jti");
            key.sign(&c)
        }),
        (
            "request_uri inside",
            key.sign(&with(
                "request_uri",
                json!("urn:ietf:params:oauth:request_uri:x"),
            )),
        ),
    ];
    for (what, object) in &cases {
        let a = push_signed(&app, &key, &id, object).await;
        assert_eq!(
            (a.status, a.error()),
            (400, "invalid_request_object"),
            "/par, {what}: {}",
            a.body
        );
        assert!(a.body.get("request_uri").is_none());
        // At /authorize the client registered one redirect URI: the error goes back to it.
        let r = authorize_signed(&app, &id, object, &[]).await;
        let cb = callback(&r);
        assert_eq!(cb["error"], "invalid_request_object", "/authorize, {what}");
        assert!(!cb.contains_key("code"));
    }
}

#[tokio::test]
async fn a_request_object_is_single_use() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let key = ClientKey::generate("k1");
    let id = keyed_client(&app, &key, &[]).await;
    let object = key.sign(&object_claims(&app, &id, &Pkce::new()));
    let r = authorize_signed(&app, &id, &object, &[]).await;
    assert_eq!(location(&r), "/login");
    let r = authorize_signed(&app, &id, &object, &[]).await;
    assert_eq!(callback(&r)["error"], "invalid_request_object");
    let a = push_signed(&app, &key, &id, &object).await;
    assert_eq!((a.status, a.error()), (400, "invalid_request_object"));
}

#[tokio::test]
async fn a_client_that_must_sign_cannot_send_plain_requests() {
    let app = spawn_app().await;
    let key = ClientKey::generate("k1");
    let id = keyed_client(&app, &key, &["--require-signed-request-object"]).await;
    let pkce = Pkce::new();
    let plain = [
        ("client_id", id.as_str()),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let r = app
        .http
        .get(app.url("/authorize"))
        .query(&plain)
        .send()
        .await
        .unwrap();
    assert_eq!(callback(&r)["error"], "invalid_request");
    let assertion = key.assertion(&id, &app.issuer);
    let mut form = assertion_params(&assertion);
    form.extend_from_slice(&plain);
    let a = app.post_form("/par", None, &form).await;
    assert_eq!(
        (a.status, a.error()),
        (400, "invalid_request"),
        "{}",
        a.body
    );
}

#[tokio::test]
async fn request_object_signing_alg_pins_the_algorithm() {
    let app = spawn_app().await;
    let key = ClientKey::generate("k1");
    let id = keyed_client(&app, &key, &["--request-object-signing-alg", "PS256"]).await;
    let object = key.sign(&object_claims(&app, &id, &Pkce::new()));
    let a = push_signed(&app, &key, &id, &object).await;
    assert_eq!((a.status, a.error()), (400, "invalid_request_object"));
    // A client without keys cannot ask for signed request objects.
    let out = app
        .cli(
            &[
                "client",
                "create",
                "--name",
                "NoKeys",
                "--redirect-uri",
                REDIRECT,
                "--require-signed-request-object",
            ],
            None,
        )
        .await;
    assert!(!out.status.success());
}

#[tokio::test]
async fn a_request_uri_that_is_a_url_is_not_fetched() {
    let app = spawn_app().await;
    let key = ClientKey::generate("k1");
    let id = keyed_client(&app, &key, &[]).await;
    let r = app
        .http
        .get(app.url("/authorize"))
        .query(&[
            ("client_id", id.as_str()),
            ("request_uri", "https://rp.example.com/request.jwt"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(callback(&r)["error"], "request_uri_not_supported");
}
