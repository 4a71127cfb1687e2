//! Client authentication at the token endpoint (RFC 6749 §2.3, RFC 7523, OIDC Core §9).

use serde_json::json;

use crate::common::assertions::{ClientKey, assertion_claims, assertion_params};
use crate::common::{TestApp, spawn_app};

/// Registers a private_key_jwt client (client_credentials) with `jwks` as a file.
async fn jwt_client(app: &TestApp, jwks: &str) -> String {
    let path = app
        .dir
        .path()
        .join(format!("{}.jwks.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, jwks).unwrap();
    let (id, secret) = app
        .create_client(&[
            "--name",
            "Signer",
            "--auth-method",
            "private_key_jwt",
            "--jwks-file",
            path.to_str().unwrap(),
            "--grant-type",
            "client_credentials",
        ])
        .await;
    assert!(secret.is_none());
    id
}

async fn cc_with_assertion(
    app: &TestApp,
    assertion: &str,
    client_id: Option<&str>,
) -> crate::common::grants::Answer {
    let mut params = assertion_params(assertion);
    params.push(("grant_type", "client_credentials"));
    if let Some(id) = client_id {
        params.push(("client_id", id));
    }
    app.post_form("/token", None, &params).await
}

#[tokio::test]
async fn private_key_jwt_authenticates_once_per_assertion() {
    let app = spawn_app().await;
    let key = ClientKey::generate("k1");
    let id = jwt_client(&app, &ClientKey::jwks(&[&key])).await;
    let assertion = key.assertion(&id, &app.url("/token"));
    let a = cc_with_assertion(&app, &assertion, Some(&id)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.assert_no_store();
    // RFC 7523 §3 item 7: the jti is remembered, a replay is refused.
    let a = cc_with_assertion(&app, &assertion, Some(&id)).await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
    assert!(a.headers.get("www-authenticate").is_none());
    // OIDC Core §9: client_id may be left out; the issuer as audience is fine too.
    let a = cc_with_assertion(&app, &key.assertion(&id, &app.issuer), None).await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[tokio::test]
async fn bad_assertions_are_invalid_client() {
    let app = spawn_app().await;
    let key = ClientKey::generate("k1");
    let id = jwt_client(&app, &ClientKey::jwks(&[&key])).await;
    let aud = app.url("/token");
    let now = tessera::clock::Clock::system().now();
    let wrong_key = ClientKey::generate("k1").assertion(&id, &aud);
    let tamper = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut c = assertion_claims(&id, &aud);
        f(&mut c);
        key.sign(&c)
    };
    let cases = [
        ("signed by another key", wrong_key),
        (
            "wrong audience",
            tamper(&|c| c["aud"] = json!("https://elsewhere.example")),
        ),
        (
            "iss differs from sub",
            tamper(&|c| c["iss"] = json!("someone-else")),
        ),
        ("expired", tamper(&|c| c["exp"] = json!(now - 5))),
        (
            "exp too far ahead",
            tamper(&|c| c["exp"] = json!(now + 3600)),
        ),
        (
            "no exp",
            tamper(&|c| {
                c.as_object_mut().unwrap().remove("exp");
            }),
        ),
        (
            "no jti",
            tamper(&|c| {
                c.as_object_mut().unwrap().remove("jti");
            }),
        ),
        ("unsigned", {
            use base64::Engine;
            let e = |v: serde_json::Value| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
            };
            format!(
                "{}.{}.",
                e(json!({"alg": "none", "kid": "k1"})),
                e(assertion_claims(&id, &aud))
            )
        }),
    ];
    for (what, assertion) in cases {
        let a = cc_with_assertion(&app, &assertion, Some(&id)).await;
        assert_eq!((a.status, a.error()), (401, "invalid_client"), "{what}");
    }
    let a = app
        .post_form(
            "/token",
            None,
            &[
                ("grant_type", "client_credentials"),
                ("client_assertion", &key.assertion(&id, &aud)),
            ],
        )
        .await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
}

#[tokio::test]
async fn keys_come_from_the_jwks_uri_and_a_new_kid_is_fetched() {
    use axum::routing::get;
    use std::sync::{Arc, Mutex};
    let app = spawn_app().await;
    let old = ClientKey::generate("old");
    let served = Arc::new(Mutex::new(ClientKey::jwks(&[&old])));
    let s = served.clone();
    let router = axum::Router::new().route(
        "/jwks",
        get(move || {
            let s = s.clone();
            async move { s.lock().unwrap().clone() }
        }),
    );
    let jwks_uri = format!("{}/jwks", crate::common::serve(router).await);
    let (id, _) = app
        .create_client(&[
            "--name",
            "Remote",
            "--auth-method",
            "private_key_jwt",
            "--jwks-uri",
            &jwks_uri,
            "--grant-type",
            "client_credentials",
        ])
        .await;
    let aud = app.url("/token");
    let a = cc_with_assertion(&app, &old.assertion(&id, &aud), Some(&id)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    // The client rotates its key; an unknown kid makes Tessera fetch the set again.
    let new = ClientKey::generate("new");
    *served.lock().unwrap() = ClientKey::jwks(&[&new]);
    // Past the 2 s that must separate two fetches of one set.
    app.advance(std::time::Duration::from_secs(2));
    let a = cc_with_assertion(&app, &new.assertion(&id, &aud), Some(&id)).await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[tokio::test]
async fn basic_credentials_are_form_urlencoded_before_base64() {
    let app = spawn_app().await;
    let (id, secret) = app.service_client(&[]).await;
    // RFC 6749 §2.3.1: each of id and secret is form-urlencoded; a server must decode them.
    let encode_all = |s: &str| s.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
    let a = app
        .post_form(
            "/token",
            Some((&encode_all(&id), &encode_all(&secret))),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[tokio::test]
async fn a_client_may_use_only_its_registered_method() {
    let app = spawn_app().await;
    let (basic_id, basic_secret) = app
        .create_client(&["--name", "Basic", "--grant-type", "client_credentials"])
        .await;
    let basic_secret = basic_secret.unwrap();
    let (post_id, post_secret) = app
        .create_client(&[
            "--name",
            "Post",
            "--auth-method",
            "client_secret_post",
            "--grant-type",
            "client_credentials",
        ])
        .await;
    let post_secret = post_secret.unwrap();
    let cc = ("grant_type", "client_credentials");

    // Each with its own method works.
    let a = app
        .post_form("/token", Some((&basic_id, &basic_secret)), &[cc])
        .await;
    assert_eq!(a.status, 200);
    let a = app
        .post_form(
            "/token",
            None,
            &[cc, ("client_id", &post_id), ("client_secret", &post_secret)],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);

    // The other method, with the right secret, is refused.
    let a = app
        .post_form(
            "/token",
            None,
            &[
                cc,
                ("client_id", &basic_id),
                ("client_secret", &basic_secret),
            ],
        )
        .await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
    assert!(a.headers.get("www-authenticate").is_none());
    let a = app
        .post_form("/token", Some((&post_id, &post_secret)), &[cc])
        .await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
    assert!(
        a.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    // No credentials at all for a confidential client (method `none`).
    let a = app
        .post_form("/token", None, &[cc, ("client_id", &basic_id)])
        .await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
    // An assertion for a secret-based client.
    let key = ClientKey::generate("k1");
    let assertion = key.assertion(&basic_id, &app.url("/token"));
    let mut params = assertion_params(&assertion);
    params.push(cc);
    params.push(("client_id", &basic_id));
    let a = app.post_form("/token", None, &params).await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
    // Two methods in one request (RFC 6749 §2.3).
    let a = app
        .post_form(
            "/token",
            Some((&basic_id, &basic_secret)),
            &[cc, ("client_secret", &basic_secret)],
        )
        .await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
    // Unknown client.
    let a = app.post_form("/token", Some(("nobody", "x")), &[cc]).await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
}

#[tokio::test]
async fn a_public_client_authenticates_with_none_but_cannot_claim_confidentiality() {
    let app = spawn_app().await;
    let (id, _) = app
        .create_client(&["--name", "SPA", "--public", "--grant-type", "refresh_token"])
        .await;
    // A public client may not use client_credentials (RFC 6749 §4.4).
    let a = app
        .post_form(
            "/token",
            None,
            &[("grant_type", "client_credentials"), ("client_id", &id)],
        )
        .await;
    assert_eq!((a.status, a.error()), (400, "unauthorized_client"));
    // A secret for a client registered with `none` is another method: refused.
    let a = app
        .post_form(
            "/token",
            None,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_id", &id),
                ("client_secret", "guess"),
            ],
        )
        .await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
}
