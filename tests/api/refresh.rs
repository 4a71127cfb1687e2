//! The refresh_token grant: rotation, reuse detection, scope narrowing, lifetimes
//! (RFC 6749 §6, RFC 9700 §4.14.2).

use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{ClientId, ClientSecret, RefreshToken, RequestTokenError, TokenResponse, TokenUrl};

use crate::common::spawn_app;

fn oauth_http() -> oauth2::reqwest::Client {
    oauth2::reqwest::ClientBuilder::new()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_revokes_the_family() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let grant = app
        .grant_refresh_token(&id, "openid offline_access api")
        .await;
    let client = BasicClient::new(ClientId::new(id.clone()))
        .set_client_secret(ClientSecret::new(secret.clone()))
        .set_token_uri(TokenUrl::new(app.url("/token")).unwrap());
    let http = oauth_http();

    let first = client
        .exchange_refresh_token(&RefreshToken::new(grant.refresh_token.clone()))
        .request_async(&http)
        .await
        .expect("refresh");
    let rotated = first
        .refresh_token()
        .expect("a new refresh token")
        .secret()
        .clone();
    assert_ne!(rotated, grant.refresh_token);
    let access = first.access_token().secret().clone();
    let scopes: Vec<String> = first
        .scopes()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(scopes.join(" "), "api offline_access openid");
    assert_eq!(app.introspect(&id, &secret, &access).await["active"], true);

    // The old token is spent: presenting it again is theft (RFC 9700 §4.14.2).
    let reused = client
        .exchange_refresh_token(&RefreshToken::new(grant.refresh_token.clone()))
        .request_async(&http)
        .await;
    match reused {
        Err(RequestTokenError::ServerResponse(e)) => {
            assert_eq!(*e.error(), BasicErrorResponseType::InvalidGrant)
        }
        other => panic!("expected invalid_grant, got {other:?}"),
    }
    // …which revoked the whole family, including the rotated token and its access token.
    let a = app.refresh(&id, &secret, &rotated).await;
    assert_eq!((a.status, a.error()), (400, "invalid_grant"));
    a.assert_no_store();
    assert_eq!(
        app.introspect(&id, &secret, &access).await,
        serde_json::json!({"active": false})
    );
}

#[tokio::test]
async fn a_rotated_token_keeps_working_until_used() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "openid api").await;
    let mut token = grant.refresh_token;
    for _ in 0..3 {
        let a = app.refresh(&id, &secret, &token).await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.assert_no_store();
        assert_eq!(a.body["token_type"], "Bearer");
        assert!(a.body["expires_in"].as_i64().unwrap() > 0);
        // OIDC Core §12.2: a new ID token for the same subject and client, without a nonce.
        let id_token = a.body["id_token"].as_str().expect("id_token with openid");
        let claims = crate::common::flow::jwt_claims(id_token);
        assert_eq!(claims["sub"], grant.user_id.as_str());
        assert_eq!(claims["aud"], id.as_str());
        assert!(claims.get("nonce").is_none());
        token = a.body["refresh_token"].as_str().unwrap().to_string();
    }
}

#[tokio::test]
async fn scope_may_be_narrowed_but_never_widened() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "openid email api").await;
    let narrowed = app
        .post_form(
            "/token",
            Some((&id, &secret)),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &grant.refresh_token),
                ("scope", "api"),
            ],
        )
        .await;
    assert_eq!(narrowed.status, 200, "{}", narrowed.body);
    assert_eq!(narrowed.body["scope"], "api");
    let access = narrowed.body["access_token"].as_str().unwrap();
    assert_eq!(app.introspect(&id, &secret, access).await["scope"], "api");
    // RFC 6749 §6: the grant keeps its original scope; omitting scope gives all of it back.
    let rt = narrowed.body["refresh_token"].as_str().unwrap();
    let full = app.refresh(&id, &secret, rt).await;
    assert_eq!(full.body["scope"], "api email openid");

    let rt = full.body["refresh_token"].as_str().unwrap();
    let widened = app
        .post_form(
            "/token",
            Some((&id, &secret)),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt),
                ("scope", "api admin"),
            ],
        )
        .await;
    assert_eq!((widened.status, widened.error()), (400, "invalid_scope"));
    // A refused request does not spend the token.
    assert_eq!(app.refresh(&id, &secret, rt).await.status, 200);
}

