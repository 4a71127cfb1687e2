//! The device authorization grant (RFC 8628), driven as a device and a person would: the device
//! asks `/device_authorization`, the person types the user code on `/device`, signs in and
//! answers the consent page, and the device polls `/token`.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::common::flow::{PASSWORD, USERNAME, csrf, jwt_claims, location, log_in_with};
use crate::common::grants::Answer;
use crate::common::{Options, TestApp, http_client, spawn_app, spawn_app_with};

pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// A public device client allowed openid, profile and offline_access, with refresh tokens.
pub async fn device_client(app: &TestApp) -> String {
    let (id, _) = app
        .create_client(&[
            "--name",
            "Living Room TV",
            "--public",
            "--grant-type",
            DEVICE_GRANT,
            "--grant-type",
            "refresh_token",
            "--scope",
            "openid profile offline_access",
        ])
        .await;
    id
}

/// `POST /device_authorization` as the public client `client_id`.
pub async fn start(app: &TestApp, client_id: &str, scope: &str) -> Answer {
    app.post_form(
        "/device_authorization",
        None,
        &[("client_id", client_id), ("scope", scope)],
    )
    .await
}

/// A started request that succeeded: (device_code, user_code).
pub async fn started(app: &TestApp, client_id: &str, scope: &str) -> (String, String) {
    let a = start(app, client_id, scope).await;
    assert_eq!(a.status, 200, "{}", a.body);
    (
        a.body["device_code"].as_str().unwrap().to_string(),
        a.body["user_code"].as_str().unwrap().to_string(),
    )
}

/// One poll at the token endpoint.
pub async fn poll(app: &TestApp, client_id: &str, device_code: &str) -> Answer {
    app.post_form(
        "/token",
        None,
        &[
            ("grant_type", DEVICE_GRANT),
            ("device_code", device_code),
            ("client_id", client_id),
        ],
    )
    .await
}

