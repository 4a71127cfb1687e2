//! Unit tests of the key lifecycle and of verification, over a KeyManager on a temporary SQLite
//! database. The refusals here are the classic JWT attacks (RFC 8725 §2.1, §3.1): `alg: none`,
//! an HMAC token keyed with a published public key, a header naming another algorithm than the
//! key's, and kids that are not published.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::json;

use super::*;

struct Fixture {
    keys: KeyManager,
    store: Store,
    config: Config,
    _dir: tempfile::TempDir,
}

async fn fixture(algorithms: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let text = format!(
        r#"issuer = "http://127.0.0.1:9"
[server]
bind = "127.0.0.1:9"
[database]
url = "sqlite://{d}/t.db?mode=rwc"
[keys]
dir = "{d}/keys"
algorithms = {algorithms}
reload_interval = "1s"
retired_key_grace = "5s"
[tokens]
access_token_ttl = "10s"
id_token_ttl = "20s"
"#,
        d = dir.path().display()
    );
    std::fs::write(&path, text).unwrap();
    let config = Config::load_with_env(&path, &Default::default()).unwrap();
    let store = Store::connect(&config.database.url, 4, Duration::from_secs(5))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let keys = KeyManager::open(&store, &config).await.unwrap();
    Fixture {
        keys,
        store,
        config,
        _dir: dir,
    }
}

fn b64(v: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

fn header_of(token: &str) -> serde_json::Value {
    let h = token.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).unwrap()).unwrap()
}

fn active_kid(keys: &KeyManager, alg: Alg) -> String {
    keys.list()
        .into_iter()
        .find(|k| k.alg == alg && k.state == KeyState::Active)
        .unwrap()
        .kid
}

const ALL: &str = r#"["RS256", "PS256", "ES256", "EdDSA"]"#;

#[tokio::test]
async fn every_algorithm_signs_and_verifies_with_its_own_key() {
    let f = fixture(ALL).await;
    assert!(f.keys.ready());
    for alg in Alg::ALL {
        let token = f.keys.sign(alg, "JWT", &json!({"sub": "s"})).unwrap();
        let h = header_of(&token);
        assert_eq!(h["alg"], alg.as_str());
        assert_eq!(h["kid"], active_kid(&f.keys, alg));
        let v = f.keys.verify(&token).unwrap();
        assert_eq!(v.alg, alg);
        assert_eq!(v.typ.as_deref(), Some("JWT"));
        let claims: serde_json::Value = v.claims().unwrap();
        assert_eq!(claims["sub"], "s");
    }
    // Exactly one active and one next key per algorithm.
    for alg in Alg::ALL {
        for state in [KeyState::Active, KeyState::Next] {
            let n = f
                .keys
                .list()
                .iter()
                .filter(|k| k.alg == alg && k.state == state)
                .count();
            assert_eq!(n, 1, "{alg} {state:?}");
        }
    }
}