#[tokio::test]
async fn a_refresh_token_works_only_for_its_own_client() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let (other, other_secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "api").await;
    let a = app
        .refresh(&other, &other_secret, &grant.refresh_token)
        .await;
    assert_eq!((a.status, a.error()), (400, "invalid_grant"));
    assert_eq!(
        app.refresh(&id, &secret, &grant.refresh_token).await.status,
        200
    );
}

#[tokio::test]
async fn expired_grants_are_invalid_grant() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let absolute_over = app.grant_refresh_token_with(&id, "api", -1, 3600).await;
    let idle_over = app.grant_refresh_token_with(&id, "api", 3600, -1).await;
    for g in [absolute_over, idle_over] {
        let a = app.refresh(&id, &secret, &g.refresh_token).await;
        assert_eq!((a.status, a.error()), (400, "invalid_grant"));
    }
    let a = app.refresh(&id, &secret, "never-issued").await;
    assert_eq!((a.status, a.error()), (400, "invalid_grant"));
}

#[tokio::test]
async fn a_disabled_users_refresh_tokens_stop_working() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "api").await;
    let store = app.store().await;
    let username = tessera::domain::Username::parse(&grant.username).unwrap();
    assert!(store.disable_user(&username).await.unwrap());
    let a = app.refresh(&id, &secret, &grant.refresh_token).await;
    assert_eq!((a.status, a.error()), (400, "invalid_grant"));
    assert_eq!(
        app.introspect(&id, &secret, &grant.refresh_token).await,
        serde_json::json!({"active": false})
    );
}

#[tokio::test]
async fn a_client_without_the_refresh_grant_is_unauthorized_client() {
    let app = spawn_app().await;
    let (id, secret) = app.service_client(&[]).await;
    let grant = app.grant_refresh_token(&id, "api").await;
    let a = app.refresh(&id, &secret, &grant.refresh_token).await;
    assert_eq!((a.status, a.error()), (400, "unauthorized_client"));
    let a = app
        .post_form(
            "/token",
            Some((&id, &secret)),
            &[("grant_type", "refresh_token")],
        )
        .await;
    assert_eq!(a.status, 400);
}

#[tokio::test]
async fn a_public_client_refreshes_with_its_client_id_only() {
    let app = spawn_app().await;
    let (id, secret) = app
        .create_client(&["--name", "SPA", "--public", "--grant-type", "refresh_token"])
        .await;
    assert!(secret.is_none());
    let grant = app.grant_refresh_token(&id, "openid").await;
    let a = app
        .post_form(
            "/token",
            None,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &grant.refresh_token),
                ("client_id", &id),
            ],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body["refresh_token"].is_string());
}

#[tokio::test]
async fn concurrent_refreshes_of_one_token_have_exactly_one_winner() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "api").await;
    let attempts = 16;
    let results = futures_join(&app, &id, &secret, &grant.refresh_token, attempts).await;
    let winners = results.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(winners, 1, "{results:?}");
    for (status, error) in &results {
        assert!(
            *status == 200 || (*status == 400 && error == "invalid_grant"),
            "{status} {error}"
        );
    }
    // The losers presented a token that had just been used: by RFC 9700 §4.14.2 that is reuse,
    // so the family (the winner's new token included) is revoked. This is the documented
    // price of refresh_reuse_grace = 0.
    let store = app.store().await;
    let row = store
        .refresh_token(&tessera::crypto::sha256_hex(&grant.refresh_token))
        .await
        .unwrap()
        .unwrap();
    assert!(row.family_revoked_at.is_some());
}

