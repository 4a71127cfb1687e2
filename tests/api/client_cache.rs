//! The client cache (`[cache]`): the token endpoint serves clients from memory, and changes made
//! by the CLI (or another instance) still reach it within `cache.refresh_interval`.

use crate::common::{Options, TestApp, eventually, spawn_app, spawn_app_with};

/// The status of a client_credentials request with these credentials.
async fn token_status(app: &TestApp, id: &str, secret: &str) -> u16 {
    app.post_form(
        "/token",
        Some((id, secret)),
        &[("grant_type", "client_credentials")],
    )
    .await
    .status
}

async fn rotate(app: &TestApp, id: &str) -> String {
    let v = app
        .cli_json(
            &["client", "rotate-secret", "--client-id", id, "--json"],
            None,
        )
        .await;
    v["client_secret"].as_str().expect("new secret").to_string()
}

/// Waits until a request with these credentials is refused (401), for up to 10 s: for the test
/// that watches the background task itself (the others make the server catch up at once).
async fn refused_soon(app: &TestApp, id: &str, secret: &str) -> bool {
    eventually(10, || async move {
        (token_status(app, id, secret).await == 401).then_some(())
    })
    .await
    .is_some()
}

#[tokio::test]
async fn a_rotated_secret_works_at_once_and_the_old_one_stops_within_the_refresh_interval() {
    let app = spawn_app().await;
    let (id, old) = app.service_client(&[]).await;
    assert_eq!(token_status(&app, &id, &old).await, 200, "cached now");

    let new = rotate(&app, &id).await;
    assert_eq!(
        token_status(&app, &id, &new).await,
        200,
        "a cached client whose secret does not match is read again before refusing"
    );
    // The change counter moved: the next check empties the cache.
    app.catch_up().await;
    assert_eq!(
        token_status(&app, &id, &old).await,
        401,
        "the old secret keeps working"
    );
    assert_eq!(
        token_status(&app, &id, &old).await,
        401,
        "and stays refused"
    );
    assert_eq!(token_status(&app, &id, &new).await, 200);
}

#[tokio::test]
async fn a_deleted_client_is_refused_within_the_refresh_interval() {
    let app = spawn_app().await;
    let (id, secret) = app.service_client(&[]).await;
    assert_eq!(token_status(&app, &id, &secret).await, 200, "cached now");
    let out = app
        .cli(&["client", "delete", "--client-id", &id], None)
        .await;
    assert!(out.status.success());
    // The background task follows the change counter every second (`cache.refresh_interval`).
    assert!(
        refused_soon(&app, &id, &secret).await,
        "a deleted client kept getting tokens"
    );
    // Introspection and revocation authenticate through the same cache.
    let a = app
        .post_form("/introspect", Some((&id, &secret)), &[("token", "x")])
        .await;
    assert_eq!(a.status, 401, "{}", a.body);
}

#[tokio::test]
async fn with_the_cache_off_a_rotated_secret_is_refused_at_once() {
    let app = spawn_app_with(Options::toml("[cache]\nclient_ttl = \"0s\"\n")).await;
    let (id, old) = app.service_client(&[]).await;
    assert_eq!(token_status(&app, &id, &old).await, 200);
    let new = rotate(&app, &id).await;
    assert_eq!(token_status(&app, &id, &old).await, 401);
    assert_eq!(token_status(&app, &id, &new).await, 200);
}
