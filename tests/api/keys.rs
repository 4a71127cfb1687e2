//! Signing keys: the JWKS, rotation seen by a running server, restart stability, and the
//! key-encryption key.

use std::time::Duration;

use crate::common::spawn_app;

async fn jwks(app: &crate::common::TestApp) -> serde_json::Value {
    app.http
        .get(app.url("/jwks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn kids(jwks: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn jwks_publishes_public_keys_only_with_unique_kids() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/jwks")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=300")
    );
    let body: serde_json::Value = r.json().await.unwrap();
    let keys = body["keys"].as_array().unwrap();
    // active + next for each default algorithm (RS256, ES256)
    assert_eq!(keys.len(), 4);
    for k in keys {
        assert_eq!(k["use"], "sig");
        assert!(k["alg"].is_string());
        for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            assert!(
                k.get(private).is_none(),
                "private member {private} published"
            );
        }
    }
    let mut ks = kids(&body);
    ks.dedup();
    assert_eq!(ks.len(), 4);
    let same: serde_json::Value = app
        .http
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(same, body);
}

#[tokio::test]
async fn jwks_etag_gives_304() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/jwks")).send().await.unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let r = app
        .http
        .get(app.url("/jwks"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = app
        .http
        .get(app.url("/jwks"))
        .header("if-none-match", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn kids_are_stable_across_restarts() {
    let app = spawn_app().await;
    let before = kids(&jwks(&app).await);
    let app = app.restart().await;
    assert_eq!(kids(&jwks(&app).await), before);
}

#[tokio::test]
async fn cli_rotation_is_picked_up_by_the_running_server() {
    let app = spawn_app().await;
    let before = app.cli_json(&["keys", "list", "--json"], None).await;
    let active_before: Vec<String> = before
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["state"] == "active")
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .collect();
    let next_before: Vec<String> = before
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["state"] == "next")
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(active_before.len(), 2);
    assert_eq!(next_before.len(), 2);

    let after = app.cli_json(&["keys", "rotate", "--json"], None).await;
    let state_of = |kid: &str| {
        after
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kid"] == kid)
            .map(|k| k["state"].clone())
    };
    for kid in &next_before {
        assert_eq!(state_of(kid), Some("active".into()), "next became active");
    }
    for kid in &active_before {
        assert_eq!(
            state_of(kid),
            Some("retired".into()),
            "old active retired but still published"
        );
    }
    let new_next = after
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["state"] == "next")
        .count();
    assert_eq!(new_next, 2);

    // The running server publishes the new next keys within its reload interval (1 s here).
    let expected = kids(&serde_json::json!({"keys": after}));
    let mut seen = Vec::new();
    for _ in 0..50 {
        seen = kids(&jwks(&app).await);
        if seen == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn missing_key_encryption_key_stops_startup() {
    let app = spawn_app().await;
    std::fs::remove_file(app.dir.path().join("keys/kek.key")).unwrap();
    let out = app.cli(&["keys", "list"], None).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kek.key") && err.contains("missing"), "{err}");
    assert!(
        !app.dir.path().join("keys/kek.key").exists(),
        "no new key-encryption key was made"
    );
}

#[tokio::test]
async fn wrong_key_encryption_key_stops_startup() {
    let app = spawn_app().await;
    std::fs::write(
        app.dir.path().join("keys/kek.key"),
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    )
    .unwrap();
    let out = app.cli(&["keys", "list"], None).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not decrypt"), "{err}");
}

#[cfg(unix)]
#[tokio::test]
async fn key_encryption_key_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    let mode = std::fs::metadata(app.dir.path().join("keys/kek.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}
