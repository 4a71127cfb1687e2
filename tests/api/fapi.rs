//! The FAPI 2.0 Security Profile (`--profile fapi2`, `[authorization] profile = "fapi2"`): PAR,
//! PKCE S256, confidential clients with `private_key_jwt` only, PS256/ES256/EdDSA ID tokens, codes of
//! at most 60 s, sender-constrained (DPoP) tokens.

use std::time::Duration;

use crate::common::assertions::{ClientKey, assertion_claims, assertion_params};
use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, REDIRECT, Rp, USERNAME, callback, location,
};
use crate::common::{Options, TestApp, spawn_app_with};
use crate::dpop::{DpopKey, spec};

/// A FAPI 2.0 client: private_key_jwt with `key`, ES256 ID tokens.
async fn fapi_client(app: &TestApp, key: &ClientKey) -> String {
    let path = app.dir.path().join("fapi.jwks");
    std::fs::write(&path, ClientKey::jwks(&[key])).unwrap();
    app.create_client(&[
        "--name",
        "Bank",
        "--redirect-uri",
        REDIRECT,
        "--auth-method",
        "private_key_jwt",
        "--jwks-file",
        path.to_str().unwrap(),
        "--id-token-signed-response-alg",
        "ES256",
        "--profile",
        "fapi2",
    ])
    .await
    .0
}

fn request(client_id: &str, pkce: &Pkce) -> AuthRequest {
    let rp = Rp {
        client_id: client_id.into(),
        secret: None,
        redirect_uri: REDIRECT.into(),
    };
    AuthRequest::new(&rp, pkce)
}

/// `/par` with a client assertion.
async fn push(app: &TestApp, key: &ClientKey, req: &AuthRequest) -> crate::common::grants::Answer {
    push_with(app, key, req, None).await
}

/// `/par` with a client assertion and, when given, a `DPoP` proof.
async fn push_with(
    app: &TestApp,
    key: &ClientKey,
    req: &AuthRequest,
    proof: Option<&str>,
) -> crate::common::grants::Answer {
    let client_id = req
        .params
        .iter()
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| v.clone())
        .unwrap();
    let assertion = key.assertion(&client_id, &app.issuer);
    let mut form = assertion_params(&assertion);
    for (k, v) in &req.params {
        form.push((k.as_str(), v.as_str()));
    }
    match proof {
        None => app.post_form("/par", None, &form).await,
        Some(p) => {
            let r = app
                .http
                .post(app.url("/par"))
                .header("DPoP", p)
                .form(&form)
                .send()
                .await
                .unwrap();
            crate::common::grants::Answer::read(r).await
        }
    }
}

/// `POST /token` redeeming `code` with a client assertion on the server's (turned) clock and,
/// when given, a `DPoP` proof.
async fn redeem(
    app: &TestApp,
    key: &ClientKey,
    client_id: &str,
    code: &str,
    pkce: &Pkce,
    proof: Option<&str>,
) -> crate::common::grants::Answer {
    let mut claims = assertion_claims(client_id, &app.issuer);
    claims["iat"] = app.now().into();
    claims["exp"] = (app.now() + 60).into();
    let assertion = key.sign(&claims);
    let mut form = assertion_params(&assertion);
    form.extend_from_slice(&[
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", pkce.verifier.as_str()),
    ]);
    let mut req = app.http.post(app.url("/token")).form(&form);
    if let Some(p) = proof {
        req = req.header("DPoP", p);
    }
    crate::common::grants::Answer::read(req.send().await.unwrap()).await
}