#[tokio::test]
async fn alg_none_is_refused() {
    let f = fixture(r#"["RS256"]"#).await;
    let kid = active_kid(&f.keys, Alg::RS256);
    let payload = b64(&json!({"sub": "s"}));
    for header in [
        json!({"alg": "none", "kid": kid}),
        json!({"alg": "none"}),
        json!({"alg": "None", "kid": kid}),
    ] {
        let token = format!("{}.{payload}.", b64(&header));
        assert_eq!(
            f.keys.verify(&token).unwrap_err(),
            VerifyError::UnknownKey,
            "{header}"
        );
    }
    assert_eq!(
        f.keys
            .verify(&format!("{}.{payload}", b64(&json!({"alg": "none"}))))
            .unwrap_err(),
        VerifyError::Malformed
    );
}

#[tokio::test]
async fn hmac_token_keyed_with_a_published_public_key_is_refused() {
    let f = fixture(r#"["RS256", "ES256"]"#).await;
    let jwks: serde_json::Value = serde_json::from_slice(&f.keys.jwks().body).unwrap();
    let payload = b64(&json!({"sub": "attacker"}));
    for key in jwks["keys"].as_array().unwrap() {
        let kid = key["kid"].as_str().unwrap();
        // The secrets a confused verifier would use: the JWK as published, and the raw modulus.
        let mut secrets = vec![serde_json::to_vec(key).unwrap()];
        if let Some(n) = key["n"].as_str() {
            secrets.push(URL_SAFE_NO_PAD.decode(n).unwrap());
        }
        for secret in secrets {
            let input = format!("{}.{payload}", b64(&json!({"alg": "HS256", "kid": kid})));
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
            mac.update(input.as_bytes());
            let token = format!(
                "{input}.{}",
                URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
            );
            assert_eq!(
                f.keys.verify(&token).unwrap_err(),
                VerifyError::UnknownKey,
                "HS256 with key {kid}"
            );
        }
    }
}

#[tokio::test]
async fn the_algorithm_is_pinned_to_the_key_not_the_header() {
    let f = fixture(ALL).await;
    let token = f
        .keys
        .sign(Alg::RS256, "JWT", &json!({"sub": "s"}))
        .unwrap();
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let kid = active_kid(&f.keys, Alg::RS256);
    // Same RSA key, same signature, header claims PS256 (or anything else): refused.
    for alg in ["PS256", "RS384", "RS512", "ES256", "EdDSA", "HS256"] {
        parts[0] = b64(&json!({"alg": alg, "kid": kid, "typ": "JWT"}));
        assert_eq!(
            f.keys.verify(&parts.join(".")).unwrap_err(),
            VerifyError::UnknownKey,
            "{alg}"
        );
    }
    // An ES256 kid with an RS256 header: refused before any signature work.
    let es_kid = active_kid(&f.keys, Alg::ES256);
    parts[0] = b64(&json!({"alg": "RS256", "kid": es_kid}));
    assert_eq!(
        f.keys.verify(&parts.join(".")).unwrap_err(),
        VerifyError::UnknownKey
    );
}

#[tokio::test]
async fn unknown_or_missing_kids_and_bad_signatures_are_refused() {
    let f = fixture(r#"["RS256"]"#).await;
    let token = f
        .keys
        .sign(Alg::RS256, "JWT", &json!({"sub": "s"}))
        .unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    for header in [
        json!({"alg": "RS256", "kid": "no-such-kid"}),
        json!({"alg": "RS256"}),
        json!({"alg": "RS256", "kid": 42}),
    ] {
        let forged = format!("{}.{}.{}", b64(&header), parts[1], parts[2]);
        assert_eq!(
            f.keys.verify(&forged).unwrap_err(),
            VerifyError::UnknownKey,
            "{header}"
        );
    }
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64(&json!({"sub": "admin"})),
        parts[2]
    );
    assert_eq!(
        f.keys.verify(&tampered).unwrap_err(),
        VerifyError::BadSignature
    );
    for junk in ["", "a.b", "a.b.c.d", "!!.??.**"] {
        assert!(f.keys.verify(junk).is_err(), "{junk}");
    }
}

#[tokio::test]
async fn a_retired_key_verifies_until_its_tokens_have_expired_then_leaves() {
    let f = fixture(r#"["RS256", "ES256"]"#).await;
    let now = f.store.clock().now();
    let old = f
        .keys
        .sign(Alg::ES256, "JWT", &json!({"sub": "s"}))
        .unwrap();
    let old_kid = active_kid(&f.keys, Alg::ES256);
    let next_kid = f
        .keys
        .list()
        .into_iter()
        .find(|k| k.alg == Alg::ES256 && k.state == KeyState::Next)
        .unwrap()
        .kid;

    let rotated = f.keys.rotate_at(true, now).await.unwrap();
    assert_eq!(rotated, vec![Alg::RS256, Alg::ES256]);
    assert_eq!(
        active_kid(&f.keys, Alg::ES256),
        next_kid,
        "next became active"
    );
    let new = f
        .keys
        .sign(Alg::ES256, "JWT", &json!({"sub": "s"}))
        .unwrap();
    assert_eq!(header_of(&new)["kid"], next_kid.as_str());
    assert!(f.keys.verify(&old).is_ok(), "retired key still published");

    // 20 s (longest token) + 2 × 1 s (reload) + 5 s (grace).
    let retire_for = retire_for(&f.config).as_secs() as i64;
    assert_eq!(retire_for, 27);
    let info = f
        .keys
        .list()
        .into_iter()
        .find(|k| k.kid == old_kid)
        .unwrap();
    assert_eq!(info.state, KeyState::Retired);
    assert_eq!(info.expires_at, Some(now + retire_for));

    f.keys.reload_at(now + retire_for - 1).await.unwrap();
    assert!(
        f.keys.verify(&old).is_ok(),
        "published until the last moment"
    );
    f.keys.reload_at(now + retire_for).await.unwrap();
    assert_eq!(f.keys.verify(&old).unwrap_err(), VerifyError::UnknownKey);
    assert!(f.keys.list().iter().all(|k| k.kid != old_kid));
    assert!(f.keys.verify(&new).is_ok());

    assert_eq!(
        f.store.purge_expired_keys(now + retire_for).await.unwrap(),
        2
    );
}

#[tokio::test]
async fn scheduled_rotation_waits_for_the_rotation_interval() {
    let f = fixture(r#"["RS256"]"#).await;
    let now = f.store.clock().now();
    let interval = f.config.keys.rotation_interval.as_secs() as i64;
    assert!(
        f.keys
            .rotate_at(false, now + interval - 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        f.keys.rotate_at(false, now + interval).await.unwrap(),
        vec![Alg::RS256]
    );
    // The new active key's clock starts at its activation.
    assert!(
        f.keys
            .rotate_at(false, now + interval + 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_stale_rotation_loses_the_compare_and_swap() {
    let f = fixture(r#"["RS256"]"#).await;
    let rows = f.store.published_keys(f.store.clock().now()).await.unwrap();
    let active = rows
        .iter()
        .find(|r| r.state == KeyState::Active)
        .unwrap()
        .kid
        .clone();
    let next = rows
        .iter()
        .find(|r| r.state == KeyState::Next)
        .unwrap()
        .kid
        .clone();
    let fresh = |f: &Fixture| {
        f.keys
            .new_key_row(Alg::RS256, KeyState::Next, f.store.clock().now())
            .unwrap()
    };
    let now = f.store.clock().now();
    let first = f
        .store
        .rotate_keys(&active, &next, &fresh(&f), now, now + 60)
        .await
        .unwrap();
    // A second instance that read the same rows before the first rotation committed.
    let second = f
        .store
        .rotate_keys(&active, &next, &fresh(&f), now, now + 60)
        .await
        .unwrap();
    assert_eq!((first, second), (Rotation::Done, Rotation::Lost));
    let rows = f.store.published_keys(now).await.unwrap();
    assert_eq!(rows.iter().filter(|r| r.state == KeyState::Next).count(), 1);
    assert_eq!(
        rows.iter().filter(|r| r.state == KeyState::Active).count(),
        1
    );
    assert_eq!(
        rows.iter().filter(|r| r.state == KeyState::Retired).count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_scheduled_rotations_rotate_once() {
    let f = fixture(r#"["RS256", "ES256"]"#).await;
    let due = f.store.clock().now() + f.config.keys.rotation_interval.as_secs() as i64;
    let mut managers = Vec::new();
    for _ in 0..4 {
        managers.push(KeyManager::open(&f.store, &f.config).await.unwrap());
    }
    let tasks: Vec<_> = managers
        .into_iter()
        .map(|m| tokio::spawn(async move { m.rotate_at(false, due).await.unwrap() }))
        .collect();
    let mut rotated = Vec::new();
    for t in tasks {
        rotated.extend(t.await.unwrap());
    }
    rotated.sort();
    assert_eq!(rotated, vec![Alg::RS256, Alg::ES256]);
    let rows = f.store.published_keys(due).await.unwrap();
    assert_eq!(rows.len(), 6, "active + next + retired per algorithm");
}

/// The kid of `alg`'s key in `state`, from `keys list`.
fn kid_in(keys: &KeyManager, alg: Alg, state: KeyState) -> Option<String> {
    keys.list()
        .into_iter()
        .find(|k| k.alg == alg && k.state == state)
        .map(|k| k.kid)
}

#[tokio::test]
async fn revoking_the_active_key_refuses_its_tokens_and_the_next_key_signs() {
    let f = fixture(r#"["RS256", "ES256"]"#).await;
    // Another instance on the same database, which reloads later.
    let other = KeyManager::open(&f.store, &f.config).await.unwrap();
    let old = f
        .keys
        .sign(Alg::RS256, "JWT", &json!({"sub": "s"}))
        .unwrap();
    let kid = active_kid(&f.keys, Alg::RS256);
    let next = kid_in(&f.keys, Alg::RS256, KeyState::Next).unwrap();
    let es256 = active_kid(&f.keys, Alg::ES256);

    let done = f.keys.revoke(&kid).await.unwrap();
    assert_eq!((done.kid.as_str(), done.alg), (kid.as_str(), Alg::RS256));
    assert_eq!(done.was, KeyState::Active);
    assert_eq!(done.now_active.as_deref(), Some(next.as_str()));
    let new_next = done.new_next.clone().unwrap();
    assert_eq!(
        kid_in(&f.keys, Alg::RS256, KeyState::Next).as_deref(),
        Some(new_next.as_str())
    );
    assert_eq!(f.keys.verify(&old).unwrap_err(), VerifyError::UnknownKey);
    let jwks: serde_json::Value = serde_json::from_slice(&f.keys.jwks().body).unwrap();
    assert!(!jwks.to_string().contains(&kid), "{jwks}");
    let new = f
        .keys
        .sign(Alg::RS256, "JWT", &json!({"sub": "s"}))
        .unwrap();
    assert_eq!(header_of(&new)["kid"], next.as_str());
    assert!(f.keys.verify(&new).is_ok());
    assert_eq!(
        active_kid(&f.keys, Alg::ES256),
        es256,
        "other algorithms untouched"
    );
    // The row stays as a record of the revocation, without its private part.
    let row = f.store.key(&kid).await.unwrap().unwrap();
    assert_eq!(row.state, KeyState::Revoked);
    assert!(row.private_enc.is_empty());

    // The other instance accepts the token until its reload, then refuses it.
    assert!(other.verify(&old).is_ok());
    other.reload().await.unwrap();
    assert_eq!(other.verify(&old).unwrap_err(), VerifyError::UnknownKey);
    assert!(other.verify(&new).is_ok());
}

#[tokio::test]
async fn revoking_a_next_or_retired_key_leaves_signing_alone() {
    let f = fixture(r#"["RS256"]"#).await;
    let active = active_kid(&f.keys, Alg::RS256);
    let next = kid_in(&f.keys, Alg::RS256, KeyState::Next).unwrap();
    let done = f.keys.revoke(&next).await.unwrap();
    assert_eq!(done.was, KeyState::Next);
    assert_eq!(done.now_active.as_deref(), Some(active.as_str()));
    let replacement = done.new_next.unwrap();
    assert_ne!(replacement, next);
    assert_eq!(
        kid_in(&f.keys, Alg::RS256, KeyState::Next),
        Some(replacement)
    );

    let token = f
        .keys
        .sign(Alg::RS256, "JWT", &json!({"sub": "s"}))
        .unwrap();
    f.keys.rotate(true).await.unwrap();
    assert!(
        f.keys.verify(&token).is_ok(),
        "a retired key still verifies"
    );
    let done = f.keys.revoke(&active).await.unwrap();
    assert_eq!(done.was, KeyState::Retired);
    assert_eq!(done.new_next, None);
    assert_eq!(f.keys.verify(&token).unwrap_err(), VerifyError::UnknownKey);
    let states: Vec<KeyState> = f.keys.list().iter().map(|k| k.state).collect();
    assert_eq!(states.len(), 2, "{states:?}");
    assert!(states.contains(&KeyState::Active) && states.contains(&KeyState::Next));
}

#[tokio::test]
async fn revoking_an_unknown_or_revoked_kid_is_an_error_that_changes_nothing() {
    let f = fixture(r#"["RS256"]"#).await;
    let before: Vec<String> = f.keys.list().into_iter().map(|k| k.kid).collect();
    let e = f.keys.revoke("no-such-kid").await.unwrap_err();
    assert!(matches!(e, KeyError::UnknownKid(_)), "{e}");
    let kid = before[0].clone();
    f.keys.revoke(&kid).await.unwrap();
    let e = f.keys.revoke(&kid).await.unwrap_err();
    assert!(matches!(e, KeyError::AlreadyRevoked(_)), "{e}");
    // Several revoked keys of one algorithm: the one-live index covers next and active only.
    let another = active_kid(&f.keys, Alg::RS256);
    f.keys.revoke(&another).await.unwrap();
    assert_eq!(f.keys.list().len(), 2);
}

#[tokio::test]
async fn a_revocation_read_before_a_rotation_loses_and_changes_nothing() {
    let f = fixture(r#"["RS256"]"#).await;
    let now = f.store.clock().now();
    let active = f
        .store
        .key(&active_kid(&f.keys, Alg::RS256))
        .await
        .unwrap()
        .unwrap();
    let next = kid_in(&f.keys, Alg::RS256, KeyState::Next).unwrap();
    // A rotation commits between the revocation's read and its write.
    f.keys.rotate(true).await.unwrap();
    let fresh = f.keys.new_key_row(Alg::RS256, KeyState::Next, now).unwrap();
    let outcome = f
        .store
        .revoke_key(&active, Some(&next), Some(&fresh), now)
        .await
        .unwrap();
    assert_eq!(outcome, Rotation::Lost);
    assert_eq!(
        f.store.key(&active.kid).await.unwrap().unwrap().state,
        KeyState::Retired
    );
    assert!(f.store.key(&fresh.kid).await.unwrap().is_none());
    // Tried again from a fresh read (what `revoke` does), it works.
    assert_eq!(
        f.keys.revoke(&active.kid).await.unwrap().was,
        KeyState::Retired
    );
}
