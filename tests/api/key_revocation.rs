//! `tessera keys revoke` (incident response for a leaked signing key): the key leaves the JWKS,
//! every token it signed is refused (introspection, userinfo, `id_token_hint`) on every instance
//! after its reload, and signing goes on with the promoted next key.

use std::time::Duration;

use crate::common::cluster::spawn_peer;
use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, jwt_header};
use crate::common::grants::userinfo_status_at;
use crate::common::{TestApp, spawn_app};

/// A signed-in person, an RP (confidential, first-party) and the tokens of one code flow.
struct Signed {
    app: TestApp,
    rp: Rp,
    access_token: String,
    id_token: String,
}

async fn setup() -> Signed {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let (access_token, id_token) = code_flow(&app, &rp).await;
    Signed {
        app,
        rp,
        access_token,
        id_token,
    }
}

/// One authorization-code flow (signing in when needed): (access token, ID token).
async fn code_flow(app: &TestApp, rp: &Rp) -> (String, String) {
    let pkce = Pkce::new();
    let req = AuthRequest::new(rp, &pkce);
    let r = app.authorize(&req).await;
    let code = if crate::common::flow::location(&r) == "/login" {
        crate::common::flow::callback(&app.login(USERNAME, PASSWORD).await)["code"].clone()
    } else {
        crate::common::flow::callback(&r)["code"].clone()
    };
    let (status, body) = app.exchange(rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    let token = |name: &str| body[name].as_str().expect(name).to_string();
    (token("access_token"), token("id_token"))
}

fn kid_of(token: &str) -> String {
    jwt_header(token)["kid"].as_str().unwrap().to_string()
}

/// The kids `/jwks` of `base` publishes.
async fn jwks_kids(http: &reqwest::Client, base: &str) -> Vec<String> {
    let jwks: serde_json::Value = http
        .get(format!("{base}/jwks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .collect()
}

/// `GET /userinfo` with `token` at `base`: the status.
/// `POST /introspect` at `base` as the RP: the `active` member.
async fn active(base: &str, rp: &Rp, token: &str) -> bool {
    let r = reqwest::Client::new()
        .post(format!("{base}/introspect"))
        .basic_auth(&rp.client_id, rp.secret.as_deref())
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    body["active"].as_bool().unwrap()
}

/// `GET /logout?id_token_hint=…` at `base` in a browser without a session: (status, page).
async fn logout_with_hint(base: &str, hint: &str) -> (u16, String) {
    let r = crate::common::http_client()
        .get(format!("{base}/logout"))
        .query(&[("id_token_hint", hint)])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// `keys list --json`: the kid of `alg`'s key in `state`.
async fn kid_in(app: &TestApp, alg: &str, state: &str) -> Option<String> {
    let list = app.cli_json(&["keys", "list", "--json"], None).await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|k| k["alg"] == alg && k["state"] == state)
        .map(|k| k["kid"].as_str().unwrap().to_string())
}

/// What running servers do within `keys.reload_interval` (1 s in tests): turn the clock by it
/// and run the reload.
async fn reload(app: &TestApp) {
    app.advance(Duration::from_secs(1));
    app.catch_up().await;
}

#[tokio::test]
async fn revoking_the_active_key_refuses_its_tokens_and_signing_goes_on() {
    let Signed {
        app,
        rp,
        access_token,
        id_token,
    } = setup().await;
    let base = app.issuer.clone();
    let kid = kid_of(&access_token);
    assert_eq!(
        kid_of(&id_token),
        kid,
        "both signed with the RS256 active key"
    );
    let next = kid_in(&app, "RS256", "next").await.unwrap();
    // The key's tokens work before.
    assert!(active(&base, &rp, &access_token).await);
    assert_eq!(userinfo_status_at(&base, &access_token).await, 200);
    let (status, page) = logout_with_hint(&base, &id_token).await;
    assert_eq!(status, 200, "{page}");

    let out = app
        .cli_json(&["keys", "revoke", "--kid", &kid, "--json"], None)
        .await;
    assert_eq!(out["kid"], kid.as_str());
    assert_eq!(out["alg"], "RS256");
    assert_eq!(out["was"], "active");
    assert_eq!(
        out["now_active"],
        next.as_str(),
        "the published next key took over"
    );
    let new_next = out["new_next"]
        .as_str()
        .expect("a new next key")
        .to_string();
    assert!(new_next != kid && new_next != next);
    assert_eq!(
        out.as_object().unwrap().len(),
        5,
        "exactly kid, alg, was, now_active, new_next: {out}"
    );

    reload(&app).await;
    let kids = jwks_kids(&app.http, &base).await;
    assert!(!kids.contains(&kid), "{kids:?}");
    assert!(kids.contains(&next) && kids.contains(&new_next), "{kids:?}");
    assert!(
        !active(&base, &rp, &access_token).await,
        "introspection: inactive"
    );
    assert_eq!(userinfo_status_at(&base, &access_token).await, 401);
    let (status, page) = logout_with_hint(&base, &id_token).await;
    assert_eq!(status, 400);
    assert!(page.contains("invalid ID token"), "{page}");

    // New tokens are signed by the promoted key, and work.
    let (access_token, id_token) = code_flow(&app, &rp).await;
    assert_eq!(kid_of(&access_token), next);
    assert_eq!(kid_of(&id_token), next);
    assert!(active(&base, &rp, &access_token).await);
    assert_eq!(userinfo_status_at(&base, &access_token).await, 200);
    let (status, _) = logout_with_hint(&base, &id_token).await;
    assert_eq!(status, 200);
    assert_eq!(kid_in(&app, "RS256", "active").await, Some(next));
    assert_eq!(kid_in(&app, "RS256", "next").await, Some(new_next));
}

#[tokio::test]
async fn revoking_the_next_key_or_a_retired_key_works_too() {
    let Signed {
        app,
        rp,
        access_token,
        ..
    } = setup().await;
    let base = app.issuer.clone();
    let active_kid = kid_of(&access_token);

    // The next key: a new one is published in its place; signing is untouched.
    let next = kid_in(&app, "RS256", "next").await.unwrap();
    let out = app
        .cli_json(&["keys", "revoke", "--kid", &next, "--json"], None)
        .await;
    assert_eq!(out["was"], "next");
    assert_eq!(out["now_active"], active_kid.as_str());
    let replacement = out["new_next"].as_str().unwrap().to_string();
    reload(&app).await;
    let kids = jwks_kids(&app.http, &base).await;
    assert!(
        !kids.contains(&next) && kids.contains(&replacement),
        "{kids:?}"
    );
    assert!(active(&base, &rp, &access_token).await);

    // A retired key: its tokens, valid after a rotation, are refused once it is revoked.
    app.cli_json(&["keys", "rotate", "--json"], None).await;
    reload(&app).await;
    assert_eq!(
        kid_in(&app, "RS256", "retired").await,
        Some(active_kid.clone())
    );
    assert!(
        active(&base, &rp, &access_token).await,
        "a retired key still verifies"
    );
    let out = app
        .cli_json(&["keys", "revoke", "--kid", &active_kid, "--json"], None)
        .await;
    assert_eq!(out["was"], "retired");
    assert_eq!(out["now_active"], replacement.as_str());
    assert!(out["new_next"].is_null(), "{out}");
    reload(&app).await;
    assert!(!jwks_kids(&app.http, &base).await.contains(&active_kid));
    assert!(!active(&base, &rp, &access_token).await);
    assert_eq!(userinfo_status_at(&base, &access_token).await, 401);
    // Two revoked RS256 keys side by side; one active and one next key still.
    let list = app.cli_json(&["keys", "list", "--json"], None).await;
    let rs256: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["alg"] == "RS256")
        .map(|k| k["state"].as_str().unwrap())
        .collect();
    assert_eq!(rs256.len(), 2, "{rs256:?}");
    assert!(rs256.contains(&"active") && rs256.contains(&"next"));
}

#[tokio::test]
async fn an_unknown_or_already_revoked_kid_fails_clearly_and_changes_nothing() {
    let app = spawn_app().await;
    let before = app.cli_json(&["keys", "list", "--json"], None).await;
    let out = app
        .cli(&["keys", "revoke", "--kid", "no-such-kid", "--json"], None)
        .await;
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no JSON for a failure");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no signing key has the kid `no-such-kid`"),
        "{err}"
    );
    assert_eq!(
        app.cli_json(&["keys", "list", "--json"], None).await,
        before
    );

    let kid = kid_in(&app, "ES256", "next").await.unwrap();
    let out = app.cli(&["keys", "revoke", "--kid", &kid], None).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("revoked ES256 key {kid} (was next)")),
        "{text}"
    );
    // The audit line goes to standard error (a warning: admin commands log warnings).
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("key_revoked") && log.contains(&kid), "{log}");
    let out = app.cli(&["keys", "revoke", "--kid", &kid], None).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("revoked already"), "{err}");
    let out = app.cli(&["keys", "revoke"], None).await;
    assert!(!out.status.success(), "--kid is required");
}

