//! Token introspection (RFC 7662).

use serde_json::json;

use crate::common::{Options, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_active_access_token_is_described() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let a = app
        .post_form(
            "/token",
            Some((&id, &secret)),
            &[("grant_type", "client_credentials"), ("scope", "api")],
        )
        .await;
    let token = a.body["access_token"].as_str().unwrap();
    // The client it was issued to may introspect it.
    let d = app.introspect(&id, &secret, token).await;
    assert_eq!(d["active"], true);
    assert_eq!(d["scope"], "api");
    assert_eq!(d["client_id"], id.as_str());
    assert_eq!(d["sub"], id.as_str());
    assert_eq!(d["iss"], app.issuer.as_str());
    assert_eq!(d["aud"], app.issuer.as_str());
    assert_eq!(d["token_type"], "Bearer");
    assert!(d["jti"].is_string());
    let (iat, exp) = (d["iat"].as_i64().unwrap(), d["exp"].as_i64().unwrap());
    assert!(exp > iat);
}

#[tokio::test]
async fn an_expired_access_token_is_inactive() {
    let app = spawn_app_with(Options::toml("[tokens]\naccess_token_ttl = \"1s\"\n")).await;
    let (id, secret) = app.refresh_client().await;
    let a = app
        .post_form(
            "/token",
            Some((&id, &secret)),
            &[("grant_type", "client_credentials")],
        )
        .await;
    let token = a.body["access_token"].as_str().unwrap();
    app.advance(std::time::Duration::from_secs(2));
    assert_eq!(
        app.introspect(&id, &secret, token).await,
        json!({"active": false})
    );
}

#[tokio::test]
async fn refresh_tokens_are_active_only_for_their_client_and_until_used() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let (other, other_secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "openid api").await;
    let d = app.introspect(&id, &secret, &grant.refresh_token).await;
    assert_eq!(d["active"], true);
    assert_eq!(d["client_id"], id.as_str());
    assert_eq!(d["sub"], grant.user_id.as_str());
    assert_eq!(d["scope"], "api openid");
    assert_eq!(d["token_type"], "refresh_token");
    assert!(d["exp"].as_i64().unwrap() > d["iat"].as_i64().unwrap());
    assert_eq!(
        app.introspect(&other, &other_secret, &grant.refresh_token)
            .await,
        json!({"active": false})
    );
    assert_eq!(
        app.refresh(&id, &secret, &grant.refresh_token).await.status,
        200
    );
    assert_eq!(
        app.introspect(&id, &secret, &grant.refresh_token).await,
        json!({"active": false})
    );
}

#[tokio::test]
async fn garbage_is_inactive_and_public_clients_may_not_ask() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    for t in ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."] {
        assert_eq!(
            app.introspect(&id, &secret, t).await,
            json!({"active": false})
        );
    }
    let (public, _) = app
        .create_client(&["--name", "SPA", "--public", "--grant-type", "refresh_token"])
        .await;
    let a = app
        .post_form(
            "/introspect",
            None,
            &[("token", "x"), ("client_id", &public)],
        )
        .await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
    let a = app
        .post_form("/introspect", Some((&id, &secret)), &[])
        .await;
    assert_eq!((a.status, a.error()), (400, "invalid_request"));
}

/// RFC 7662 §4: another client learns nothing about a token unless it is the token's audience
/// or holds `introspect:any`.
#[tokio::test]
async fn only_the_tokens_client_its_audience_and_introspect_any_see_it() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let token = app.client_credentials_token(&id, &secret).await;
    let (other, other_secret) = app.refresh_client().await;
    assert_eq!(
        app.introspect(&other, &other_secret, &token).await,
        json!({"active": false})
    );

    // A resource server granted `introspect:any` through a role sees it.
    let (rs, rs_secret) = app.refresh_client().await;
    app.cli_json(
        &[
            "role",
            "create",
            "--name",
            "introspector",
            "--permission",
            "introspect:any",
            "--json",
        ],
        None,
    )
    .await;
    let out = app
        .cli(
            &[
                "client",
                "add-role",
                "--client-id",
                &rs,
                "--role",
                "introspector",
            ],
            None,
        )
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The role reaches the server's client cache on its next refresh.
    app.catch_up().await;
    let seen = app.introspect(&rs, &rs_secret, &token).await;
    assert_eq!(
        seen["active"], true,
        "introspect:any sees the token: {seen}"
    );
    assert_eq!(seen["client_id"], id.as_str());
    // The other client still does not.
    assert_eq!(
        app.introspect(&other, &other_secret, &token).await["active"],
        false
    );
}

/// A resource server registered as the tokens' audience (`tokens.access_token_audience` is its
/// client_id) may introspect them.
#[tokio::test]
async fn the_tokens_audience_may_introspect_them() {
    let app = spawn_app().await;
    let (rs, rs_secret) = app.refresh_client().await;
    let (id, secret) = app.refresh_client().await;
    // An instance whose access tokens name the resource server as their audience.
    let peer = crate::common::cluster::spawn_peer(
        &app,
        &format!("[tokens]\naccess_token_audience = \"{rs}\"\n"),
    )
    .await;
    let post = |path: &str, who: (&str, &str), form: &[(&str, &str)]| {
        peer.http
            .post(peer.url(path))
            .basic_auth(who.0, Some(who.1))
            .form(form)
            .send()
    };
    let answer: serde_json::Value = post(
        "/token",
        (&id, &secret),
        &[("grant_type", "client_credentials")],
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let token = answer["access_token"].as_str().unwrap();
    let seen: serde_json::Value = post("/introspect", (&rs, &rs_secret), &[("token", token)])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seen["active"], true, "{seen}");
    assert_eq!(seen["aud"], rs.as_str());
}
