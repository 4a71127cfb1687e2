//! Hostile input (issue 6 §7): repeated parameters, oversized bodies and tokens, non-UTF-8 and
//! control characters, and forged JWTs (`alg: none`, HMAC keyed with a published RSA key,
//! path/SQL in `kid`, `jku`/`x5u`/`jwk` headers). Each gets a clear 4xx (or `active: false`),
//! nothing crashes, and nothing is fetched from a URL a token names.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use josekit::jws::ES256;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::assertions::ClientKey;
use crate::common::{TestApp, spawn_app};

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Access-token-shaped claims, valid for a minute.
fn claims(app: &TestApp) -> Value {
    let now = tessera::clock::Clock::system().now();
    json!({
        "iss": app.issuer, "sub": "someone", "aud": app.issuer, "client_id": "c",
        "scope": "openid", "iat": now, "exp": now + 60, "jti": "j-1",
    })
}

/// `header.payload.signature` with the given parts (signature already encoded).
fn compact(header: &Value, claims: &Value, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

/// A JWT truly signed by an attacker's ES256 key, with `extra` header members.
fn attacker_signed(key: &ClientKey, extra: Value, claims: &Value) -> String {
    let mut header = json!({"alg": "ES256", "typ": "at+jwt"});
    for (k, v) in extra.as_object().unwrap() {
        header[k] = v.clone();
    }
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signer = ES256.signer_from_jwk(&key.private_jwk()).unwrap();
    let sig = josekit::jws::JwsSigner::sign(&signer, input.as_bytes()).unwrap();
    format!("{input}.{}", b64(&sig))
}

/// The server's published RS256 key (as JSON) and its kid.
async fn published_rsa(app: &TestApp) -> (String, String) {
    let jwks: Value = app.get_json("/jwks").await;
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kty"] == "RSA")
        .expect("an RSA key")
        .clone();
    (key.to_string(), key["kid"].as_str().unwrap().to_string())
}

/// A local listener that records whether anything connected.
async fn tripwire() -> (String, Arc<AtomicBool>) {
    let listener = crate::common::bind_loopback().await;
    let url = format!("http://{}/keys", listener.local_addr().unwrap());
    let hit = Arc::new(AtomicBool::new(false));
    let flag = hit.clone();
    tokio::spawn(async move {
        if listener.accept().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
        }
    });
    (url, hit)
}

