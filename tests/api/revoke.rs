//! Token revocation (RFC 7009): cascades, foreign tokens, unknown tokens, and visibility on a
//! second instance (issue 5 §8).

use serde_json::json;

use crate::common::cluster::spawn_peer;
use crate::common::spawn_app;

#[tokio::test]
async fn revoking_a_refresh_token_revokes_its_family_and_access_tokens() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "openid api").await;
    let first = app.refresh(&id, &secret, &grant.refresh_token).await;
    let access = first.body["access_token"].as_str().unwrap();
    let rt = first.body["refresh_token"].as_str().unwrap();
    assert_eq!(app.introspect(&id, &secret, access).await["active"], true);

    let r = app
        .post_form(
            "/revoke",
            Some((&id, &secret)),
            &[("token", rt), ("token_type_hint", "refresh_token")],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_no_store();

    let a = app.refresh(&id, &secret, rt).await;
    assert_eq!((a.status, a.error()), (400, "invalid_grant"));
    assert_eq!(
        app.introspect(&id, &secret, access).await,
        json!({"active": false})
    );
    assert_eq!(
        app.introspect(&id, &secret, rt).await,
        json!({"active": false})
    );
}

#[tokio::test]
async fn revoking_an_access_token_leaves_the_others_alone() {
    // (The oauth2 crate refuses a non-https revocation URL, so this one is a plain form post.)
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let access = app.client_credentials_token(&id, &secret).await;
    let other = app.client_credentials_token(&id, &secret).await;
    let r = app
        .post_form(
            "/revoke",
            Some((&id, &secret)),
            &[("token", &access), ("token_type_hint", "access_token")],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_no_store();
    assert_eq!(
        app.introspect(&id, &secret, &access).await,
        json!({"active": false})
    );
    assert_eq!(app.introspect(&id, &secret, &other).await["active"], true);
}

#[tokio::test]
async fn unknown_tokens_get_200() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    for hint in ["access_token", "refresh_token", "something_else"] {
        let r = app
            .post_form(
                "/revoke",
                Some((&id, &secret)),
                &[("token", "not-a-token"), ("token_type_hint", hint)],
            )
            .await;
        assert_eq!(r.status, 200);
    }
    let r = app.post_form("/revoke", Some((&id, &secret)), &[]).await;
    assert_eq!((r.status, r.error()), (400, "invalid_request"));
    let r = app
        .post_form("/revoke", Some((&id, "wrong")), &[("token", "x")])
        .await;
    assert_eq!((r.status, r.error()), (401, "invalid_client"));
    assert!(
        r.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
}

#[tokio::test]
async fn a_client_cannot_revoke_another_clients_tokens() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let (thief, thief_secret) = app.refresh_client().await;
    let access = app.client_credentials_token(&id, &secret).await;
    let grant = app.grant_refresh_token(&id, "api").await;
    for token in [access.as_str(), grant.refresh_token.as_str()] {
        let r = app
            .post_form(
                "/revoke",
                Some((&thief, &thief_secret)),
                &[("token", token)],
            )
            .await;
        assert_eq!(r.status, 200);
    }
    assert_eq!(app.introspect(&id, &secret, &access).await["active"], true);
    assert_eq!(
        app.refresh(&id, &secret, &grant.refresh_token).await.status,
        200
    );
}

#[tokio::test]
async fn a_revocation_on_one_instance_is_seen_by_another_within_seconds() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let access = app.client_credentials_token(&id, &secret).await;
    let other = spawn_peer(&app, "").await;
    let introspect_on_b = || async {
        other
            .http
            .post(other.url("/introspect"))
            .basic_auth(&id, Some(&secret))
            .form(&[("token", access.as_str())])
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    assert_eq!(introspect_on_b().await["active"], true);
    let r = app
        .post_form("/revoke", Some((&id, &secret)), &[("token", &access)])
        .await;
    assert_eq!(r.status, 200);
    // B's own background task re-reads the revocation list every second: the point is that
    // it does so by itself, so the test waits for it (at most 3 s).
    let seen = crate::common::eventually(3, || async {
        (introspect_on_b().await == json!({"active": false})).then_some(())
    })
    .await;
    assert!(seen.is_some(), "instance B still sees the token active");
}

#[tokio::test]
async fn revoking_a_family_revokes_the_access_token_issued_with_its_first_token() {
    // The authorization_code grant records the first access token's jti with the family but
    // no access expiry; the cascade must still reach it.
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let access = app.client_credentials_token(&id, &secret).await;
    let jti = app.introspect(&id, &secret, &access).await["jti"]
        .as_str()
        .unwrap()
        .to_string();
    let grant = app.grant_refresh_token_issued_with(&id, "api", &jti).await;
    let r = app
        .post_form(
            "/revoke",
            Some((&id, &secret)),
            &[("token", &grant.refresh_token)],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        app.introspect(&id, &secret, &access).await,
        json!({"active": false})
    );
}
