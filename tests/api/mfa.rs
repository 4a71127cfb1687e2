//! Second factors (issue 17): authenticator apps (TOTP) and recovery codes at sign-in, what the
//! ID token says about them (amr, acr), and the operator's commands.

use std::time::Duration;

use serde_json::json;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, Rp, USERNAME, callback, csrf, hidden, jwt_claims, location,
};
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

/// The code an authenticator app shows for `secret` (base32) at Unix time `t`.
pub fn code_at(secret: &str, t: i64) -> String {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().unwrap();
    TOTP::new_unchecked(Algorithm::SHA1, 6, 0, 30, bytes, None, String::new()).generate(t as u64)
}

/// Enrolls alice's authenticator app with the CLI: (secret, recovery codes).
pub async fn enroll(app: &TestApp) -> (String, Vec<String>) {
    let out = app
        .cli_json(
            &["user", "totp", "enroll", "--username", USERNAME, "--json"],
            None,
        )
        .await;
    let secret = out["secret"].as_str().unwrap().to_string();
    let codes = out["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    (secret, codes)
}

async fn setup() -> (TestApp, Rp, String, Vec<String>) {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let (secret, codes) = enroll(&app).await;
    (app, rp, secret, codes)
}

/// authorize → password: the response to the password POST.
async fn password_step(app: &TestApp, rp: &Rp, pkce: &Pkce) -> reqwest::Response {
    let r = app.authorize(&AuthRequest::new(rp, pkce)).await;
    assert_eq!(location(&r), "/login");
    app.login(USERNAME, PASSWORD).await
}

/// Submits `otp` on the second-step page.
async fn submit_otp(app: &TestApp, otp: &str) -> reqwest::Response {
    submit_otp_in(app, &app.http, otp).await
}

/// Submits `otp` on the second-step page waiting in `browser`.
pub async fn submit_otp_in(
    app: &TestApp,
    browser: &reqwest::Client,
    otp: &str,
) -> reqwest::Response {
    let page = browser.get(app.url("/login/otp")).send().await.unwrap();
    assert_eq!(page.status(), 200, "second-step page");
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"name="otp""#) && html.contains(r#"type="submit""#));
    let (token, request) = (csrf(&html), hidden(&html, "request"));
    browser
        .post(app.url("/login/otp"))
        .form(&[("otp", otp), ("csrf_token", &token), ("request", &request)])
        .send()
        .await
        .unwrap()
}

async fn assert_wrong(r: reqwest::Response) {
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("location").is_none(), "nothing issued");
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"role="alert""#), "{html}");
    assert!(html.contains(r#"name="otp""#), "the page again");
}

#[tokio::test]
async fn enroll_prints_exactly_the_secret_the_uri_and_ten_recovery_codes() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let out = app
        .cli_json(
            &["user", "totp", "enroll", "--username", USERNAME, "--json"],
            None,
        )
        .await;
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["secret", "otpauth_uri", "recovery_codes"]);
    let secret = out["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32, "160 bits, base32, no padding");
    assert!(
        secret
            .chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
    );
    let uri = out["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    assert_eq!(out["recovery_codes"].as_array().unwrap().len(), 10);
    let list = app.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(
        list[0]["factors"],
        json!(["password", "totp", "recovery_codes"])
    );
    assert_eq!(list[0]["recovery_codes_left"], 10);
    // Enrolling again replaces the secret and the codes.
    let again = app
        .cli_json(
            &["user", "totp", "enroll", "--username", USERNAME, "--json"],
            None,
        )
        .await;
    assert_ne!(again["secret"], out["secret"]);
    assert_ne!(again["recovery_codes"], out["recovery_codes"]);
}

#[tokio::test]
async fn a_password_then_a_current_code_signs_in_with_two_factors() {
    let (app, rp, secret, _) = setup().await;
    let pkce = Pkce::new();
    let r = password_step(&app, &rp, &pkce).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login/otp");
    let r = submit_otp(&app, &code_at(&secret, app.now())).await;
    let cb = callback(&r);
    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    let id = jwt_claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["amr"], json!(["pwd", "otp", "mfa"]));
    assert_eq!(id["acr"], "urn:tessera:acr:mfa");
}

#[tokio::test]
async fn a_refreshed_id_token_repeats_how_the_person_signed_in() {
    let (app, rp, secret, _) = setup().await;
    let pkce = Pkce::new();
    let req = AuthRequest::new(&rp, &pkce).set("scope", Some("openid offline_access"));
    assert_eq!(location(&app.authorize(&req).await), "/login");
    assert_eq!(location(&app.login(USERNAME, PASSWORD).await), "/login/otp");
    let cb = callback(&submit_otp(&app, &code_at(&secret, app.now())).await);
    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    let refresh_token = body["refresh_token"].as_str().expect("refresh_token");
    let secret_of_rp = rp.secret.as_deref().unwrap();
    let a = app
        .refresh(&rp.client_id, secret_of_rp, refresh_token)
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let id = jwt_claims(a.body["id_token"].as_str().unwrap());
    assert_eq!(id["amr"], json!(["pwd", "otp", "mfa"]));
    assert_eq!(id["acr"], "urn:tessera:acr:mfa");
}

#[tokio::test]
async fn a_replayed_code_and_one_from_two_steps_ago_are_refused() {
    let (app, rp, secret, _) = setup().await;
    let code = code_at(&secret, app.now());
    password_step(&app, &rp, &Pkce::new()).await;
    assert!(callback(&submit_otp(&app, &code).await).contains_key("code"));
    // The same code again, in a new sign-in, in the same step.
    let req = AuthRequest::new(&rp, &Pkce::new()).set("prompt", Some("login"));
    assert_eq!(location(&app.authorize(&req).await), "/login");
    assert_eq!(location(&app.login(USERNAME, PASSWORD).await), "/login/otp");
    assert_wrong(submit_otp(&app, &code).await).await;
    // A code from two steps ago: too old, though never used.
    app.advance(Duration::from_secs(30));
    assert_wrong(submit_otp(&app, &code_at(&secret, app.now() - 60)).await).await;
    // The current code still works.
    let r = submit_otp(&app, &code_at(&secret, app.now())).await;
    assert!(callback(&r).contains_key("code"));
}

#[tokio::test]
async fn a_recovery_code_works_once_and_is_an_audit_event() {
    let (app, rp, _, codes) = setup().await;
    password_step(&app, &rp, &Pkce::new()).await;
    // Typed in capitals without dashes: the same code.
    let typed = codes[0].replace('-', "").to_uppercase();
    assert!(callback(&submit_otp(&app, &typed).await).contains_key("code"));
    let list = app.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(list[0]["recovery_codes_left"], 9);
    let req = AuthRequest::new(&rp, &Pkce::new()).set("prompt", Some("login"));
    app.authorize(&req).await;
    app.login(USERNAME, PASSWORD).await;
    assert_wrong(submit_otp(&app, &codes[0]).await).await;
}

#[tokio::test]
async fn the_second_step_needs_the_first_and_expires_after_five_minutes() {
    let (app, rp, secret, _) = setup().await;
    // Never signed in with a password.
    let r = app.http.get(app.url("/login/otp")).send().await.unwrap();
    assert_eq!(r.status(), 400);
    password_step(&app, &rp, &Pkce::new()).await;
    // The state between the steps is not a session: the account page asks for a sign-in.
    let r = app.http.get(app.url("/account")).send().await.unwrap();
    assert_eq!(location(&r), "/login");
    // Start again, then wait too long.
    password_step(&app, &rp, &Pkce::new()).await;
    let page = app.http.get(app.url("/login/otp")).send().await.unwrap();
    let html = page.text().await.unwrap();
    app.advance(Duration::from_secs(301));
    let r = app
        .http
        .post(app.url("/login/otp"))
        .form(&[
            ("otp", code_at(&secret, app.now()).as_str()),
            ("csrf_token", &csrf(&html)),
            ("request", &hidden(&html, "request")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
}

#[tokio::test]
async fn wrong_codes_count_in_the_login_throttle() {
    let app = spawn_app_with(Options::toml("[throttle]\nmax_failures_per_user = 3\n")).await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let (secret, _) = enroll(&app).await;
    password_step(&app, &rp, &Pkce::new()).await;
    for _ in 0..3 {
        assert_wrong(submit_otp(&app, "000000").await).await;
    }
    // Refused before the code is looked at, even the right one.
    let r = submit_otp(&app, &code_at(&secret, app.now())).await;
    assert_eq!(r.status(), 429);
    // And the password again does not reset the count.
    let req = AuthRequest::new(&rp, &Pkce::new()).set("prompt", Some("login"));
    app.authorize(&req).await;
    assert_eq!(app.login(USERNAME, PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn mfa_reset_removes_the_second_step() {
    let (app, rp, _, _) = setup().await;
    let out = app
        .cli_json(
            &["user", "mfa", "reset", "--username", USERNAME, "--json"],
            None,
        )
        .await;
    assert_eq!(out["removed"], true);
    let list = app.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(list[0]["factors"], json!(["password"]));
    let r = password_step(&app, &rp, &Pkce::new()).await;
    assert!(location(&r).starts_with("https://rp.example.com/"));
}

/// `/account` → login → back to the account page; returns its HTML.
async fn account_page(app: &TestApp) -> String {
    let r = app.http.get(app.url("/account")).send().await.unwrap();
    if r.status() == 200 {
        return r.text().await.unwrap();
    }
    assert_eq!(location(&r), "/login");
    assert_eq!(location(&app.login(USERNAME, PASSWORD).await), "/account");
    let r = app.http.get(app.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

/// The text of the element with `id`.
fn element_text(html: &str, id: &str) -> String {
    let start = html.find(&format!(r#"id="{id}""#)).expect(id);
    let rest = &html[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find('<').unwrap();
    rest[open..open + close].to_string()
}

#[tokio::test]
async fn a_person_enrolls_on_the_account_page_and_removal_needs_a_fresh_sign_in() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let html = account_page(&app).await;
    assert!(html.contains("<svg"), "a QR code drawn on the server");
    let secret: String = element_text(&html, "totp-secret")
        .split_whitespace()
        .collect();
    assert_eq!(secret.len(), 32);
    // The same secret while it waits for its code.
    let again = account_page(&app).await;
    assert_eq!(element_text(&again, "totp-secret").replace(' ', ""), secret);
    // A wrong code enrolls nothing.
    let post = |otp: String, token: String| {
        let app = &app;
        async move {
            app.http
                .post(app.url("/account/totp"))
                .form(&[("otp", otp.as_str()), ("csrf_token", token.as_str())])
                .send()
                .await
                .unwrap()
        }
    };
    let r = post("000000".into(), csrf(&again)).await;
    assert_eq!(r.status(), 400);
    let r = post(code_at(&secret, app.now()), csrf(&again)).await;
    assert_eq!(r.status(), 200);
    let shown = r.text().await.unwrap();
    assert_eq!(shown.matches("<li><code>").count(), 10, "{shown}");
    let html = account_page(&app).await;
    assert!(html.contains("10 recovery codes left"), "{html}");
    assert!(!html.contains("totp-secret"));
    let list = app.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(
        list[0]["factors"],
        json!(["password", "totp", "recovery_codes"])
    );
    // Removal after the sign-in grew old: sign in again first.
    app.advance(Duration::from_secs(6 * 60));
    let r = app
        .http
        .post(app.url("/account/totp/remove"))
        .form(&[("csrf_token", csrf(&html).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login");
    assert_eq!(location(&app.login(USERNAME, PASSWORD).await), "/login/otp");
    let r = submit_otp(&app, &code_at(&secret, app.now())).await;
    assert_eq!(location(&r), "/account");
    let html = account_page(&app).await;
    let r = app
        .http
        .post(app.url("/account/totp/remove"))
        .form(&[("csrf_token", csrf(&html).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/account?done=totp_removed");
    let list = app.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(list[0]["factors"], json!(["password"]));
}

const MFA: &str = "urn:tessera:acr:mfa";

/// Redeems the callback's code: the ID token's claims.
async fn id_token(app: &TestApp, rp: &Rp, pkce: &Pkce, r: &reqwest::Response) -> serde_json::Value {
    let cb = callback(r);
    let (status, body) = app.exchange(rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    jwt_claims(body["id_token"].as_str().unwrap())
}

#[tokio::test]
async fn acr_values_steps_a_password_session_up_without_the_password() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    // Signed in with a password only, before the app was enrolled.
    let pkce = Pkce::new();
    let r = password_step(&app, &rp, &pkce).await;
    assert_eq!(
        id_token(&app, &rp, &pkce, &r).await["acr"],
        "urn:tessera:acr:password"
    );
    let (secret, _) = enroll(&app).await;
    let pkce = Pkce::new();
    let r = app
        .authorize(&AuthRequest::new(&rp, &pkce).set("acr_values", Some(MFA)))
        .await;
    assert_eq!(
        location(&r),
        "/login/otp",
        "the missing factor, not the password"
    );
    let r = submit_otp(&app, &code_at(&secret, app.now())).await;
    let id = id_token(&app, &rp, &pkce, &r).await;
    assert_eq!(id["acr"], MFA);
    assert_eq!(id["amr"], json!(["pwd", "otp", "mfa"]));
    // The session now has two factors: no second question.
    let pkce = Pkce::new();
    let r = app
        .authorize(&AuthRequest::new(&rp, &pkce).set("acr_values", Some(MFA)))
        .await;
    assert_eq!(id_token(&app, &rp, &pkce, &r).await["acr"], MFA);
}

#[tokio::test]
async fn acr_values_without_a_factor_proceeds_but_an_essential_acr_is_access_denied() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let pkce = Pkce::new();
    let r = app
        .authorize(&AuthRequest::new(&rp, &pkce).set("acr_values", Some(MFA)))
        .await;
    assert_eq!(location(&r), "/login");
    let r = app.login(USERNAME, PASSWORD).await;
    let id = id_token(&app, &rp, &pkce, &r).await;
    assert_eq!(
        id["acr"], "urn:tessera:acr:password",
        "the level actually met"
    );
    let claims = json!({"id_token": {"acr": {"essential": true, "values": [MFA]}}}).to_string();
    let r = app
        .authorize(&AuthRequest::new(&rp, &Pkce::new()).set("claims", Some(&claims)))
        .await;
    let cb = callback(&r);
    assert_eq!(cb["error"], "access_denied");
    assert!(!cb.contains_key("code"));
}

#[tokio::test]
async fn a_client_that_requires_mfa_takes_a_person_without_one_through_enrolment() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party", "--require-mfa"]).await;
    let pkce = Pkce::new();
    let r = password_step(&app, &rp, &pkce).await;
    assert_eq!(location(&r), "/login/enroll");
    let page = app.http.get(app.url("/login/enroll")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let secret: String = element_text(&html, "totp-secret")
        .split_whitespace()
        .collect();
    let r = app
        .http
        .post(app.url("/login/enroll"))
        .form(&[
            ("otp", code_at(&secret, app.now()).as_str()),
            ("csrf_token", &csrf(&html)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap().matches("<li><code>").count(), 10);
    let r = app.http.get(app.url("/login/enroll")).send().await.unwrap();
    let id = id_token(&app, &rp, &pkce, &r).await;
    assert_eq!(id["amr"], json!(["pwd", "otp", "mfa"]));
    // Turned off again with client update.
    let out = app
        .cli_json(
            &[
                "client",
                "update",
                "--client-id",
                &rp.client_id,
                "--no-require-mfa",
                "--json",
            ],
            None,
        )
        .await;
    assert_eq!(out["require_mfa"], false);
}

#[tokio::test]
async fn a_person_disabled_between_the_steps_cannot_finish() {
    let (app, rp, secret, _) = setup().await;
    password_step(&app, &rp, &Pkce::new()).await;
    app.cli_json(&["user", "disable", "--username", USERNAME, "--json"], None)
        .await;
    let r = submit_otp(&app, &code_at(&secret, app.now())).await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none(), "nothing issued");
}

#[tokio::test]
async fn a_burst_of_wrong_codes_cannot_outrun_the_throttle() {
    let app = spawn_app_with(Options::toml("[throttle]\nmax_failures_per_user = 3\n")).await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let (secret, _) = enroll(&app).await;
    let valid: Vec<String> = (-1..=1)
        .map(|s| code_at(&secret, app.now() + 30 * s))
        .collect();
    let wrong: Vec<String> = (100_000..)
        .map(|n: u32| n.to_string())
        .filter(|c| !valid.contains(c))
        .take(20)
        .collect();
    password_step(&app, &rp, &Pkce::new()).await;
    let page = app.http.get(app.url("/login/otp")).send().await.unwrap();
    let html = page.text().await.unwrap();
    let (token, request) = (csrf(&html), hidden(&html, "request"));
    let mut burst = tokio::task::JoinSet::new();
    for code in wrong {
        let (http, url) = (app.http.clone(), app.url("/login/otp"));
        let form = [
            ("otp".to_string(), code),
            ("csrf_token".to_string(), token.clone()),
            ("request".to_string(), request.clone()),
        ];
        burst.spawn(async move { http.post(url).form(&form).send().await.unwrap().status() });
    }
    let mut checked = 0;
    while let Some(status) = burst.join_next().await {
        let status = status.unwrap().as_u16();
        assert!(status == 401 || status == 429, "{status}");
        checked += usize::from(status == 401);
    }
    assert!(checked <= 3, "{checked} codes were checked, the limit is 3");
}
