//! The example resource server (examples/resource-server) against a running Tessera: tokens
//! verified from the JWKS, routes protected by permission, RFC 6750 §3 errors.

use std::time::Duration;

use tessera_resource_server_example::{Verifier, app as resource_app};

use crate::common::{TestApp, spawn_app};

async fn start_resource_server(app: &TestApp) -> String {
    let verifier = Verifier::new(&app.issuer, &app.issuer, &app.url("/jwks"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, resource_app(verifier)).await });
    format!("http://{addr}")
}

async fn service_client(app: &TestApp, role: Option<&str>) -> (String, String) {
    let (id, secret) = app
        .create_client(&[
            "--name",
            "Svc",
            "--grant-type",
            "client_credentials",
            "--scope",
            "reports",
        ])
        .await;
    if let Some(role) = role {
        app.cli_json(
            &[
                "client",
                "add-role",
                "--client-id",
                &id,
                "--role",
                role,
                "--json",
            ],
            None,
        )
        .await;
    }
    (id, secret.unwrap())
}

#[tokio::test]
async fn resource_server_allows_and_refuses_by_permission() {
    let app = spawn_app().await;
    app.cli_json(
        &[
            "role",
            "create",
            "--name",
            "reader",
            "--permission",
            "reports:read",
            "--json",
        ],
        None,
    )
    .await;
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
    app.cli_json(
        &[
            "role",
            "create",
            "--name",
            "reader",
            "--permission",
            "reports:read",
            "--json",
        ],
        None,
    )
    .await;
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
    app.cli_json(
        &[
            "role",
            "create",
            "--name",
            "reader",
            "--permission",
            "reports:read",
            "--json",
        ],
        None,
    )
    .await;
    let rs = start_resource_server(&app).await;
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

    // Rotate twice so the signing key is one the resource server has never seen; wait until
    // Tessera signs with it (reload interval 1 s in tests), then past the verifier's refetch
    // throttle (10 s) so it may fetch the JWKS again on the unknown kid.
    app.cli_json(&["keys", "rotate", "--json"], None).await;
    app.cli_json(&["keys", "rotate", "--json"], None).await;
    tokio::time::sleep(Duration::from_secs(11)).await;
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