async fn futures_join(
    app: &crate::common::TestApp,
    id: &str,
    secret: &str,
    token: &str,
    n: usize,
) -> Vec<(u16, String)> {
    let mut tasks = tokio::task::JoinSet::new();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    for _ in 0..n {
        let http = reqwest::Client::new();
        let url = app.url("/token");
        let (id, secret, token) = (id.to_string(), secret.to_string(), token.to_string());
        let barrier = barrier.clone();
        tasks.spawn(async move {
            barrier.wait().await;
            let r = http
                .post(url)
                .basic_auth(id, Some(secret))
                .form(&[("grant_type", "refresh_token"), ("refresh_token", &token)])
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap();
            (status, body["error"].as_str().unwrap_or("").to_string())
        });
    }
    tasks.join_all().await
}

#[tokio::test]
async fn a_retry_within_the_grace_window_supersedes_the_lost_successor() {
    let app = crate::common::spawn_app_with(crate::common::Options::toml(
        "[tokens]\nrefresh_reuse_grace = \"30s\"\n",
    ))
    .await;
    let (id, secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "api").await;
    let lost = app.refresh(&id, &secret, &grant.refresh_token).await;
    assert_eq!(lost.status, 200);
    let lost_rt = lost.body["refresh_token"].as_str().unwrap();
    let lost_at = lost.body["access_token"].as_str().unwrap();
    // The client never saw `lost` and retries with the same token.
    let retry = app.refresh(&id, &secret, &grant.refresh_token).await;
    assert_eq!(retry.status, 200, "{}", retry.body);
    let retry_rt = retry.body["refresh_token"].as_str().unwrap();
    assert_ne!(retry_rt, lost_rt);
    assert_eq!(app.introspect(&id, &secret, lost_rt).await, json_inactive());
    assert_eq!(app.introspect(&id, &secret, lost_at).await, json_inactive());
    let next = app.refresh(&id, &secret, retry_rt).await;
    assert_eq!(next.status, 200, "{}", next.body);
    // Whoever held the superseded successor is caught when they use it: the family ends.
    let thief = app.refresh(&id, &secret, lost_rt).await;
    assert_eq!((thief.status, thief.error()), (400, "invalid_grant"));
    let after = app
        .refresh(&id, &secret, next.body["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!((after.status, after.error()), (400, "invalid_grant"));
}

#[tokio::test]
async fn the_grace_window_is_not_for_public_clients_nor_for_used_successors() {
    let app = crate::common::spawn_app_with(crate::common::Options::toml(
        "[tokens]\nrefresh_reuse_grace = \"30s\"\n",
    ))
    .await;
    let (public, _) = app
        .create_client(&["--name", "SPA", "--public", "--grant-type", "refresh_token"])
        .await;
    let grant = app.grant_refresh_token(&public, "api").await;
    let public_refresh = async |rt: &str| {
        app.post_form(
            "/token",
            None,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt),
                ("client_id", &public),
            ],
        )
        .await
    };
    assert_eq!(public_refresh(&grant.refresh_token).await.status, 200);
    let a = public_refresh(&grant.refresh_token).await;
    assert_eq!((a.status, a.error()), (400, "invalid_grant"));

    // Confidential client whose successor was already used: reuse, not a retry.
    let (id, secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "api").await;
    let first = app.refresh(&id, &secret, &grant.refresh_token).await;
    let successor = first.body["refresh_token"].as_str().unwrap();
    assert_eq!(app.refresh(&id, &secret, successor).await.status, 200);
    let a = app.refresh(&id, &secret, &grant.refresh_token).await;
    assert_eq!((a.status, a.error()), (400, "invalid_grant"));
}

fn json_inactive() -> serde_json::Value {
    serde_json::json!({"active": false})
}
