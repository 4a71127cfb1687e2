//! Signing keys: the JWKS, rotation seen by a running server, restart stability, and the
//! key-encryption key.

use std::time::Duration;

use crate::common::cluster::spawn_peer;
use crate::common::{Options, TestApp, eventually, spawn_app, spawn_app_with};

async fn jwks(app: &crate::common::TestApp) -> serde_json::Value {
    app.get_json("/jwks").await
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
    let same: serde_json::Value = app.get_json("/.well-known/jwks.json").await;
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
    let (id, secret) = app.service_client(&[]).await;
    let token = client_credentials(&app, &id, &secret).await;
    // The restarted server listens on a new port, so its issuer differs: check against the old.
    let issuer = app.issuer.clone();
    let app = app.restart().await;
    assert_eq!(kids(&jwks(&app).await), before);
    let jwks = jwks(&app).await;
    resource_server_verify(&issuer, &jwks, &token).expect("a token from before the restart");
    let after = client_credentials(&app, &id, &secret).await;
    assert_eq!(
        kid_of(&after),
        kid_of(&token),
        "still signing with the same key"
    );
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

    // The running server's own reload task publishes the new next keys within its interval
    // (1 s here): this test watches the task itself, so it waits for it (at most 5 s).
    let expected = kids(&serde_json::json!({"keys": after}));
    let (a, expected_ref) = (&app, &expected);
    let seen = eventually(5, || async move {
        let seen = kids(&jwks(a).await);
        (seen == *expected_ref).then_some(seen)
    })
    .await;
    assert_eq!(seen.as_ref(), Some(&expected));
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

// --- A resource server's view: tokens checked with an independent JOSE library (jsonwebtoken)
// --- using nothing but the JWKS fetched over HTTP.

/// Gets an access token with client_credentials and client_secret_basic.
async fn client_credentials(app: &TestApp, id: &str, secret: &str) -> String {
    let r = app
        .http
        .post(app.url("/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

fn claims_of(token: &str) -> serde_json::Value {
    use base64::Engine;
    let part = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

/// Verifies `token` as an RFC 9068 resource server would: the key is looked up by `kid` in
/// `jwks`, the algorithm is the key's own, and `iss`, `aud` and `exp` are checked.
fn resource_server_verify(
    issuer: &str,
    jwks: &serde_json::Value,
    token: &str,
) -> Result<serde_json::Value, String> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, jwk::Jwk};
    let kid = kid_of(token);
    let raw = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .ok_or_else(|| format!("kid {kid} is not in the JWKS"))?;
    let jwk: Jwk = serde_json::from_value(raw.clone()).map_err(|e| e.to_string())?;
    let alg: Algorithm = raw["alg"]
        .as_str()
        .unwrap()
        .parse()
        .map_err(|e| format!("{e}"))?;
    let key = DecodingKey::from_jwk(&jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(alg);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[issuer]);
    validation.leeway = 0;
    let data = decode::<serde_json::Value>(token, &key, &validation).map_err(|e| e.to_string())?;
    if data.header.typ.as_deref() != Some("at+jwt") {
        return Err(format!("typ is {:?}", data.header.typ));
    }
    Ok(data.claims)
}

#[tokio::test]
async fn every_algorithm_signs_access_tokens_a_resource_server_accepts() {
    for alg in ["RS256", "PS256", "ES256", "EdDSA"] {
        let app = spawn_app_with(Options::toml(&format!(
            "algorithms = [\"RS256\", \"PS256\", \"ES256\", \"EdDSA\"]\n\
             access_token_alg = \"{alg}\"\n"
        )))
        .await;
        let jwks = jwks(&app).await;
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 8);
        let (id, secret) = app.service_client(&[]).await;
        let token = client_credentials(&app, &id, &secret).await;
        assert_eq!(
            format!("{:?}", jsonwebtoken::decode_header(&token).unwrap().alg),
            alg
        );
        let claims = resource_server_verify(&app.issuer, &jwks, &token).unwrap();
        assert_eq!(claims["client_id"], id.as_str());
    }
}

#[tokio::test]
async fn a_token_signed_before_rotation_verifies_after_and_new_tokens_use_the_new_key() {
    let app = spawn_app().await;
    let (id, secret) = app.service_client(&[]).await;
    let cached_jwks = jwks(&app).await;
    let old = client_credentials(&app, &id, &secret).await;
    resource_server_verify(&app.issuer, &cached_jwks, &old).unwrap();

    app.cli_json(&["keys", "rotate", "--json"], None).await;
    // The running server reloads the key set and signs with the promoted key.
    app.catch_up().await;
    let new = client_credentials(&app, &id, &secret).await;
    assert_ne!(kid_of(&new), kid_of(&old), "new tokens carry the new kid");

    // The new key was the published `next` key: a JWKS cached before the rotation knows it.
    resource_server_verify(&app.issuer, &cached_jwks, &new).expect("next key was pre-published");
    let fresh_jwks = jwks(&app).await;
    resource_server_verify(&app.issuer, &fresh_jwks, &old).expect("retired key still published");
    resource_server_verify(&app.issuer, &fresh_jwks, &new).unwrap();
}

#[tokio::test]
async fn a_retired_key_leaves_the_jwks_only_after_its_tokens_expired() {
    // retire_for = max(2 s, 2 s) + 2 × 1 s reload + 0 s grace = 4 s.
    let app = spawn_app_with(Options::toml(
        "retired_key_grace = \"0s\"\n\
         [tokens]\naccess_token_ttl = \"2s\"\nid_token_ttl = \"2s\"\n",
    ))
    .await;
    let (id, secret) = app.service_client(&[]).await;
    let old = client_credentials(&app, &id, &secret).await;
    let old_kid = kid_of(&old);
    let rotated_at = app.now();
    let list = app.cli_json(&["keys", "rotate", "--json"], None).await;
    let retired = list
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == old_kid.as_str())
        .unwrap()
        .clone();
    assert_eq!(retired["state"], "retired");
    let expires_at = retired["expires_at"].as_i64().unwrap();
    assert!(expires_at >= rotated_at + 4, "{expires_at} vs {rotated_at}");
    let old_exp = claims_of(&old)["exp"].as_i64().unwrap();
    assert!(old_exp < expires_at, "the key outlives its tokens");

    // Watch the JWKS a second at a time: present every time before expires_at, gone soon after.
    let mut gone_at = None;
    for _ in 0..10 {
        app.catch_up().await;
        let present = kids(&jwks(&app).await).contains(&old_kid);
        // Read after the JWKS, so a key seen gone was gone by this time.
        let now = app.now();
        if now < expires_at {
            assert!(present, "key left at {now}, before {expires_at}");
        }
        if !present {
            gone_at = Some(now);
            break;
        }
        app.advance(Duration::from_secs(1));
    }
    let gone_at = gone_at.expect("the retired key is removed");
    assert!(
        gone_at >= expires_at && gone_at <= expires_at + 3,
        "{gone_at} vs {expires_at}"
    );
    // And it stays gone (purged from the database by the maintenance round).
    let list = app.cli_json(&["keys", "list", "--json"], None).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|k| k["kid"] != old_kid.as_str())
    );
}