#[tokio::test]
async fn another_instance_refuses_the_key_after_its_reload() {
    let Signed {
        app,
        rp,
        access_token,
        ..
    } = setup().await;
    let peer = spawn_peer(&app, "").await;
    let peer_base = format!("http://{}", peer.addr);
    let kid = kid_of(&access_token);
    assert!(active(&peer_base, &rp, &access_token).await);
    assert_eq!(userinfo_status_at(&peer_base, &access_token).await, 200);

    let out = app
        .cli_json(&["keys", "revoke", "--kid", &kid, "--json"], None)
        .await;
    let now_active = out["now_active"].as_str().unwrap().to_string();
    // Within keys.reload_interval each instance re-reads the key set.
    app.advance(Duration::from_secs(1));
    tokio::join!(app.catch_up(), peer.catch_up());
    assert!(!jwks_kids(&peer.http, &peer_base).await.contains(&kid));
    assert!(!active(&peer_base, &rp, &access_token).await);
    assert_eq!(userinfo_status_at(&peer_base, &access_token).await, 401);
    // The peer signs with the promoted key, and the first instance accepts its tokens.
    let (id, svc_secret) = app.service_client(&[]).await;
    let r = peer
        .http
        .post(peer.url("/token"))
        .basic_auth(&id, Some(&svc_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let token: serde_json::Value = r.json().await.unwrap();
    let token = token["access_token"].as_str().unwrap();
    assert_eq!(kid_of(token), now_active);
    let introspected = app.introspect(&id, &svc_secret, token).await;
    assert_eq!(introspected["active"], true, "{introspected}");
}
