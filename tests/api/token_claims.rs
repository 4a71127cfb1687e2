//! Access tokens signed with Tessera's own key but carrying claims Tessera never issues (a
//! future `nbf` or `iat`, a foreign `aud`) are refused by introspection and userinfo: a verifier
//! that ignored them would be one signing bug away from accepting a forged token.

use std::time::Duration;

use serde_json::json;
use tessera::config::Config;
use tessera::domain::Alg;
use tessera::keys::KeyManager;
use tessera::store::Store;
use tessera::tokens::ACCESS_TOKEN_TYP;

use crate::common::{TestApp, spawn_app};

/// Signs `claims` with the app's active RS256 key, as the app itself would.
async fn sign_as_the_app(app: &TestApp, claims: &serde_json::Value) -> String {
    let config = Config::load_with_env(&app.config_path, &Default::default()).unwrap();
    let store = Store::connect(&app.db.url, 2, Duration::from_secs(10))
        .await
        .unwrap();
    let keys = KeyManager::open(&store, &config).await.unwrap();
    keys.sign(Alg::RS256, ACCESS_TOKEN_TYP, claims).unwrap()
}

#[tokio::test]
async fn future_nbf_future_iat_and_foreign_aud_are_refused() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let sub = app
        .create_user("alice", "correct horse battery staple")
        .await;
    let now = app.now();
    let base = json!({
        "iss": app.issuer, "sub": sub, "aud": app.issuer, "client_id": id,
        "scope": "openid", "exp": now + 600, "iat": now, "jti": "forged-1",
    });
    // The control: the same claims as they are pass, so the refusals below are the claims'.
    let good = sign_as_the_app(&app, &base).await;
    assert_eq!(app.introspect(&id, &secret, &good).await["active"], true);
    assert_eq!(app.userinfo_status(&good).await, 200);

    let variants = [
        ("nbf", json!(now + 3600)),
        ("iat", json!(now + 3600)),
        ("aud", json!("https://elsewhere.example.com")),
    ];
    for (claim, value) in variants {
        let mut claims = base.clone();
        claims[claim] = value;
        let token = sign_as_the_app(&app, &claims).await;
        assert_eq!(
            app.introspect(&id, &secret, &token).await["active"],
            false,
            "{claim}"
        );
        assert_eq!(app.userinfo_status(&token).await, 401, "{claim}");
    }
    // An `act` claim does not make a foreign audience acceptable: only an audience the named
    // client may ask for in a token exchange (RFC 8693) is one Tessera issues.
    let mut claims = base.clone();
    claims["aud"] = json!("https://elsewhere.example.com");
    claims["act"] = json!({"sub": id});
    let token = sign_as_the_app(&app, &claims).await;
    assert_eq!(app.introspect(&id, &secret, &token).await["active"], false);
}