/// Counts keys per state for one algorithm in `keys list --json` output.
fn count(list: &serde_json::Value, alg: &str, state: &str) -> usize {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|k| k["alg"] == alg && k["state"] == state)
        .count()
}

#[tokio::test]
async fn two_instances_rotate_once_on_schedule_and_serve_the_same_jwks() {
    let app = spawn_app().await;
    if !app.db.is_postgres() {
        eprintln!("note: also runs on SQLite (two servers on one WAL file); meant for PostgreSQL");
    }
    let peer = spawn_peer(&app, "").await;
    let before = app.cli_json(&["keys", "list", "--json"], None).await;
    let next_before: Vec<String> = before
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["state"] == "next")
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .collect();

    // Make the scheduled rotation due on both instances at once (31 days > rotation_interval):
    // they share the clock, and both run their maintenance round at the same time.
    app.advance(Duration::from_secs(31 * 86_400));
    tokio::join!(app.catch_up(), peer.catch_up());

    let etag = |http: reqwest::Client, url: String| async move {
        let r = http.get(url).send().await.unwrap();
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        let body: serde_json::Value = r.json().await.unwrap();
        (etag, body)
    };
    // Their background tasks race the same rotation and may land a moment later.
    let (first, second, etag_ref) = (&app, &peer, &etag);
    let (etag_a, body_a) = eventually(10, || async move {
        let a = etag_ref(first.http.clone(), first.url("/jwks")).await;
        let b = etag_ref(second.http.clone(), second.url("/jwks")).await;
        (a.1["keys"].as_array().unwrap().len() == 6 && a == b).then_some(a)
    })
    .await
    .expect("both instances publish the rotated key set");

    // A few more maintenance rounds on both: nothing else may rotate.
    for _ in 0..3 {
        tokio::join!(app.catch_up(), peer.catch_up());
    }
    let list = app.cli_json(&["keys", "list", "--json"], None).await;
    for alg in ["RS256", "ES256"] {
        assert_eq!(
            count(&list, alg, "retired"),
            1,
            "{alg} rotated exactly once"
        );
        assert_eq!(count(&list, alg, "active"), 1, "{alg}");
        assert_eq!(count(&list, alg, "next"), 1, "{alg}");
    }
    for kid in &next_before {
        let k = list
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kid"] == kid.as_str());
        assert_eq!(
            k.unwrap()["state"],
            "active",
            "the published next key took over"
        );
    }
    let (etag_b, body_b) = etag(peer.http.clone(), peer.url("/jwks")).await;
    assert_eq!(
        (&etag_a, &body_a),
        (&etag_b, &body_b),
        "same JWKS, byte for byte"
    );

    // A token from one instance verifies with the other's JWKS.
    let (id, secret) = app.service_client(&[]).await;
    let r = peer
        .http
        .post(peer.url("/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let token: serde_json::Value = r.json().await.unwrap();
    let token = token["access_token"].as_str().unwrap();
    assert!(next_before.contains(&kid_of(token)));
    resource_server_verify(&app.issuer, &jwks(&app).await, token).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_rotations_on_one_database_rotate_once() {
    use tessera::keys::KeyManager;
    let app = spawn_app().await;
    let config =
        tessera::config::Config::load_with_env(&app.config_path, &Default::default()).unwrap();
    let due = app.now() + config.keys.rotation_interval.as_secs() as i64;
    // Four "instances", each with its own connection pool, all finding the rotation due.
    let mut managers = Vec::new();
    for _ in 0..4 {
        let store = tessera::store::Store::connect(&app.db.url, 2, Duration::from_secs(10))
            .await
            .unwrap();
        managers.push(KeyManager::open(&store, &config).await.unwrap());
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(managers.len()));
    let tasks: Vec<_> = managers
        .into_iter()
        .map(|m| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                m.rotate_at(false, due).await.unwrap()
            })
        })
        .collect();
    let mut rotated = Vec::new();
    for t in tasks {
        rotated.extend(t.await.unwrap().into_iter().map(|a| a.name().to_string()));
    }
    rotated.sort();
    assert_eq!(rotated, ["ES256", "RS256"], "one winner per algorithm");
    let list = app.cli_json(&["keys", "list", "--json"], None).await;
    for alg in ["RS256", "ES256"] {
        assert_eq!(count(&list, alg, "retired"), 1, "{alg}");
        assert_eq!(count(&list, alg, "active"), 1, "{alg}");
        assert_eq!(count(&list, alg, "next"), 1, "{alg}");
    }
}
