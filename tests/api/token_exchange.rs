//! Token exchange (RFC 8693): a service trades a person's access token for one aimed at
//! another service, narrowed and naming itself in `act`; every refusal the issue lists.

use std::time::Duration;

use serde_json::json;

use crate::common::TestApp;
use crate::common::flow::jwt_claims;
use crate::common::grants::Answer;
use crate::common::spawn_app;

pub const EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
const INVENTORY: &str = "https://inventory.example.com";

/// A confidential service allowed to exchange tokens for `audience`.
pub async fn exchanging_service(app: &TestApp, name: &str, audience: &str) -> (String, String) {
    let (id, secret) = app
        .create_client(&[
            "--name",
            name,
            "--grant-type",
            EXCHANGE_GRANT,
            "--grant-type",
            "client_credentials",
            "--token-exchange-audience",
            audience,
        ])
        .await;
    (id, secret.expect("secret"))
}

/// A person's access token (scope `openid profile api`) and the refresh token of its family,
/// issued to a web client: (web client id, secret, access token, refresh token).
async fn persons_token(app: &TestApp) -> (String, String, String, String) {
    let (id, secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "openid profile api").await;
    let a = app.refresh(&id, &secret, &grant.refresh_token).await;
    assert_eq!(a.status, 200, "{}", a.body);
    (
        id,
        secret,
        a.body["access_token"].as_str().unwrap().to_string(),
        a.body["refresh_token"].as_str().unwrap().to_string(),
    )
}

/// `POST /token` with the token-exchange grant as `(id, secret)`; `extra` adds or overrides.
pub async fn exchange(
    app: &TestApp,
    (id, secret): (&str, &str),
    subject: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let mut form: Vec<(&str, &str)> = vec![
        ("grant_type", EXCHANGE_GRANT),
        ("subject_token", subject),
        ("subject_token_type", ACCESS_TOKEN_TYPE),
    ];
    for (k, v) in extra {
        form.retain(|(key, _)| key != k);
        form.push((k, v));
    }
    app.post_form("/token", Some((id, secret)), &form).await
}