/// Every forged token: refused at /userinfo (401 invalid_token), inactive at /introspect.
async fn assert_refused_everywhere(app: &TestApp, client: &(String, String), tokens: &[String]) {
    for token in tokens {
        let r = app
            .http
            .get(app.url("/userinfo"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "userinfo accepted {token}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "invalid_token");
        let v = app.introspect(&client.0, &client.1, token).await;
        assert_eq!(v["active"], false, "introspection accepted {token}");
    }
}

#[tokio::test]
async fn forged_jwts_are_refused_and_nothing_named_in_them_is_fetched() {
    let app = spawn_app().await;
    let client = app.refresh_client().await;
    let c = claims(&app);
    let (rsa_json, kid) = published_rsa(&app).await;
    let (url, hit) = tripwire().await;
    let attacker = ClientKey::generate("evil");

    let mut mac = Hmac::<Sha256>::new_from_slice(rsa_json.as_bytes()).unwrap();
    let hs_header = json!({"alg": "HS256", "typ": "at+jwt", "kid": kid});
    let hs_input = compact(&hs_header, &c, "");
    mac.update(hs_input.trim_end_matches('.').as_bytes());
    let hs_token = format!("{hs_input}{}", b64(&mac.finalize().into_bytes()));

    let mut tokens = vec![
        // alg: none, with and without an empty signature.
        compact(&json!({"alg": "none", "typ": "at+jwt", "kid": kid}), &c, ""),
        compact(&json!({"alg": "none"}), &c, "e30"),
        // HMAC "signed" with the published RSA key's JSON as the secret.
        hs_token,
        // kid with a path or SQL in it.
        compact(
            &json!({"alg": "RS256", "kid": "../../../../etc/passwd"}),
            &c,
            "AAAA",
        ),
        compact(&json!({"alg": "RS256", "kid": "x' OR '1'='1"}), &c, "AAAA"),
        compact(
            &json!({"alg": "RS256", "kid": "'; DROP TABLE users; --"}),
            &c,
            "AAAA",
        ),
    ];
    // Keys named by URL or embedded: a real signature by the attacker's key, with our kid too.
    for extra in [
        json!({"jku": url}),
        json!({"x5u": url}),
        json!({"jku": url, "kid": kid}),
        json!({"jwk": attacker.public.as_ref().clone()}),
        json!({"jwk": attacker.public.as_ref().clone(), "kid": "evil"}),
    ] {
        tokens.push(attacker_signed(&attacker, extra, &c));
    }
    assert_refused_everywhere(&app, &client, &tokens).await;
    // Concurrency: a fetch started in the background would have connected by now.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !hit.load(Ordering::SeqCst),
        "a URL named in a token was fetched"
    );

    // Still serving, and the users table is still there.
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    app.create_user("still-here", "a long enough password")
        .await;
}

#[tokio::test]
async fn repeated_parameters_are_invalid_request() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let r = app
        .http
        .post(app.url("/token"))
        .basic_auth(&id, Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_request");

    let r = app
        .http
        .get(app.url(&format!(
            "/authorize?response_type=code&client_id={id}&client_id={id}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("repeated"));

    let r = app
        .http
        .get(app.url("/logout?state=a&state=b"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn oversized_bodies_and_tokens_get_a_clear_4xx() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let big = format!("grant_type=client_credentials&x={}", "a".repeat(200 * 1024));
    let r = app
        .http
        .post(app.url("/token"))
        .basic_auth(&id, Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);

    // A 1 MB bearer token: in the header, and in the body.
    let huge = "a".repeat(1024 * 1024);
    let r = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth(&huge)
        .send()
        .await
        .unwrap();
    // hyper refuses a header block this large before any handler runs.
    assert_eq!(r.status(), 431);
    let r = app
        .http
        .post(app.url("/userinfo"))
        .form(&[("access_token", huge.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    // A long-but-accepted parameter (above the per-parameter limit, under the body limit).
    let long = "a".repeat(20 * 1024);
    let a = app
        .post_form("/introspect", Some((&id, &secret)), &[("token", &long)])
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.error(), "invalid_request");
}

#[tokio::test]
async fn non_utf8_and_control_characters_are_invalid_request() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    for body in [
        "grant_type=client_credentials&scope=%FF%FE",
        "grant_type=client_credentials&scope=api%00",
        "grant_type=client_credentials&scope=a%1Bb",
    ] {
        let r = app
            .http
            .post(app.url("/token"))
            .basic_auth(&id, Some(&secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{body}");
        assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_request");
    }
    for query in ["client_id=%FF", "client_id=a%00b", "state=%07"] {
        let r = app
            .http
            .get(app.url(&format!("/authorize?response_type=code&{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{query}");
    }
    let a = app
        .post_form("/introspect", Some((&id, &secret)), &[("token", "a\u{0}b")])
        .await;
    assert_eq!(a.status, 400);
    let r = app
        .http
        .get(app.url("/logout?client_id=%FF&state=%00"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn hostile_login_form_values_are_refused_cleanly() {
    use crate::common::flow::{AuthRequest, PASSWORD, Pkce, USERNAME, csrf, hidden};
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    let html = app
        .http
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (token, request) = (csrf(&html), hidden(&html, "request"));
    // Control characters: 400 before any lookup (a NUL cannot even be stored in PostgreSQL);
    // invalid UTF-8 and long values: an ordinary failed sign-in.
    for (user, pass, status) in [
        ("alice%00", "x", 400),
        ("%1B%5B2J", "x", 400),
        ("alice", "%00", 400),
        ("alice%FF", "x%FF%FE", 401),
        (&*"a".repeat(10_000), "b", 401),
    ] {
        let body = format!("username={user}&password={pass}&csrf_token={token}&request={request}");
        let r = app
            .http
            .post(app.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{user}");
    }
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn control_characters_in_basic_credentials_are_invalid_client() {
    let app = spawn_app().await;
    for path in ["/token", "/introspect", "/revoke"] {
        let r = app
            .http
            .post(app.url(path))
            .basic_auth("a\u{0}b", Some("secret\u{0}"))
            .form(&[("grant_type", "client_credentials"), ("token", "t")])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{path}: {}", r.status());
    }
}

#[tokio::test]
async fn a_nul_in_a_client_assertions_subject_is_invalid_client() {
    use crate::common::assertions::{assertion_claims, assertion_params};
    let app = spawn_app().await;
    let key = ClientKey::generate("k1");
    let mut c = assertion_claims("a\u{0}b", &app.url("/token"));
    c["sub"] = json!("a\u{0}b");
    let assertion = key.sign(&c);
    let mut form = assertion_params(&assertion);
    form.push(("grant_type", "client_credentials"));
    let a = app.post_form("/token", None, &form).await;
    assert_eq!(a.status, 401, "{}", a.body);
    assert_eq!(a.error(), "invalid_client");
}
