//! DPoP (RFC 9449): proofs at `/token` for every grant, tokens bound to the proof's key
//! (`token_type: DPoP`, `cnf.jkt`), the `dpop_jkt` code binding, public clients' bound refresh
//! tokens, `/userinfo` with the `DPoP` scheme, introspection's `cnf`, server nonces, and every
//! bad proof the issue lists, each refused with the RFC's error and status and nothing issued.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::Jwk;
use josekit::jws::{ES256, HS256, JwsHeader};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::cluster::spawn_peer;
use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, jwt_claims};
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

/// A client's DPoP key (ES256) and the proofs it makes.
pub(crate) struct DpopKey {
    private: Jwk,
    public: Jwk,
}

/// What a proof says; tests tamper with it.
pub(crate) struct ProofSpec<'a> {
    htm: &'a str,
    htu: String,
    iat: i64,
    jti: String,
    ath: Option<String>,
    nonce: Option<String>,
}

impl DpopKey {
    pub(crate) fn generate() -> Self {
        let pair = ES256.generate_key_pair().unwrap();
        DpopKey {
            private: pair.to_jwk_private_key(),
            public: pair.to_jwk_public_key(),
        }
    }

    /// RFC 7638 thumbprint of the public key.
    pub(crate) fn jkt(&self) -> String {
        let m = self.public.as_ref();
        let canonical = json!({"crv": m["crv"], "kty": m["kty"], "x": m["x"], "y": m["y"]});
        URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.to_string().as_bytes()))
    }

    fn sign(&self, spec: &ProofSpec<'_>, header_jwk: &Jwk) -> String {
        let mut header = JwsHeader::new();
        header.set_token_type("dpop+jwt");
        header.set_jwk(header_jwk.clone());
        let mut claims = json!({
            "htm": spec.htm, "htu": spec.htu, "iat": spec.iat, "jti": spec.jti,
        });
        if let Some(ath) = &spec.ath {
            claims["ath"] = json!(ath);
        }
        if let Some(nonce) = &spec.nonce {
            claims["nonce"] = json!(nonce);
        }
        let signer = ES256.signer_from_jwk(&self.private).unwrap();
        josekit::jws::serialize_compact(claims.to_string().as_bytes(), &header, &signer).unwrap()
    }

    pub(crate) fn proof_for(&self, spec: &ProofSpec<'_>) -> String {
        self.sign(spec, &self.public)
    }
}

pub(crate) fn spec<'a>(app: &TestApp, htm: &'a str, path: &str) -> ProofSpec<'a> {
    ProofSpec {
        htm,
        htu: app.url(path),
        iat: app.now(),
        jti: uuid::Uuid::new_v4().to_string(),
        ath: None,
        nonce: None,
    }
}

