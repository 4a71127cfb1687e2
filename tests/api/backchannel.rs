//! OpenID Connect Back-Channel Logout 1.0: at `/logout`, every client the session signed in to
//! that registered a `backchannel_logout_uri` gets one signed logout token, without the person's
//! logout waiting for it. The receivers are small axum servers started by each test, registered
//! as an operator would (http on loopback needs no extra flag).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, jwt_header};
use crate::common::{Options, TestApp, eventually, spawn_app_with};

const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// Retries 20 ms and 50 ms after a failed delivery (1 s and 4 s by default), so a test sees them
/// soon and can tell when no more can come.
const QUICK_RETRIES: &str = "[session]\nbackchannel_logout_retry_delays = [\"20ms\", \"50ms\"]\n";

/// Long enough for any retry under [`QUICK_RETRIES`] to have arrived: ten times the longer one.
const QUIET: Duration = Duration::from_millis(500);

/// A server whose back-channel deliveries retry after [`QUICK_RETRIES`].
async fn app_with_quick_retries() -> TestApp {
    spawn_app_with(Options::toml(QUICK_RETRIES)).await
}

/// How a test receiver answers.
#[derive(Clone, Copy)]
enum Behaviour {
    /// 200 every time.
    Ok,
    /// 500 the first time, then 200.
    FailFirst,
    /// 400 every time (the RP could not use the token).
    Refuse,
    /// Never answers.
    Hang,
}

/// One request a receiver got.
#[derive(Clone, Debug)]
struct Hit {
    content_type: String,
    logout_token: Option<String>,
}

