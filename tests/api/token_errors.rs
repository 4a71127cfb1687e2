//! Every RFC 6749 §5.2 error code the token endpoint answers, with its status and headers.

use crate::common::spawn_app;

#[tokio::test]
async fn token_endpoint_errors_are_rfc6749_section_5_2() {
    let app = spawn_app().await;
    let (id, secret) = app
        .create_client(&[
            "--name",
            "Svc",
            "--grant-type",
            "client_credentials",
            "--scope",
            "api",
        ])
        .await;
    let secret = secret.unwrap();
    let creds = Some((id.as_str(), secret.as_str()));

    let a = app
        .post_form("/token", creds, &[("grant_type", "password")])
        .await;
    assert_eq!((a.status, a.error()), (400, "unsupported_grant_type"));
    a.assert_no_store();
    let a = app.post_form("/token", creds, &[]).await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
    let a = app
        .post_form(
            "/token",
            creds,
            &[("grant_type", "client_credentials"), ("scope", "admin")],
        )
        .await;
    assert_eq!((a.status, a.error()), (400, "invalid_scope"));
    let a = app
        .post_form(
            "/token",
            creds,
            &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        )
        .await;
    assert_eq!((a.status, a.error()), (400, "unauthorized_client"));
    let a = app
        .post_form(
            "/token",
            Some((id.as_str(), "wrong")),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));

    // A repeated parameter (RFC 6749 §3.1) and a body that is not a form.
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
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"],
        "invalid_request"
    );
    let r = app
        .http
        .post(app.url("/token"))
        .basic_auth(&id, Some(&secret))
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"],
        "invalid_request"
    );
}