/// Submits `typed` on `/device` in `browser`; returns the response to the POST.
pub async fn enter_code(
    app: &TestApp,
    browser: &reqwest::Client,
    typed: &str,
) -> reqwest::Response {
    let html = browser
        .get(app.url("/device"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    browser
        .post(app.url("/device"))
        .form(&[("user_code", typed), ("csrf_token", &csrf(&html))])
        .send()
        .await
        .expect("device post")
}

/// Answers the consent page waiting in `browser`; returns the final page's (status, text).
async fn answer_consent(app: &TestApp, browser: &reqwest::Client, decision: &str) -> (u16, String) {
    let html = browser
        .get(app.url("/consent"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let request = crate::common::flow::hidden(&html, "request");
    let r = browser
        .post(app.url("/consent"))
        .form(&[
            ("decision", decision),
            ("csrf_token", &csrf(&html)),
            ("request", &request),
        ])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The whole person's side: code, sign-in, consent. Returns the final page's (status, text).
pub async fn approve(app: &TestApp, user_code: &str, decision: &str) -> (u16, String) {
    let browser = http_client();
    let r = enter_code(app, &browser, user_code).await;
    assert_eq!(location(&r), "/login");
    let r = log_in_with(app, &browser, USERNAME, PASSWORD).await;
    assert_eq!(location(&r), "/consent");
    answer_consent(app, &browser, decision).await
}

async fn setup() -> (TestApp, String) {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let client = device_client(&app).await;
    (app, client)
}

#[tokio::test]
async fn the_device_authorization_answer_has_every_member() {
    let (app, client) = setup().await;
    let a = start(&app, &client, "openid profile").await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.assert_no_store();
    let device_code = a.body["device_code"].as_str().unwrap();
    // ≥128 random bits, base64url.
    assert!(device_code.len() >= 22, "{device_code}");
    let user_code = a.body["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert_eq!(&user_code[4..5], "-");
    assert!(
        user_code
            .chars()
            .filter(|c| *c != '-')
            .all(|c| "BCDFGHJKLMNPQRSTVWXZ".contains(c)),
        "{user_code}"
    );
    let uri = format!("{}/device", app.issuer);
    assert_eq!(a.body["verification_uri"], uri.as_str());
    assert_eq!(
        a.body["verification_uri_complete"],
        format!("{uri}?user_code={user_code}").as_str()
    );
    assert_eq!(a.body["expires_in"], 600);
    assert_eq!(a.body["interval"], 5);
}

#[tokio::test]
async fn an_approved_device_gets_tokens_exactly_once() {
    let (app, client) = setup().await;
    let (device_code, user_code) = started(&app, &client, "openid profile offline_access").await;
    let a = poll(&app, &client, &device_code).await;
    assert_eq!((a.status, a.error()), (400, "authorization_pending"));
    let (status, page) = approve(&app, &user_code, "allow").await;
    assert_eq!(status, 200);
    assert!(page.contains("You can return to your device"), "{page}");
    app.advance(Duration::from_secs(5));
    let a = poll(&app, &client, &device_code).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.assert_no_store();
    let access = jwt_claims(a.body["access_token"].as_str().unwrap());
    assert_eq!(access["client_id"], client.as_str());
    let scope: std::collections::BTreeSet<&str> =
        access["scope"].as_str().unwrap().split(' ').collect();
    assert_eq!(scope, ["offline_access", "openid", "profile"].into());
    let id = jwt_claims(a.body["id_token"].as_str().expect("id_token for openid"));
    assert_eq!(id["aud"], client.as_str());
    assert_eq!(id["sub"], access["sub"]);
    let refresh = a.body["refresh_token"].as_str().expect("refresh token");
    // The refresh token works like any other.
    let r = app
        .post_form(
            "/token",
            None,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("client_id", &client),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.advance(Duration::from_secs(5));
    let again = poll(&app, &client, &device_code).await;
    assert_eq!((again.status, again.error()), (400, "invalid_grant"));
}

#[tokio::test]
async fn no_refresh_token_without_offline_access_or_id_token_without_openid() {
    let (app, client) = setup().await;
    let (device_code, user_code) = started(&app, &client, "profile").await;
    approve(&app, &user_code, "allow").await;
    let a = poll(&app, &client, &device_code).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.get("refresh_token").is_none(), "{}", a.body);
    assert!(a.body.get("id_token").is_none(), "{}", a.body);
}

#[tokio::test]
async fn a_denied_device_gets_access_denied() {
    let (app, client) = setup().await;
    let (device_code, user_code) = started(&app, &client, "openid").await;
    let (status, page) = approve(&app, &user_code, "deny").await;
    assert_eq!(status, 200);
    assert!(page.contains("You can return to your device"), "{page}");
    let a = poll(&app, &client, &device_code).await;
    // RFC 8628 §3.5 errors are RFC 6749 §5.2 errors: 400.
    assert_eq!((a.status, a.error()), (400, "access_denied"), "{}", a.body);
}

#[tokio::test]
async fn polling_every_100ms_is_slowed_down_and_the_interval_grows_by_5s() {
    let (app, client) = setup().await;
    let (device_code, _) = started(&app, &client, "openid").await;
    let first = poll(&app, &client, &device_code).await;
    assert_eq!(first.error(), "authorization_pending");
    // The clock does not move: ten polls within the same instant, like a loop every 100 ms.
    for _ in 0..10 {
        let a = poll(&app, &client, &device_code).await;
        assert_eq!((a.status, a.error()), (400, "slow_down"), "{}", a.body);
    }
    // Each slow_down added 5 s: waiting the original 5 s is not enough any more.
    app.advance(Duration::from_secs(5));
    assert_eq!(poll(&app, &client, &device_code).await.error(), "slow_down");
}

#[tokio::test]
async fn after_slow_down_waiting_the_longer_interval_is_answered() {
    let (app, client) = setup().await;
    let (device_code, _) = started(&app, &client, "openid").await;
    assert_eq!(
        poll(&app, &client, &device_code).await.error(),
        "authorization_pending"
    );
    assert_eq!(poll(&app, &client, &device_code).await.error(), "slow_down");
    app.advance(Duration::from_secs(10));
    assert_eq!(
        poll(&app, &client, &device_code).await.error(),
        "authorization_pending"
    );
    // The interval stays 10 s for this device code.
    app.advance(Duration::from_secs(5));
    assert_eq!(poll(&app, &client, &device_code).await.error(), "slow_down");
}

#[tokio::test]
async fn an_expired_device_code_answers_expired_token_and_its_user_code_is_refused() {
    let (app, client) = setup().await;
    let (device_code, user_code) = started(&app, &client, "openid").await;
    app.advance(Duration::from_secs(601));
    let a = poll(&app, &client, &device_code).await;
    assert_eq!((a.status, a.error()), (400, "expired_token"));
    let r = enter_code(&app, &http_client(), &user_code).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn the_code_is_read_in_any_case_with_or_without_the_dash() {
    let (app, client) = setup().await;
    let (_, user_code) = started(&app, &client, "openid").await;
    let typed = user_code.replace('-', "").to_lowercase();
    let r = enter_code(&app, &http_client(), &typed).await;
    assert_eq!(location(&r), "/login");
}

#[tokio::test]
async fn the_complete_uri_fills_the_field_but_approves_nothing() {
    let (app, client) = setup().await;
    let a = start(&app, &client, "openid").await;
    let complete = a.body["verification_uri_complete"].as_str().unwrap();
    let user_code = a.body["user_code"].as_str().unwrap();
    let browser = http_client();
    // Even a person already signed in only sees the filled-in form.
    let html = browser
        .get(complete)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("name=\"user_code\" value=\"{user_code}\"")),
        "{html}"
    );
    let device_code = a.body["device_code"].as_str().unwrap();
    assert_eq!(
        poll(&app, &client, device_code).await.error(),
        "authorization_pending"
    );
}

#[tokio::test]
async fn the_consent_page_names_the_application_and_the_code_even_when_signed_in() {
    let (app, client) = setup().await;
    let (_, first) = started(&app, &client, "openid").await;
    let browser = http_client();
    enter_code(&app, &browser, &first).await;
    log_in_with(&app, &browser, USERNAME, PASSWORD).await;
    answer_consent(&app, &browser, "allow").await;
    // A second device, same browser, already signed in and consented: still asked.
    let (_, second) = started(&app, &client, "openid").await;
    let r = enter_code(&app, &browser, &second).await;
    assert_eq!(location(&r), "/consent");
    let html = browser
        .get(app.url("/consent"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Living Room TV"), "{html}");
    assert!(html.contains(&second), "{html}");
}

#[tokio::test]
async fn wrong_and_used_user_codes_are_refused_with_a_page() {
    let (app, client) = setup().await;
    let (_, user_code) = started(&app, &client, "openid").await;
    let r = enter_code(&app, &http_client(), "BCDF-GHJK").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("not valid"));
    let r = enter_code(&app, &http_client(), "not a code").await;
    assert_eq!(r.status(), 400);
    approve(&app, &user_code, "allow").await;
    let r = enter_code(&app, &http_client(), &user_code).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("already been used"));
}

#[tokio::test]
async fn another_clients_device_code_is_refused_and_left_intact() {
    let (app, client) = setup().await;
    let other = device_client(&app).await;
    let (device_code, user_code) = started(&app, &client, "openid").await;
    approve(&app, &user_code, "allow").await;
    let a = poll(&app, &other, &device_code).await;
    assert_eq!((a.status, a.error()), (400, "invalid_grant"));
    let a = poll(&app, &client, &device_code).await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[tokio::test]
async fn a_client_not_registered_for_the_grant_is_refused() {
    let app = spawn_app().await;
    let (id, _) = app
        .create_client(&[
            "--name",
            "Web",
            "--public",
            "--redirect-uri",
            "https://rp.example.com/cb",
        ])
        .await;
    let a = start(&app, &id, "openid").await;
    assert_eq!((a.status, a.error()), (400, "unauthorized_client"));
    let a = poll(&app, &id, "whatever").await;
    assert_eq!((a.status, a.error()), (400, "unauthorized_client"));
    let a = start(&app, "no-such-client", "openid").await;
    assert_eq!((a.status, a.error()), (401, "invalid_client"));
}

#[tokio::test]
async fn a_scope_beyond_the_clients_is_refused() {
    let (app, client) = setup().await;
    let a = start(&app, &client, "openid email").await;
    assert_eq!((a.status, a.error()), (400, "invalid_scope"));
}

#[tokio::test]
async fn discovery_names_the_endpoint_and_the_grant() {
    let app = spawn_app().await;
    let doc = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(
        doc["device_authorization_endpoint"],
        format!("{}/device_authorization", app.issuer).as_str()
    );
    let grants = doc["grant_types_supported"].as_array().unwrap();
    assert!(grants.iter().any(|g| g == DEVICE_GRANT), "{grants:?}");
}

/// Wrong user codes from one IP: the first `max_failures_per_ip` are looked at, then 429.
#[tokio::test]
async fn a_hundred_guesses_from_one_ip_are_throttled() {
    let (app, client) = setup().await;
    let (_, user_code) = started(&app, &client, "openid").await;
    let browser = http_client();
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for i in 0..100 {
        let guess = format!("BCDF-{}", ["GHJK", "GHJL", "GHJM", "GHJN"][i % 4]);
        let r = enter_code(&app, &browser, &guess).await;
        *counts.entry(r.status().as_u16()).or_default() += 1;
    }
    assert_eq!(counts.get(&400), Some(&10), "{counts:?}");
    assert_eq!(counts.get(&429), Some(&90), "{counts:?}");
    // Even the right code waits now; after the window a code goes through again.
    let r = enter_code(&app, &browser, &user_code).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    app.advance(Duration::from_secs(15 * 60 + 1));
    let (_, fresh) = started(&app, &client, "openid").await;
    let r = enter_code(&app, &browser, &fresh).await;
    assert_eq!(location(&r), "/login");
}

/// A burst of concurrent guesses cannot outrun the limit: the attempt is counted first.
#[tokio::test]
async fn a_burst_of_guesses_is_looked_at_no_more_than_the_limit() {
    let app = spawn_app_with(Options::toml("[device]\nmax_failures_per_ip = 5")).await;
    let browser = http_client();
    let html = browser
        .get(app.url("/device"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf(&html);
    let tasks: Vec<_> = (0..60)
        .map(|_| {
            let post = browser
                .post(app.url("/device"))
                .form(&[("user_code", "BCDF-GHJK"), ("csrf_token", token.as_str())]);
            tokio::spawn(async move { post.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for t in tasks {
        *counts.entry(t.await.unwrap()).or_default() += 1;
    }
    assert_eq!(counts.get(&400), Some(&5), "{counts:?}");
    let refused = counts.get(&429).unwrap_or(&0) + counts.get(&503).unwrap_or(&0);
    assert_eq!(refused, 55, "{counts:?}");
}

/// Concurrent polls of an approved code: exactly one gets tokens.
#[tokio::test]
async fn concurrent_polls_of_an_approved_code_get_tokens_once() {
    let (app, client) = setup().await;
    let (device_code, user_code) = started(&app, &client, "openid").await;
    approve(&app, &user_code, "allow").await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let post = app.http.post(app.url("/token")).form(&[
                ("grant_type", DEVICE_GRANT),
                ("device_code", device_code.as_str()),
                ("client_id", client.as_str()),
            ]);
            tokio::spawn(async move { post.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap() == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 1);
}

/// The device flow goes through the same sign-in as `/authorize`: a person with an
/// authenticator app gives the second factor before the consent page, and the device's ID token
/// says so (issue 17's amr/acr).
#[tokio::test]
async fn a_person_with_an_authenticator_app_approves_with_both_factors() {
    let (app, client) = setup().await;
    let (secret, _) = crate::mfa::enroll(&app).await;
    let (device_code, user_code) = started(&app, &client, "openid").await;
    let browser = http_client();
    let r = enter_code(&app, &browser, &user_code).await;
    assert_eq!(location(&r), "/login");
    let r = log_in_with(&app, &browser, USERNAME, PASSWORD).await;
    assert_eq!(location(&r), "/login/otp", "the second step comes first");
    let otp = crate::mfa::code_at(&secret, app.now());
    let r = crate::mfa::submit_otp_in(&app, &browser, &otp).await;
    assert_eq!(location(&r), "/consent");
    let (status, page) = answer_consent(&app, &browser, "allow").await;
    assert_eq!(status, 200);
    assert!(page.contains("You can return to your device"), "{page}");
    app.advance(Duration::from_secs(5));
    let a = poll(&app, &client, &device_code).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = jwt_claims(a.body["id_token"].as_str().unwrap());
    assert_eq!(id["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
    assert_eq!(id["acr"], "urn:tessera:acr:mfa");
}