#[tokio::test]
async fn a_fapi2_client_must_push_use_pkce_and_its_codes_live_at_most_60_seconds() {
    // Codes would otherwise live two minutes.
    let app = spawn_app_with(Options::toml("[tokens]\ncode_ttl = \"120s\"\n")).await;
    app.create_user(USERNAME, PASSWORD).await;
    let key = ClientKey::generate("bank");
    let id = fapi_client(&app, &key).await;
    let pkce = Pkce::new();
    // No plain authorization requests.
    let cb = callback(&app.authorize(&request(&id, &pkce)).await);
    assert_eq!(cb["error"], "invalid_request");
    // PKCE S256 even for a confidential client.
    let a = push(&app, &key, &request(&id, &pkce).set("code_challenge", None)).await;
    assert_eq!(
        (a.status, a.error()),
        (400, "invalid_request"),
        "{}",
        a.body
    );
    // A proof at /par binds the code to its key (RFC 9449 §10.1); `dpop_jkt` naming another
    // key is refused.
    let dpop = DpopKey::generate();
    let other = DpopKey::generate();
    let req = request(&id, &pkce).set("dpop_jkt", Some(&other.jkt()));
    let par_proof = dpop.proof_for(&spec(&app, "POST", "/par"));
    let a = push_with(&app, &key, &req, Some(&par_proof)).await;
    assert_eq!(
        (a.status, a.error()),
        (400, "invalid_request"),
        "{}",
        a.body
    );
    let par_proof = dpop.proof_for(&spec(&app, "POST", "/par"));
    let a = push_with(&app, &key, &request(&id, &pkce), Some(&par_proof)).await;
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
    let cb = callback(&r);
    assert_eq!(cb["iss"], app.issuer, "iss in the authorization response");
    // Sender-constrained tokens: no proof, no token (and the code is not spent).
    let t = redeem(&app, &key, &id, &cb["code"], &pkce, None).await;
    assert_eq!(
        (t.status, t.error()),
        (400, "invalid_dpop_proof"),
        "{}",
        t.body
    );
    // A proof by another key than the one the code is bound to.
    let proof = other.proof_for(&spec(&app, "POST", "/token"));
    let t = redeem(&app, &key, &id, &cb["code"], &pkce, Some(&proof)).await;
    assert_eq!((t.status, t.error()), (400, "invalid_grant"), "{}", t.body);
    app.advance(Duration::from_secs(61));
    let proof = dpop.proof_for(&spec(&app, "POST", "/token"));
    let t = redeem(&app, &key, &id, &cb["code"], &pkce, Some(&proof)).await;
    assert_eq!(
        (t.status, t.error()),
        (400, "invalid_grant"),
        "a 61-second-old code: {}",
        t.body
    );
}

#[tokio::test]
async fn fapi2_registration_needs_private_key_jwt_and_a_fapi_id_token_algorithm() {
    let app = spawn_app_with(Options::default()).await;
    for flags in [
        vec![
            "--profile",
            "fapi2",
            "--id-token-signed-response-alg",
            "ES256",
        ],
        vec![
            "--profile",
            "fapi2",
            "--public",
            "--id-token-signed-response-alg",
            "ES256",
        ],
    ] {
        let mut args = vec![
            "client",
            "create",
            "--name",
            "X",
            "--redirect-uri",
            REDIRECT,
        ];
        args.extend_from_slice(&flags);
        let out = app.cli(&args, None).await;
        assert!(!out.status.success(), "{flags:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("fapi2"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test]
async fn the_global_fapi2_profile_refuses_clients_with_a_secret() {
    let app = spawn_app_with(Options::toml(
        "id_token_alg = \"ES256\"\naccess_token_alg = \"ES256\"\n[authorization]\nprofile = \"fapi2\"\n",
    ))
    .await;
    let rp = app.rp(&[]).await;
    let pkce = Pkce::new();
    let params: Vec<(String, String)> = AuthRequest::new(&rp, &pkce).params;
    let form: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let secret = rp.secret.clone().unwrap();
    let a = app
        .post_form("/par", Some((&rp.client_id, &secret)), &form)
        .await;
    assert_eq!(
        (a.status, a.error()),
        (400, "unauthorized_client"),
        "{}",
        a.body
    );
    let key = ClientKey::generate("bank");
    let id = fapi_client(&app, &key).await;
    let a = push(&app, &key, &request(&id, &pkce)).await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(
        app.get_json("/.well-known/openid-configuration").await["require_pushed_authorization_requests"],
        true
    );
}
