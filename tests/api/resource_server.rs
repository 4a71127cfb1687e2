//! The example resource server (examples/resource-server) against a running Tessera: tokens
//! verified from the JWKS, routes protected by permission, RFC 6750 §3 errors.

use std::time::Duration;

use tessera_resource_server_example::{Verifier, app as resource_app};

use crate::common::{TestApp, spawn_app};

/// The example resource server in front of `app`; returns its base URL.
async fn start_resource_server(app: &TestApp) -> String {
    serve_resource_server(verifier(app)).await
}

/// A verifier of `app`'s tokens, as the example resource server makes it.
fn verifier(app: &TestApp) -> Verifier {
    Verifier::new(&app.issuer, &app.issuer, &app.url("/jwks"))
}

/// The example resource server checking tokens with `verifier`; returns its base URL.
async fn serve_resource_server(verifier: Verifier) -> String {
    crate::common::serve(resource_app(verifier)).await
}

/// A client allowed the `reports` scope, holding `role` if given.
async fn service_client(app: &TestApp, role: Option<&str>) -> (String, String) {
    let (id, secret) = app.service_client(&["--scope", "reports"]).await;
    if let Some(role) = role {
        app.add_client_role(&id, role).await;
    }
    (id, secret)
}

#[tokio::test]
async fn resource_server_allows_and_refuses_by_permission() {
    let app = spawn_app().await;
    app.create_role("reader", &["reports:read"]).await;
    let rs = start_resource_server(&app).await;
    let http = reqwest::Client::new();

    let (id, secret) = service_client(&app, Some("reader")).await;
    let token = app.client_credentials_token(&id, &secret).await;
    let r = http
        .get(format!("{rs}/reports"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = http
        .post(format!("{rs}/reports"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "reader cannot write");
    let challenge = r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );

    let (id, secret) = service_client(&app, None).await;
    let token = app.client_credentials_token(&id, &secret).await;
    let r = http
        .get(format!("{rs}/reports"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "no role, no permission");
    let r = http
        .get(format!("{rs}/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "a valid token is enough for /me");
}

#[tokio::test]
async fn resource_server_refuses_missing_tampered_and_foreign_tokens() {
    let app = spawn_app().await;
    app.create_role("reader", &["reports:read"]).await;
    let rs = start_resource_server(&app).await;
    let http = reqwest::Client::new();

    let r = http.get(format!("{rs}/reports")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"example\"");

    let (id, secret) = service_client(&app, Some("reader")).await;
    let token = app.client_credentials_token(&id, &secret).await;
    // Flip a character of the signature.
    let mut tampered = token.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for bad in [tampered.as_str(), "not-a-jwt", "a.b.c"] {
        let r = http
            .get(format!("{rs}/reports"))
            .bearer_auth(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{bad}");
        assert!(
            r.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .contains("error=\"invalid_token\"")
        );
    }

    // A resource server expecting another audience refuses Tessera's default-audience token.
    let verifier = Verifier::new(&app.issuer, "https://other.example.com", &app.url("/jwks"));
    assert!(verifier.verify(&token).await.is_err());
    // …and one trusting another issuer too.
    let verifier = Verifier::new(
        "https://elsewhere.example.com",
        &app.issuer,
        &app.url("/jwks"),
    );
    assert!(verifier.verify(&token).await.is_err());
}

#[tokio::test]
async fn resource_server_learns_a_rotated_key_from_the_jwks() {
    let app = spawn_app().await;
    app.create_role("reader", &["reports:read"]).await;
    // A resource server that may fetch the JWKS again at once (its own clock is not the
    // server's, and waiting out its 10 s throttle proves nothing here).
    let rs = serve_resource_server(verifier(&app).with_refetch_after(Duration::ZERO)).await;
    let http = reqwest::Client::new();
    let (id, secret) = service_client(&app, Some("reader")).await;

    let before = app.client_credentials_token(&id, &secret).await;
    assert_eq!(
        http.get(format!("{rs}/reports"))
            .bearer_auth(&before)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // Rotate twice so the signing key is one the resource server has never seen, and let
    // Tessera reload its keys and sign with it; the unknown kid makes the verifier fetch the
    // JWKS again.
    app.cli_json(&["keys", "rotate", "--json"], None).await;
    app.cli_json(&["keys", "rotate", "--json"], None).await;
    app.catch_up().await;
    let after = app.client_credentials_token(&id, &secret).await;
    let kid = |t: &str| jsonwebtoken_kid(t);
    assert_ne!(kid(&before), kid(&after), "a new key signs after rotation");
    assert_eq!(
        http.get(format!("{rs}/reports"))
            .bearer_auth(&after)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        http.get(format!("{rs}/reports"))
            .bearer_auth(&before)
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "the retired key is still published"
    );
}

fn jsonwebtoken_kid(token: &str) -> String {
    use base64::Engine;
    let header = token.split('.').next().unwrap();
    let v: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .unwrap(),
    )
    .unwrap();
    v["kid"].as_str().unwrap().to_string()
}

/// The two-hop chain of the example: the orders gateway receives a person's token, exchanges it
/// (RFC 8693) for one meant for the reports service, and calls it; the reports service sees the
/// person as `sub` and the gateway in `act`. The person's own token is not accepted there.
#[tokio::test]
async fn the_gateway_exchanges_the_persons_token_and_the_service_sees_act() {
    use serde_json::json;
    use tessera_resource_server_example::{Gateway, gateway_app};

    const REPORTS: &str = "https://reports.example.com";
    let app = spawn_app().await;
    let reports =
        serve_resource_server(Verifier::new(&app.issuer, REPORTS, &app.url("/jwks"))).await;
    let (gateway_id, gateway_secret) = app
        .create_client(&[
            "--name",
            "Orders gateway",
            "--grant-type",
            "urn:ietf:params:oauth:grant-type:token-exchange",
            "--token-exchange-audience",
            REPORTS,
        ])
        .await;
    let gateway = crate::common::serve(gateway_app(Gateway {
        verifier: verifier(&app),
        token_endpoint: app.url("/token"),
        client_id: gateway_id.clone(),
        client_secret: gateway_secret.expect("secret"),
        downstream_audience: REPORTS.into(),
        downstream_url: reports.clone(),
        http: reqwest::Client::new(),
    }))
    .await;
    // A person's access token, as a web client holds it.
    let (web, web_secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&web, "openid profile").await;
    let a = app.refresh(&web, &web_secret, &grant.refresh_token).await;
    let persons = a.body["access_token"].as_str().unwrap().to_string();

    let http = reqwest::Client::new();
    let r = http
        .get(format!("{gateway}/orders/summary"))
        .bearer_auth(&persons)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["sub"], grant.user_id.as_str());
    assert_eq!(body["downstream"]["sub"], grant.user_id.as_str());
    assert_eq!(body["downstream"]["client_id"], gateway_id.as_str());
    assert_eq!(body["downstream"]["act"], json!({"sub": gateway_id}));

    // The person's token itself is not for the reports service.
    let r = http
        .get(format!("{reports}/me"))
        .bearer_auth(&persons)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Without a token, the gateway refuses before calling anyone.
    let r = http
        .get(format!("{gateway}/orders/summary"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