/// A client's back-channel logout endpoint, recording what it receives.
struct Receiver {
    uri: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Receiver {
    async fn start(behaviour: Behaviour) -> Receiver {
        let hits = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/backchannel-logout", post(receive))
            .with_state((hits.clone(), behaviour));
        let uri = format!("{}/backchannel-logout", crate::common::serve(app).await);
        Receiver { uri, hits }
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Waits up to `secs` seconds for at least `n` requests; returns what arrived.
    async fn wait_for(&self, n: usize, secs: u64) -> Vec<Hit> {
        eventually(secs, || async { (self.hits().len() >= n).then_some(()) }).await;
        self.hits()
    }

    /// What arrived once deliveries had time for any retry under [`QUICK_RETRIES`].
    async fn hits_after_quiet(&self) -> Vec<Hit> {
        // Concurrency: delivery runs in the server's background; absence takes a wait to see.
        tokio::time::sleep(QUIET).await;
        self.hits()
    }
}

async fn receive(
    State((hits, behaviour)): State<(Arc<Mutex<Vec<Hit>>>, Behaviour)>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let hit = Hit {
        content_type: headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        logout_token: form_urlencoded::parse(body.as_bytes())
            .find(|(k, _)| k == "logout_token")
            .map(|(_, v)| v.into_owned()),
    };
    let seen_before = {
        let mut hits = hits.lock().unwrap();
        hits.push(hit);
        hits.len() - 1
    };
    match behaviour {
        Behaviour::Ok => StatusCode::OK,
        Behaviour::FailFirst if seen_before == 0 => StatusCode::INTERNAL_SERVER_ERROR,
        Behaviour::FailFirst => StatusCode::OK,
        Behaviour::Refuse => StatusCode::BAD_REQUEST,
        Behaviour::Hang => std::future::pending().await,
    }
}

/// A first-party client (no consent page) notified at `receiver`.
async fn rp_with_backchannel(app: &TestApp, receiver: &Receiver) -> Rp {
    app.rp(&["--first-party", "--backchannel-logout-uri", &receiver.uri])
        .await
}

/// Signs in to `rp` through the code flow (logging in if needed); returns the ID token.
async fn sign_in(app: &TestApp, rp: &Rp) -> String {
    let pkce = Pkce::new();
    let req = AuthRequest::new(rp, &pkce).set("scope", Some("openid"));
    let first = app.authorize(&req).await;
    let code = if crate::common::flow::location(&first) == "/login" {
        crate::common::flow::callback(&app.login(USERNAME, PASSWORD).await)["code"].clone()
    } else {
        crate::common::flow::callback(&first)["code"].clone()
    };
    let (status, body) = app.exchange(rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    body["id_token"].as_str().unwrap().to_string()
}

/// Signs `username` in to `rp` in a browser of its own (a separate cookie jar), up to the code.
async fn sign_in_elsewhere(app: &TestApp, rp: &Rp, username: &str) {
    use crate::common::flow::{callback, location};
    let browser = crate::common::http_client();
    let req = AuthRequest::new(rp, &Pkce::new()).set("scope", Some("openid"));
    let r = browser
        .get(format!("{}?{}", app.url("/authorize"), req.query()))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login");
    let r = crate::common::flow::log_in_with(app, &browser, username, PASSWORD).await;
    assert!(callback(&r).contains_key("code"), "{username} signed in");
}

/// Logs out with an ID token hint of the signed-in person (no confirmation page).
async fn logout(app: &TestApp, id_token: &str) -> reqwest::Response {
    let r = app
        .http
        .get(app.url("/logout"))
        .query(&[("id_token_hint", id_token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r
}

/// Verifies `token` as a relying party would (Back-Channel Logout 1.0 §2.6), with an independent
/// JOSE library and nothing but the JWKS: signature by `kid` with the key's own algorithm, `iss`,
/// `aud`, `exp`, `typ`, `events`, and no `nonce`. Returns the claims.
async fn rp_verify(app: &TestApp, client_id: &str, token: &str) -> serde_json::Value {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, jwk::Jwk};
    let jwks: serde_json::Value = app.get_json("/jwks").await;
    let header = jsonwebtoken::decode_header(token).unwrap();
    let kid = header.kid.expect("kid");
    let raw = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("the signing key is published");
    let jwk: Jwk = serde_json::from_value(raw.clone()).unwrap();
    let alg: Algorithm = raw["alg"].as_str().unwrap().parse().unwrap();
    let mut validation = Validation::new(alg);
    validation.set_issuer(&[&app.issuer]);
    validation.set_audience(&[client_id]);
    validation.leeway = 0;
    let data =
        decode::<serde_json::Value>(token, &DecodingKey::from_jwk(&jwk).unwrap(), &validation)
            .expect("the logout token verifies against /jwks");
    assert_eq!(data.header.typ.as_deref(), Some("logout+jwt"));
    let claims = data.claims;
    assert_eq!(claims["events"], serde_json::json!({ EVENT: {} }));
    assert!(
        claims.get("nonce").is_none(),
        "§2.4: a logout token has no nonce"
    );
    claims
}

#[tokio::test]
async fn a_client_the_session_signed_in_to_gets_one_verifiable_logout_token() {
    let app = app_with_quick_retries().await;
    app.create_user(USERNAME, PASSWORD).await;
    let receiver = Receiver::start(Behaviour::Ok).await;
    let rp = rp_with_backchannel(&app, &receiver).await;
    let id_token = sign_in(&app, &rp).await;
    // A second code in the same session must not mean a second notification.
    let id_token = {
        let again = sign_in(&app, &rp).await;
        assert_eq!(
            crate::common::flow::jwt_claims(&again)["sid"],
            crate::common::flow::jwt_claims(&id_token)["sid"]
        );
        again
    };
    assert!(receiver.hits().is_empty(), "nothing is sent before logout");

    logout(&app, &id_token).await;
    let hits = receiver.wait_for(1, 15).await;
    assert_eq!(hits.len(), 1, "one logout token");
    // No retries follow a 200.
    assert_eq!(
        receiver.hits_after_quiet().await.len(),
        1,
        "exactly one logout token"
    );

    let hit = &hits[0];
    assert!(
        hit.content_type
            .starts_with("application/x-www-form-urlencoded"),
        "§2.5: {}",
        hit.content_type
    );
    let token = hit.logout_token.as_deref().expect("logout_token parameter");
    let claims = rp_verify(&app, &rp.client_id, token).await;
    let id = crate::common::flow::jwt_claims(&id_token);
    assert_eq!(claims["iss"], app.issuer.as_str());
    assert_eq!(claims["aud"], rp.client_id.as_str());
    assert_eq!(claims["sub"], id["sub"]);
    assert_eq!(claims["sid"], id["sid"]);
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert!(
        exp > iat && exp - iat <= 300,
        "short-lived: iat {iat}, exp {exp}"
    );
    // Signed like the client's ID tokens.
    assert_eq!(jwt_header(token)["alg"], jwt_header(&id_token)["alg"]);
}

#[tokio::test]
async fn only_clients_the_session_signed_in_to_with_a_backchannel_uri_are_notified() {
    let app = app_with_quick_retries().await;
    app.create_user(USERNAME, PASSWORD).await;
    let signed_in = Receiver::start(Behaviour::Ok).await;
    let never_signed_in = Receiver::start(Behaviour::Ok).await;
    let a = rp_with_backchannel(&app, &signed_in).await;
    let b = rp_with_backchannel(&app, &never_signed_in).await;
    let plain = app.rp(&["--first-party"]).await;
    sign_in(&app, &a).await;
    let id_token = sign_in(&app, &plain).await;

    // Another person signed in to b in another browser: not this session's business.
    app.create_user("bob", PASSWORD).await;
    sign_in_elsewhere(&app, &b, "bob").await;

    logout(&app, &id_token).await;
    let hits = signed_in.wait_for(1, 15).await;
    assert_eq!(hits.len(), 1);
    let token = hits[0].logout_token.as_deref().unwrap();
    assert_eq!(
        rp_verify(&app, &a.client_id, token).await["aud"],
        a.client_id.as_str()
    );
    assert!(
        never_signed_in.hits_after_quiet().await.is_empty(),
        "a client the session never signed in to gets nothing"
    );
    assert_eq!(signed_in.hits().len(), 1);
}

#[tokio::test]
async fn a_receiver_answering_500_is_retried_until_it_accepts() {
    let app = app_with_quick_retries().await;
    app.create_user(USERNAME, PASSWORD).await;
    let receiver = Receiver::start(Behaviour::FailFirst).await;
    let rp = rp_with_backchannel(&app, &receiver).await;
    let id_token = sign_in(&app, &rp).await;
    logout(&app, &id_token).await;

    let hits = receiver.wait_for(2, 20).await;
    assert_eq!(hits.len(), 2, "the 500 is retried");
    assert_eq!(
        hits[0].logout_token, hits[1].logout_token,
        "the retry carries the same token"
    );
    rp_verify(
        &app,
        &rp.client_id,
        hits[1].logout_token.as_deref().unwrap(),
    )
    .await;
    // A last retry would come 50 ms after the second attempt; none follows a 200.
    assert_eq!(
        receiver.hits_after_quiet().await.len(),
        2,
        "no retry after success"
    );
}

#[tokio::test]
async fn a_receiver_answering_400_is_not_retried() {
    let app = app_with_quick_retries().await;
    app.create_user(USERNAME, PASSWORD).await;
    let receiver = Receiver::start(Behaviour::Refuse).await;
    let rp = rp_with_backchannel(&app, &receiver).await;
    let id_token = sign_in(&app, &rp).await;
    logout(&app, &id_token).await;

    assert_eq!(receiver.wait_for(1, 15).await.len(), 1);
    // A retry would come after 20 ms.
    assert_eq!(
        receiver.hits_after_quiet().await.len(),
        1,
        "§2.8: a 400 is final"
    );
}

#[tokio::test]
async fn a_hanging_receiver_does_not_delay_the_logout() {
    // With a 30 s delivery timeout, a logout that waited for the receiver would take 30 s.
    let app = spawn_app_with(Options::toml(
        "[session]\nbackchannel_logout_timeout = \"30s\"\n",
    ))
    .await;
    app.create_user(USERNAME, PASSWORD).await;
    let receiver = Receiver::start(Behaviour::Hang).await;
    let rp = rp_with_backchannel(&app, &receiver).await;
    let id_token = sign_in(&app, &rp).await;

    let started = Instant::now();
    let page = logout(&app, &id_token).await;
    let took = started.elapsed();
    assert!(page.text().await.unwrap().contains("You are signed out"));
    assert!(
        took < Duration::from_secs(10),
        "the logout answer waited for the client: {took:?}"
    );
    // The receiver really was called (and is still hanging).
    assert_eq!(receiver.wait_for(1, 15).await.len(), 1);
}

#[tokio::test]
async fn discovery_advertises_back_channel_logout_with_sid() {
    let app = crate::common::spawn_app().await;
    let d: serde_json::Value = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(d["backchannel_logout_supported"], true);
    assert_eq!(d["backchannel_logout_session_supported"], true);
}