#[tokio::test]
async fn the_exchanged_token_keeps_the_subject_names_the_audience_and_the_actor() {
    let app = spawn_app().await;
    let (_, _, access, _) = persons_token(&app).await;
    let (svc, secret) = exchanging_service(&app, "Orders", INVENTORY).await;
    let a = exchange(
        &app,
        (&svc, &secret),
        &access,
        &[("audience", INVENTORY), ("scope", "api")],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.assert_no_store();
    assert_eq!(a.body["issued_token_type"], ACCESS_TOKEN_TYPE);
    assert_eq!(a.body["token_type"], "Bearer");
    assert_eq!(a.body["scope"], "api");
    assert!(a.body.get("refresh_token").is_none(), "{}", a.body);
    let subject = jwt_claims(&access);
    let issued = jwt_claims(a.body["access_token"].as_str().unwrap());
    assert_eq!(issued["sub"], subject["sub"]);
    assert_eq!(issued["aud"], INVENTORY);
    assert_eq!(issued["client_id"], svc.as_str());
    assert_eq!(issued["act"], json!({"sub": svc}));
    assert_eq!(issued["scope"], "api");
    assert!(issued["exp"].as_i64() <= subject["exp"].as_i64());
    // `resource` (RFC 8707) names the target just as well.
    let a = exchange(&app, (&svc, &secret), &access, &[("resource", INVENTORY)]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        jwt_claims(a.body["access_token"].as_str().unwrap())["aud"],
        INVENTORY
    );
}

#[tokio::test]
async fn exchanging_an_exchanged_token_nests_the_earlier_actor() {
    let app = spawn_app().await;
    let (_, _, access, _) = persons_token(&app).await;
    let (orders, orders_secret) =
        exchanging_service(&app, "Orders", "https://billing.example.com").await;
    let (billing, billing_secret) = exchanging_service(&app, "Billing", INVENTORY).await;
    let first = exchange(
        &app,
        (&orders, &orders_secret),
        &access,
        &[("audience", "https://billing.example.com")],
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let second = exchange(
        &app,
        (&billing, &billing_secret),
        first.body["access_token"].as_str().unwrap(),
        &[("audience", INVENTORY)],
    )
    .await;
    assert_eq!(second.status, 200, "{}", second.body);
    let claims = jwt_claims(second.body["access_token"].as_str().unwrap());
    assert_eq!(
        claims["act"],
        json!({"sub": billing, "act": {"sub": orders}})
    );
    assert_eq!(claims["sub"], jwt_claims(&access)["sub"]);
}

#[tokio::test]
async fn an_audience_the_client_is_not_allowed_is_invalid_target() {
    let app = spawn_app().await;
    let (_, _, access, _) = persons_token(&app).await;
    let (svc, secret) = exchanging_service(&app, "Orders", INVENTORY).await;
    for extra in [
        vec![("audience", "https://payroll.example.com")],
        vec![("resource", "https://payroll.example.com")],
        vec![
            ("audience", INVENTORY),
            ("resource", "https://payroll.example.com"),
        ],
    ] {
        let a = exchange(&app, (&svc, &secret), &access, &extra).await;
        assert_eq!((a.status, a.error()), (400, "invalid_target"), "{extra:?}");
    }
    let a = exchange(&app, (&svc, &secret), &access, &[]).await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
}

#[tokio::test]
async fn a_scope_wider_than_the_subjects_is_invalid_scope() {
    let app = spawn_app().await;
    let (_, _, access, _) = persons_token(&app).await;
    let (svc, secret) = exchanging_service(&app, "Orders", INVENTORY).await;
    let a = exchange(
        &app,
        (&svc, &secret),
        &access,
        &[("audience", INVENTORY), ("scope", "api email")],
    )
    .await;
    assert_eq!((a.status, a.error()), (400, "invalid_scope"));
}

#[tokio::test]
async fn revoked_expired_and_id_tokens_are_refused_as_subject_tokens() {
    let app = spawn_app().await;
    let (web, web_secret, access, _) = persons_token(&app).await;
    let (svc, secret) = exchanging_service(&app, "Orders", INVENTORY).await;
    let target = [("audience", INVENTORY)];
    // Not a token at all, and an ID token (declared as an access token or as what it is).
    let a = exchange(&app, (&svc, &secret), "not-a-token", &target).await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
    let id_token = a_persons_id_token(&app).await;
    let a = exchange(&app, (&svc, &secret), &id_token, &target).await;
    assert_eq!(
        (a.status, a.error()),
        (400, "invalid_request"),
        "{}",
        a.body
    );
    let a = exchange(
        &app,
        (&svc, &secret),
        &id_token,
        &[
            ("audience", INVENTORY),
            (
                "subject_token_type",
                "urn:ietf:params:oauth:token-type:id_token",
            ),
        ],
    )
    .await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
    // Revoked.
    let r = app
        .post_form("/revoke", Some((&web, &web_secret)), &[("token", &access)])
        .await;
    assert_eq!(r.status, 200);
    let a = exchange(&app, (&svc, &secret), &access, &target).await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
    // Expired.
    let (_, _, fresh, _) = persons_token(&app).await;
    app.advance(Duration::from_secs(3600 * 2));
    let a = exchange(&app, (&svc, &secret), &fresh, &target).await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
}

/// An ID token from the code flow.
async fn a_persons_id_token(app: &TestApp) -> String {
    use crate::common::flow::{AuthRequest, PASSWORD, Pkce, USERNAME};
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let pkce = Pkce::new();
    let code = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await["code"].clone();
    let (status, body) = app.exchange(&rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    body["id_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn revoking_the_subjects_refresh_family_revokes_exchanged_tokens() {
    let app = spawn_app().await;
    let (web, web_secret, access, refresh) = persons_token(&app).await;
    let (svc, secret) = exchanging_service(&app, "Orders", INVENTORY).await;
    let a = exchange(&app, (&svc, &secret), &access, &[("audience", INVENTORY)]).await;
    let exchanged = a.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        app.introspect(&svc, &secret, &exchanged).await["active"],
        true
    );
    let r = app
        .post_form(
            "/revoke",
            Some((&web, &web_secret)),
            &[("token", &refresh), ("token_type_hint", "refresh_token")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        app.introspect(&svc, &secret, &exchanged).await,
        json!({"active": false})
    );
    let again = exchange(
        &app,
        (&svc, &secret),
        &exchanged,
        &[("audience", INVENTORY)],
    )
    .await;
    assert_eq!(again.error(), "invalid_request");
}

#[tokio::test]
async fn public_and_unregistered_clients_cannot_exchange() {
    let app = spawn_app().await;
    let (_, _, access, _) = persons_token(&app).await;
    let (public, _) = app
        .create_client(&["--name", "TV", "--public", "--grant-type", "refresh_token"])
        .await;
    let a = app
        .post_form(
            "/token",
            None,
            &[
                ("grant_type", EXCHANGE_GRANT),
                ("client_id", &public),
                ("subject_token", &access),
                ("subject_token_type", ACCESS_TOKEN_TYPE),
                ("audience", INVENTORY),
            ],
        )
        .await;
    assert_eq!((a.status, a.error()), (400, "unauthorized_client"));
    let (plain, plain_secret) = app.service_client(&[]).await;
    let a = exchange(
        &app,
        (&plain, &plain_secret),
        &access,
        &[("audience", INVENTORY)],
    )
    .await;
    assert_eq!((a.status, a.error()), (400, "unauthorized_client"));
    // The CLI refuses to register a public client for the grant at all.
    let out = app
        .cli(
            &[
                "client",
                "create",
                "--name",
                "TV",
                "--public",
                "--grant-type",
                EXCHANGE_GRANT,
            ],
            None,
        )
        .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("confidential"));
}

#[tokio::test]
async fn only_an_access_token_is_issued_and_the_actor_token_is_the_clients_own() {
    let app = spawn_app().await;
    let (_, _, access, _) = persons_token(&app).await;
    let (svc, secret) = exchanging_service(&app, "Orders", INVENTORY).await;
    let target = ("audience", INVENTORY);
    let a = exchange(
        &app,
        (&svc, &secret),
        &access,
        &[
            target,
            (
                "requested_token_type",
                "urn:ietf:params:oauth:token-type:refresh_token",
            ),
        ],
    )
    .await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
    let own = app.client_credentials_token(&svc, &secret).await;
    let a = exchange(
        &app,
        (&svc, &secret),
        &access,
        &[
            target,
            ("actor_token", &own),
            ("actor_token_type", ACCESS_TOKEN_TYPE),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let (other, other_secret) = app.service_client(&[]).await;
    let foreign = app.client_credentials_token(&other, &other_secret).await;
    let a = exchange(
        &app,
        (&svc, &secret),
        &access,
        &[
            target,
            ("actor_token", &foreign),
            ("actor_token_type", ACCESS_TOKEN_TYPE),
        ],
    )
    .await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
    let a = exchange(
        &app,
        (&svc, &secret),
        &access,
        &[target, ("actor_token", &own)],
    )
    .await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
}

#[tokio::test]
async fn audiences_are_set_with_client_create_and_update() {
    let app = spawn_app().await;
    let (svc, _) = exchanging_service(&app, "Orders", INVENTORY).await;
    let v = app
        .cli_json(
            &[
                "client",
                "update",
                "--client-id",
                &svc,
                "--token-exchange-audience",
                "https://a.example.com",
                "--token-exchange-audience",
                "https://b.example.com",
                "--json",
            ],
            None,
        )
        .await;
    assert_eq!(
        v["token_exchange_audiences"],
        json!(["https://a.example.com", "https://b.example.com"])
    );
    let v = app
        .cli_json(
            &[
                "client",
                "update",
                "--client-id",
                &svc,
                "--no-token-exchange-audiences",
                "--json",
            ],
            None,
        )
        .await;
    assert_eq!(v["token_exchange_audiences"], json!([]));
    // A client without the grant is refused audiences.
    let (web, _) = app.refresh_client().await;
    let out = app
        .cli(
            &[
                "client",
                "update",
                "--client-id",
                &web,
                "--token-exchange-audience",
                INVENTORY,
            ],
            None,
        )
        .await;
    assert!(!out.status.success());
}