fn ath(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// What `/token` or `/userinfo` answered.
struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Reply {
    fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }
    fn www_authenticate(&self) -> String {
        self.headers
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

async fn send(req: reqwest::RequestBuilder) -> Reply {
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

/// `POST /token` at `url` with `proofs` as `DPoP` headers, client_secret_basic when `basic`.
async fn token_at(
    url: &str,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
    proofs: &[&str],
) -> Reply {
    let mut req = reqwest::Client::new().post(url).form(form);
    if let Some((id, secret)) = basic {
        req = req.basic_auth(id, Some(secret));
    }
    for p in proofs {
        req = req.header("DPoP", *p);
    }
    send(req).await
}

async fn token(
    app: &TestApp,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
    proofs: &[&str],
) -> Reply {
    token_at(&app.url("/token"), basic, form, proofs).await
}

const CC: &[(&str, &str)] = &[("grant_type", "client_credentials")];

/// `GET /userinfo` with `Authorization: <scheme> <token>` and an optional proof.
async fn userinfo(app: &TestApp, scheme: &str, token: &str, proof: Option<&str>) -> Reply {
    let mut req = reqwest::Client::new()
        .get(app.url("/userinfo"))
        .header("Authorization", format!("{scheme} {token}"));
    if let Some(p) = proof {
        req = req.header("DPoP", p);
    }
    send(req).await
}

/// Asserts a refused token request: `error` with 400 and no token.
fn assert_refused(r: &Reply, error: &str) {
    assert_eq!((r.status, r.error()), (400, error), "{}", r.body);
    assert!(r.body.get("access_token").is_none());
}

#[tokio::test]
async fn discovery_lists_the_proof_algorithms() {
    let app = spawn_app().await;
    let doc: Value = reqwest::get(app.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["dpop_signing_alg_values_supported"],
        json!(["ES256", "EdDSA", "PS256", "RS256"])
    );
}

#[tokio::test]
async fn client_credentials_with_a_proof_is_a_dpop_token_bound_to_the_key() {
    let app = spawn_app().await;
    let (id, secret) = app.service_client(&[]).await;
    let key = DpopKey::generate();
    let proof = key.proof_for(&spec(&app, "POST", "/token"));
    let r = token(&app, Some((&id, &secret)), CC, &[&proof]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["token_type"], "DPoP");
    let claims = jwt_claims(r.body["access_token"].as_str().unwrap());
    assert_eq!(claims["cnf"]["jkt"], key.jkt());
    // Introspection tells a resource server what the token is bound to (RFC 9449 §6.2).
    let at = r.body["access_token"].as_str().unwrap();
    let i = app.introspect(&id, &secret, at).await;
    assert_eq!(i["active"], true);
    assert_eq!(i["token_type"], "DPoP");
    assert_eq!(i["cnf"]["jkt"], key.jkt());

    // Without a proof: a bearer token, as before.
    let r = token(&app, Some((&id, &secret)), CC, &[]).await;
    assert_eq!(r.body["token_type"], "Bearer");
    assert!(jwt_claims(r.body["access_token"].as_str().unwrap())["cnf"].is_null());
    // A query or fragment on htu is ignored, and scheme and host compare case-insensitively.
    let mut s = spec(&app, "POST", "/token");
    s.htu = format!("{}?x=1#f", s.htu.replacen("http://", "HTTP://", 1));
    let r = token(&app, Some((&id, &secret)), CC, &[&key.proof_for(&s)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn bad_proofs_are_invalid_dpop_proof_and_issue_nothing() {
    let app = spawn_app().await;
    let (id, secret) = app.service_client(&[]).await;
    let basic = Some((id.as_str(), secret.as_str()));
    let key = DpopKey::generate();

    // Replayed: the same proof twice.
    let proof = key.proof_for(&spec(&app, "POST", "/token"));
    assert_eq!(token(&app, basic, CC, &[&proof]).await.status, 200);
    assert_refused(
        &token(&app, basic, CC, &[&proof]).await,
        "invalid_dpop_proof",
    );

    // A private key in the jwk header.
    let leaked = key.sign(&spec(&app, "POST", "/token"), &key.private);
    assert_refused(
        &token(&app, basic, CC, &[&leaked]).await,
        "invalid_dpop_proof",
    );

    // An HMAC algorithm.
    let oct = Jwk::from_map(
        json!({"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC14eA"})
            .as_object()
            .unwrap()
            .clone(),
    )
    .unwrap();
    let mut h = JwsHeader::new();
    h.set_token_type("dpop+jwt");
    let s = spec(&app, "POST", "/token");
    let claims = json!({"htm": s.htm, "htu": s.htu, "iat": s.iat, "jti": s.jti});
    let hmac = josekit::jws::serialize_compact(
        claims.to_string().as_bytes(),
        &h,
        &HS256.signer_from_jwk(&oct).unwrap(),
    )
    .unwrap();
    assert_refused(
        &token(&app, basic, CC, &[&hmac]).await,
        "invalid_dpop_proof",
    );

    // Wrong htu, wrong htm.
    let wrong_htu = key.proof_for(&spec(&app, "POST", "/userinfo"));
    assert_refused(
        &token(&app, basic, CC, &[&wrong_htu]).await,
        "invalid_dpop_proof",
    );
    let wrong_htm = key.proof_for(&spec(&app, "GET", "/token"));
    assert_refused(
        &token(&app, basic, CC, &[&wrong_htm]).await,
        "invalid_dpop_proof",
    );

    // An iat outside [dpop] max_clock_skew (60 s), either way.
    let old = key.proof_for(&spec(&app, "POST", "/token"));
    app.advance(Duration::from_secs(61));
    assert_refused(&token(&app, basic, CC, &[&old]).await, "invalid_dpop_proof");
    let mut future = spec(&app, "POST", "/token");
    future.iat += 120;
    let future = key.proof_for(&future);
    assert_refused(
        &token(&app, basic, CC, &[&future]).await,
        "invalid_dpop_proof",
    );

    // Not typed dpop+jwt, two DPoP headers, not a JWT at all, and a 100 KB proof.
    let mut h = JwsHeader::new();
    h.set_token_type("JWT");
    h.set_jwk(key.public.clone());
    let s = spec(&app, "POST", "/token");
    let claims = json!({"htm": s.htm, "htu": s.htu, "iat": s.iat, "jti": s.jti});
    let untyped = josekit::jws::serialize_compact(
        claims.to_string().as_bytes(),
        &h,
        &ES256.signer_from_jwk(&key.private).unwrap(),
    )
    .unwrap();
    assert_refused(
        &token(&app, basic, CC, &[&untyped]).await,
        "invalid_dpop_proof",
    );
    let a = key.proof_for(&spec(&app, "POST", "/token"));
    let b = key.proof_for(&spec(&app, "POST", "/token"));
    assert_refused(
        &token(&app, basic, CC, &[&a, &b]).await,
        "invalid_dpop_proof",
    );
    assert_refused(
        &token(&app, basic, CC, &["not-a-jwt"]).await,
        "invalid_dpop_proof",
    );
    let huge = format!("{}.{}.{}", "e".repeat(50_000), "e".repeat(50_000), "e");
    assert_refused(
        &token(&app, basic, CC, &[&huge]).await,
        "invalid_dpop_proof",
    );
    // A proof with no jti.
    let mut h = JwsHeader::new();
    h.set_token_type("dpop+jwt");
    h.set_jwk(key.public.clone());
    let s = spec(&app, "POST", "/token");
    let claims = json!({"htm": s.htm, "htu": s.htu, "iat": s.iat});
    let no_jti = josekit::jws::serialize_compact(
        claims.to_string().as_bytes(),
        &h,
        &ES256.signer_from_jwk(&key.private).unwrap(),
    )
    .unwrap();
    assert_refused(
        &token(&app, basic, CC, &[&no_jti]).await,
        "invalid_dpop_proof",
    );
}

#[tokio::test]
async fn a_proof_accepted_by_one_instance_is_a_replay_at_another() {
    let app = spawn_app().await;
    let peer = spawn_peer(&app, "").await;
    let (id, secret) = app.service_client(&[]).await;
    let basic = Some((id.as_str(), secret.as_str()));
    let key = DpopKey::generate();
    let proof = key.proof_for(&spec(&app, "POST", "/token"));
    assert_eq!(token(&app, basic, CC, &[&proof]).await.status, 200);
    let r = token_at(&peer.url("/token"), basic, CC, &[&proof]).await;
    assert_refused(&r, "invalid_dpop_proof");
}

/// Accepted proofs are recorded many per statement (group commit): concurrent copies of one
/// proof, sent to two instances at once, still get exactly one token, and concurrent distinct
/// proofs each get theirs.
#[tokio::test]
async fn concurrent_copies_of_a_proof_get_one_token_and_distinct_proofs_each_get_one() {
    let app = spawn_app().await;
    let peer = spawn_peer(&app, "").await;
    let (id, secret) = app.service_client(&[]).await;
    let key = DpopKey::generate();
    let copy = key.proof_for(&spec(&app, "POST", "/token"));
    let distinct: Vec<String> = (0..12)
        .map(|_| key.proof_for(&spec(&app, "POST", "/token")))
        .collect();
    let urls = [app.url("/token"), peer.url("/token")];
    let send_all = |proofs: Vec<String>| {
        let mut set = tokio::task::JoinSet::new();
        for (i, proof) in proofs.into_iter().enumerate() {
            let (url, id, secret) = (urls[i % 2].clone(), id.clone(), secret.clone());
            set.spawn(async move { token_at(&url, Some((&id, &secret)), CC, &[&proof]).await });
        }
        set
    };
    let mut copies_set = send_all(vec![copy; 12]);
    let mut others_set = send_all(distinct);
    let (mut copies, mut others) = (vec![], vec![]);
    while let Some(r) = copies_set.join_next().await {
        copies.push(r.unwrap());
    }
    while let Some(r) = others_set.join_next().await {
        others.push(r.unwrap());
    }
    let issued = copies.iter().filter(|r| r.status == 200).count();
    assert_eq!(issued, 1, "copies of one proof issued {issued} tokens");
    for r in copies.iter().filter(|r| r.status != 200) {
        assert_refused(r, "invalid_dpop_proof");
    }
    for r in &others {
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

#[tokio::test]
async fn a_dpop_bound_client_must_send_a_proof() {
    let app = spawn_app().await;
    let (id, secret) = app.service_client(&["--dpop-bound"]).await;
    let basic = Some((id.as_str(), secret.as_str()));
    // RFC 9449 §5.2: a token request without the DPoP header is refused.
    assert_refused(&token(&app, basic, CC, &[]).await, "invalid_dpop_proof");
    let key = DpopKey::generate();
    let r = token(
        &app,
        basic,
        CC,
        &[&key.proof_for(&spec(&app, "POST", "/token"))],
    )
    .await;
    assert_eq!(r.body["token_type"], "DPoP", "{}", r.body);
    // The CLI turns it off again.
    let out = app
        .cli_json(
            &[
                "client",
                "update",
                "--client-id",
                &id,
                "--no-dpop-bound",
                "--json",
            ],
            None,
        )
        .await;
    assert_eq!(out["dpop_bound_access_tokens"], false);
    app.catch_up().await;
    assert_eq!(token(&app, basic, CC, &[]).await.status, 200);
}

/// A public client, signed in with `dpop_jkt` bound to `key` when given; returns the code.
async fn public_code(app: &TestApp, rp: &Rp, pkce: &Pkce, dpop_jkt: Option<&str>) -> String {
    let req = AuthRequest::new(rp, pkce)
        .set("scope", Some("openid offline_access"))
        .set("dpop_jkt", dpop_jkt);
    app.code_via_login(&req).await["code"].clone()
}

async fn public_rp(app: &TestApp) -> Rp {
    app.create_user(USERNAME, PASSWORD).await;
    app.rp(&["--public", "--first-party"]).await
}

async fn redeem(app: &TestApp, rp: &Rp, code: &str, pkce: &Pkce, proofs: &[&str]) -> Reply {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", rp.redirect_uri.as_str()),
        ("code_verifier", pkce.verifier.as_str()),
        ("client_id", rp.client_id.as_str()),
    ];
    token(app, None, &form, proofs).await
}

async fn refresh(app: &TestApp, rp: &Rp, refresh_token: &str, proofs: &[&str]) -> Reply {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", rp.client_id.as_str()),
    ];
    token(app, None, &form, proofs).await
}

#[tokio::test]
async fn a_code_bound_with_dpop_jkt_needs_a_proof_by_that_key() {
    let app = spawn_app().await;
    let rp = public_rp(&app).await;
    let key = DpopKey::generate();
    let other = DpopKey::generate();
    let pkce = Pkce::new();
    let code = public_code(&app, &rp, &pkce, Some(&key.jkt())).await;
    // RFC 9449 §10.1: no proof, or a proof by another key, is invalid_grant; nothing issued.
    assert_refused(&redeem(&app, &rp, &code, &pkce, &[]).await, "invalid_grant");
    let wrong = other.proof_for(&spec(&app, "POST", "/token"));
    assert_refused(
        &redeem(&app, &rp, &code, &pkce, &[&wrong]).await,
        "invalid_grant",
    );
    // A code is spent by its first redemption, refused or not (as with PKCE); a fresh one
    // shows the right key works.
    let pkce = Pkce::new();
    let req = AuthRequest::new(&rp, &pkce)
        .set("scope", Some("openid offline_access"))
        .set("dpop_jkt", Some(&key.jkt()));
    let code = app.code_via_login_again(&req).await;
    let right = key.proof_for(&spec(&app, "POST", "/token"));
    let r = redeem(&app, &rp, &code, &pkce, &[&right]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["token_type"], "DPoP");
    let claims = jwt_claims(r.body["access_token"].as_str().unwrap());
    assert_eq!(claims["cnf"]["jkt"], key.jkt());
    // A malformed dpop_jkt is refused at /authorize.
    let req = AuthRequest::new(&rp, &Pkce::new()).set("dpop_jkt", Some("short"));
    let cb = crate::common::flow::callback(&app.authorize(&req).await);
    assert_eq!(cb["error"], "invalid_request");
}

#[tokio::test]
async fn a_public_clients_refresh_token_is_bound_to_its_dpop_key() {
    let app = spawn_app().await;
    let rp = public_rp(&app).await;
    let key = DpopKey::generate();
    let other = DpopKey::generate();
    let pkce = Pkce::new();
    let code = public_code(&app, &rp, &pkce, None).await;
    let proof = key.proof_for(&spec(&app, "POST", "/token"));
    let r = redeem(&app, &rp, &code, &pkce, &[&proof]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rt = r.body["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_string();

    // RFC 9449 §5: another key, or none, gets nothing, and the token stays usable.
    let wrong = other.proof_for(&spec(&app, "POST", "/token"));
    assert_refused(&refresh(&app, &rp, &rt, &[&wrong]).await, "invalid_grant");
    assert_refused(&refresh(&app, &rp, &rt, &[]).await, "invalid_grant");
    let right = key.proof_for(&spec(&app, "POST", "/token"));
    let r = refresh(&app, &rp, &rt, &[&right]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["token_type"], "DPoP");
    let rotated = r.body["refresh_token"].as_str().unwrap();
    // The family stays bound after rotation.
    assert_refused(&refresh(&app, &rp, rotated, &[]).await, "invalid_grant");
}

#[tokio::test]
async fn a_confidential_clients_refresh_token_is_not_bound() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let secret = rp.secret.clone().unwrap();
    let pkce = Pkce::new();
    let req = AuthRequest::new(&rp, &pkce).set("scope", Some("openid offline_access"));
    let code = app.code_via_login(&req).await["code"].clone();
    let key = DpopKey::generate();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", rp.redirect_uri.as_str()),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    let proof = key.proof_for(&spec(&app, "POST", "/token"));
    let r = token(&app, Some((&rp.client_id, &secret)), &form, &[&proof]).await;
    assert_eq!(r.body["token_type"], "DPoP", "{}", r.body);
    let rt = r.body["refresh_token"].as_str().unwrap();
    // §5: it authenticates anyway, so its refresh token works without a proof (a bearer token).
    let a = app.refresh(&rp.client_id, &secret, rt).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["token_type"], "Bearer");
}

#[tokio::test]
async fn userinfo_takes_a_bound_token_only_with_the_dpop_scheme_and_a_matching_proof() {
    let app = spawn_app().await;
    let rp = public_rp(&app).await;
    let key = DpopKey::generate();
    let other = DpopKey::generate();
    let pkce = Pkce::new();
    let code = public_code(&app, &rp, &pkce, None).await;
    let r = redeem(
        &app,
        &rp,
        &code,
        &pkce,
        &[&key.proof_for(&spec(&app, "POST", "/token"))],
    )
    .await;
    let at = r.body["access_token"].as_str().unwrap().to_string();
    let with_ath = |key: &DpopKey, token: &str| {
        let mut s = spec(&app, "GET", "/userinfo");
        s.ath = Some(ath(token));
        key.proof_for(&s)
    };

    // The right scheme, key and ath.
    let ok = userinfo(&app, "DPoP", &at, Some(&with_ath(&key, &at))).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body["sub"].is_string());

    // As a Bearer token: 401 with a DPoP challenge (RFC 9449 §7.2).
    let r = userinfo(&app, "Bearer", &at, None).await;
    assert_eq!(r.status, 401);
    let challenge = r.www_authenticate();
    assert!(challenge.starts_with("DPoP "), "{challenge}");
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(
        challenge.contains("algs=\"ES256 EdDSA PS256 RS256\""),
        "{challenge}"
    );

    let refused = |r: &Reply| {
        assert_eq!(r.status, 401, "{}", r.body);
        assert_eq!(r.error(), "invalid_dpop_proof");
        assert!(
            r.www_authenticate()
                .contains("error=\"invalid_dpop_proof\""),
            "{}",
            r.www_authenticate()
        );
        assert!(r.body.get("sub").is_none());
    };
    // No proof; no ath; a wrong ath; a proof by another key; a replayed proof.
    refused(&userinfo(&app, "DPoP", &at, None).await);
    let no_ath = key.proof_for(&spec(&app, "GET", "/userinfo"));
    refused(&userinfo(&app, "DPoP", &at, Some(&no_ath)).await);
    refused(&userinfo(&app, "DPoP", &at, Some(&with_ath(&key, "another-token"))).await);
    refused(&userinfo(&app, "DPoP", &at, Some(&with_ath(&other, &at))).await);
    let once = with_ath(&key, &at);
    assert_eq!(userinfo(&app, "DPoP", &at, Some(&once)).await.status, 200);
    refused(&userinfo(&app, "DPoP", &at, Some(&once)).await);

    // An unbound token with the DPoP scheme is refused too.
    let (id, secret) = app.service_client(&["--scope", "openid"]).await;
    let bearer = app.client_credentials_token(&id, &secret).await;
    let r = userinfo(&app, "DPoP", &bearer, Some(&with_ath(&key, &bearer))).await;
    assert_eq!((r.status, r.error()), (401, "invalid_token"));
}

#[tokio::test]
async fn required_nonces_are_handed_out_and_retried_at_token_and_userinfo() {
    let app = spawn_app_with(Options::toml("\n[dpop]\nrequire_nonce = true\n")).await;
    let (id, secret) = app.service_client(&[]).await;
    let basic = Some((id.as_str(), secret.as_str()));
    let key = DpopKey::generate();

    // RFC 9449 §8: no nonce → 400 use_dpop_nonce with a DPoP-Nonce header.
    let r = token(
        &app,
        basic,
        CC,
        &[&key.proof_for(&spec(&app, "POST", "/token"))],
    )
    .await;
    assert_refused(&r, "use_dpop_nonce");
    let nonce = r.headers["dpop-nonce"].to_str().unwrap().to_string();
    // The retry with the nonce succeeds and gets a fresh nonce.
    let mut s = spec(&app, "POST", "/token");
    s.nonce = Some(nonce.clone());
    let r = token(&app, basic, CC, &[&key.proof_for(&s)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.headers.contains_key("dpop-nonce"));

    // A person's token, for userinfo (the nonce of a refusal works for the retry).
    let rp = public_rp(&app).await;
    let pkce = Pkce::new();
    let code = public_code(&app, &rp, &pkce, None).await;
    let mut s = spec(&app, "POST", "/token");
    s.nonce = Some(nonce.clone());
    let r = redeem(&app, &rp, &code, &pkce, &[&key.proof_for(&s)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body["access_token"].as_str().unwrap().to_string();

    // At userinfo: 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"` (§9).
    let mut s = spec(&app, "GET", "/userinfo");
    s.ath = Some(ath(&at));
    let r = userinfo(&app, "DPoP", &at, Some(&key.proof_for(&s))).await;
    assert_eq!(r.status, 401);
    assert!(r.www_authenticate().contains("error=\"use_dpop_nonce\""));
    let fresh = r.headers["dpop-nonce"].to_str().unwrap().to_string();
    let mut s = spec(&app, "GET", "/userinfo");
    s.ath = Some(ath(&at));
    s.nonce = Some(fresh);
    assert_eq!(
        userinfo(&app, "DPoP", &at, Some(&key.proof_for(&s)))
            .await
            .status,
        200
    );

    // A nonce two windows old is stale; so is an invented one.
    app.advance(Duration::from_secs(130));
    for stale in [nonce.as_str(), "invented"] {
        let mut s = spec(&app, "POST", "/token");
        s.nonce = Some(stale.to_string());
        let r = token(&app, basic, CC, &[&key.proof_for(&s)]).await;
        assert_refused(&r, "use_dpop_nonce");
    }
}

#[tokio::test]
async fn a_registered_client_may_ask_for_dpop_bound_access_tokens() {
    let app = spawn_app_with(Options::toml("\n[registration]\nmode = \"open\"\n")).await;
    let r = reqwest::Client::new()
        .post(app.url("/register"))
        .json(&json!({
            "redirect_uris": ["https://rp.example.com/cb"],
            "token_endpoint_auth_method": "none",
            "dpop_bound_access_tokens": true,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["dpop_bound_access_tokens"], true, "{c}");
}

#[tokio::test]
async fn the_example_resource_server_verifies_dpop_bound_tokens() {
    use tessera_resource_server_example::{Verifier, app as resource_app};
    let app = spawn_app().await;
    let rs = crate::common::serve(resource_app(Verifier::new(
        &app.issuer,
        &app.issuer,
        &app.url("/jwks"),
    )))
    .await;
    let (id, secret) = app.service_client(&[]).await;
    let key = DpopKey::generate();
    let proof = key.proof_for(&spec(&app, "POST", "/token"));
    let r = token(&app, Some((&id, &secret)), CC, &[&proof]).await;
    let at = r.body["access_token"].as_str().unwrap().to_string();
    // The resource server reads the system clock.
    let rs_proof = |key: &DpopKey, token: &str| {
        key.proof_for(&ProofSpec {
            htm: "GET",
            htu: format!("{rs}/me"),
            iat: tessera::clock::Clock::system().now(),
            jti: uuid::Uuid::new_v4().to_string(),
            ath: Some(ath(token)),
            nonce: None,
        })
    };
    let call = |scheme: &str, proof: Option<String>| {
        let mut req = reqwest::Client::new()
            .get(format!("{rs}/me"))
            .header("Authorization", format!("{scheme} {at}"));
        if let Some(p) = proof {
            req = req.header("DPoP", p);
        }
        send(req)
    };
    let ok = call("DPoP", Some(rs_proof(&key, &at))).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["sub"], id);
    let r = call("Bearer", None).await;
    assert_eq!(r.status, 401);
    assert!(r.www_authenticate().starts_with("DPoP "));
    assert!(r.www_authenticate().contains("error=\"invalid_token\""));
    for bad in [
        None,
        Some(rs_proof(&DpopKey::generate(), &at)),
        Some(rs_proof(&key, "another-token")),
    ] {
        let r = call("DPoP", bad).await;
        assert_eq!(
            (r.status, r.error()),
            (401, "invalid_dpop_proof"),
            "{}",
            r.body
        );
    }
    let once = rs_proof(&key, &at);
    assert_eq!(call("DPoP", Some(once.clone())).await.status, 200);
    assert_eq!(call("DPoP", Some(once)).await.error(), "invalid_dpop_proof");
}
