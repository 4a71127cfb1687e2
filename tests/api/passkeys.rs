//! Passkeys (issue 17): added on the account page and used on the login page in a real
//! Chromium with a virtual authenticator (CDP `WebAuthn.addVirtualAuthenticator`), what the ID
//! token says about them, step-up to phishing resistance, removal, and the answers that must
//! be refused (crafted here by a software authenticator: another RP ID, a bad signature, a
//! disabled person, a replayed challenge, no CSRF token).

mod soft;

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Context, ensure};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fantoccini::Locator;
use serde_json::json;

use crate::common::browser::{Browser, launch};
use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, jwt_claims};
use crate::common::{Options, TestApp, spawn_app_with};

const PHISHING_RESISTANT: &str = "urn:tessera:acr:phishing-resistant";

/// A server whose issuer is `http://localhost:<port>` (WebAuthn has no RP ID for an IP
/// address), alice, and a first-party client whose redirect URI is Tessera's health endpoint,
/// so the browser lands on a page that loads.
async fn setup() -> (TestApp, Rp) {
    let app = spawn_app_with(Options {
        localhost: true,
        ..Options::default()
    })
    .await;
    app.create_user(USERNAME, PASSWORD).await;
    let redirect = app.url("/healthz");
    let (client_id, secret) = app
        .create_client(&[
            "--name",
            "Photo Printer",
            "--redirect-uri",
            &redirect,
            "--first-party",
        ])
        .await;
    let rp = Rp {
        client_id,
        secret,
        redirect_uri: redirect,
    };
    (app, rp)
}

async fn wait_for(b: &Browser, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
    match b
        .client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
    {
        Ok(e) => Ok(e),
        Err(e) => {
            let url = b.client.current_url().await?;
            let console = b.console().await.unwrap_or_default();
            let text = b.client.source().await.unwrap_or_default();
            anyhow::bail!("no {css} ({e}) at {url}; console: {console:?}; page: {text}")
        }
    }
}

/// Waits until the address bar shows `path`, and returns the URL.
async fn wait_for_path(b: &Browser, path: &str) -> anyhow::Result<url::Url> {
    for _ in 0..150 {
        let url = b.client.current_url().await?;
        if url.path() == path {
            return Ok(url);
        }
        // Polling: the browser navigates in its own time.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = b.client.current_url().await?;
    let console = b.console().await.unwrap_or_default();
    anyhow::bail!("never reached {path}; at {url}; console: {console:?}")
}

async fn sign_in_with_password(b: &Browser) -> anyhow::Result<()> {
    let c = &b.client;
    c.find(Locator::Css("input[name=username]"))
        .await?
        .send_keys(USERNAME)
        .await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    c.find(Locator::Css("form[action='/login'] button[type=submit]"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Back at the client: the code exchanged, the ID token's claims.
async fn id_token_at_client(
    app: &TestApp,
    rp: &Rp,
    b: &Browser,
    pkce: &Pkce,
) -> anyhow::Result<serde_json::Value> {
    let landed = wait_for_path(b, "/healthz").await?;
    let q: HashMap<_, _> = landed.query_pairs().into_owned().collect();
    ensure!(q.contains_key("code"), "{landed}");
    let (status, body) = app.exchange(rp, &q["code"], Some(&pkce.verifier)).await;
    ensure!(status == 200, "token exchange: {body}");
    Ok(jwt_claims(body["id_token"].as_str().unwrap_or_default()))
}

async fn authorize_url(app: &TestApp, req: &AuthRequest) -> String {
    format!("{}?{}", app.url("/authorize"), req.query())
}

async fn passkey_flows(app: &TestApp, rp: &Rp, b: &Browser) -> anyhow::Result<()> {
    let c = &b.client;
    let authenticator = b.virtual_authenticator().await?;

    // Add a passkey on the account page, named.
    c.goto(&app.url("/account")).await?;
    sign_in_with_password(b).await?;
    let add = wait_for(b, "#add-passkey").await?;
    ensure!(add.text().await? == "Add a passkey", "the button's text");
    ensure!(
        add.is_displayed().await?,
        "shown when the browser has WebAuthn"
    );
    c.find(Locator::Css("#passkey-name"))
        .await?
        .send_keys("Laptop")
        .await?;
    add.click().await?;
    let notice = wait_for(b, "#account-notice").await?.text().await?;
    ensure!(notice.contains("passkey was added"), "notice: {notice}");
    let listed = c.find(Locator::Css("li.passkey")).await?.text().await?;
    ensure!(
        listed.contains("Laptop") && listed.contains("last used never"),
        "listed: {listed}"
    );
    let creds = b
        .cdp(
            "WebAuthn.getCredentials",
            json!({"authenticatorId": authenticator}),
        )
        .await?;
    ensure!(
        creds["credentials"][0]["isResidentCredential"] == true,
        "a discoverable credential: {creds}"
    );

    // Signed out, sign in with the passkey alone through an authorization request.
    c.delete_all_cookies().await?;
    let pkce = Pkce::new();
    c.goto(&authorize_url(app, &AuthRequest::new(rp, &pkce)).await)
        .await?;
    let button = wait_for(b, "#passkey-sign-in").await?;
    ensure!(
        button.text().await? == "Sign in with a passkey",
        "the button's text"
    );
    button.click().await?;
    let id = id_token_at_client(app, rp, b, &pkce).await?;
    ensure!(
        id["amr"] == json!(["hwk", "user", "mfa"]),
        "amr: {}",
        id["amr"]
    );
    ensure!(id["acr"] == PHISHING_RESISTANT, "acr: {}", id["acr"]);

    // Step-up: a password session asked for phishing resistance is asked for the passkey.
    c.delete_all_cookies().await?;
    let pkce = Pkce::new();
    let req = AuthRequest::new(rp, &pkce).set("acr_values", Some(PHISHING_RESISTANT));
    c.goto(&authorize_url(app, &req).await).await?;
    sign_in_with_password(b).await?;
    wait_for_path(b, "/login/passkey").await?;
    let text = c.find(Locator::Css("main")).await?.text().await?;
    ensure!(text.contains("Photo Printer"), "step-up page: {text}");
    wait_for(b, "#passkey-sign-in").await?.click().await?;
    let id = id_token_at_client(app, rp, b, &pkce).await?;
    ensure!(id["acr"] == PHISHING_RESISTANT, "acr: {}", id["acr"]);

    // The account page shows its use; removing it (the sign-in is fresh) takes it away.
    c.goto(&app.url("/account")).await?;
    let listed = wait_for(b, "li.passkey").await?.text().await?;
    ensure!(
        !listed.contains("last used never"),
        "use recorded: {listed}"
    );
    c.find(Locator::Css("li.passkey button[type=submit]"))
        .await?
        .click()
        .await?;
    let notice = wait_for(b, "#account-notice").await?.text().await?;
    ensure!(notice.contains("passkey was removed"), "notice: {notice}");
    ensure!(
        c.find(Locator::Css("li.passkey")).await.is_err(),
        "no passkey listed"
    );
    // The authenticator still holds it, but it signs no one in.
    c.delete_all_cookies().await?;
    let pkce = Pkce::new();
    c.goto(&authorize_url(app, &AuthRequest::new(rp, &pkce)).await)
        .await?;
    wait_for(b, "#passkey-sign-in").await?.click().await?;
    let err = wait_for(b, "#login-error").await?.text().await?;
    ensure!(err.contains("passkey could not"), "refused: {err}");
    let console = b.console().await?;
    ensure!(
        !console
            .iter()
            .any(|l| l.contains("Content Security Policy")),
        "the CSP refused nothing: {console:?}"
    );
    Ok(())
}

#[tokio::test]
async fn passkeys_are_added_used_for_sign_in_and_step_up_and_removed_in_a_real_browser() {
    let Some(browser) = launch().await else {
        return;
    };
    let (app, rp) = setup().await;
    let result = passkey_flows(&app, &rp, &browser).await.context("passkeys");
    browser.close().await;
    result.unwrap();
}

/// Without JavaScript the passkey buttons are hidden (the script unhides them) and the page
/// loads the script from `/assets`, served as JavaScript with a long cache.
#[tokio::test]
async fn the_buttons_are_hidden_without_the_script_and_the_script_is_an_asset() {
    let (app, rp) = setup().await;
    let pkce = Pkce::new();
    app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    let html = app
        .http
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = &html[html.find(r#"data-passkey="get""#).expect("passkey form")..];
    assert!(form[..form.find('>').unwrap()].contains("hidden"), "{html}");
    assert!(html.contains(r#"<script src="/assets/passkey.js"></script>"#));
    let r = app
        .http
        .get(app.url("/assets/passkey.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    assert!(r.text().await.unwrap().contains("PublicKeyCredential"));
}

// ---- Over HTTP, with a software authenticator -------------------------------------------

use crate::common::flow::{callback, csrf, hidden, location};
use soft::{Fault, SoftKey};

/// Signs alice in to her account page (password) in `app.http`.
async fn account_session(app: &TestApp) {
    let r = app.http.get(app.url("/account")).send().await.unwrap();
    assert_eq!(location(&r), "/login");
    let r = app.login(USERNAME, PASSWORD).await;
    assert_eq!(location(&r), "/account");
}

/// The CSRF token of the account page.
async fn account_csrf(app: &TestApp) -> String {
    let html = app.http.get(app.url("/account")).send().await.unwrap();
    csrf(&html.text().await.unwrap())
}

/// Adds a passkey named `name` to alice's account with the software authenticator.
async fn add_passkey(app: &TestApp, name: &str) -> SoftKey {
    let token = account_csrf(app).await;
    let options: serde_json::Value = app
        .http
        .post(app.url("/account/passkeys/options"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (key, answer) = SoftKey::register(&options, &app.issuer);
    let r = app
        .http
        .post(app.url("/account/passkeys"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", name),
            ("credential", &answer),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/account?done=passkey_added");
    key
}

/// The login page waiting in `app.http`: (csrf_token, request).
async fn login_form(app: &TestApp) -> (String, String) {
    let html = app
        .http
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (csrf(&html), hidden(&html, "request"))
}

/// A challenge for the sign-in waiting in `app.http`.
async fn sign_in_options(app: &TestApp, token: &str, request: &str) -> serde_json::Value {
    let r = app
        .http
        .post(app.url("/login/passkey/options"))
        .form(&[("csrf_token", token), ("request", request)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    r.json().await.unwrap()
}

async fn submit_answer(
    app: &TestApp,
    token: &str,
    request: &str,
    answer: &str,
) -> reqwest::Response {
    app.http
        .post(app.url("/login/passkey"))
        .form(&[
            ("csrf_token", token),
            ("request", request),
            ("credential", answer),
        ])
        .send()
        .await
        .unwrap()
}

/// Starts an authorization request in a fresh cookie jar and answers a fresh challenge with
/// `key` (with `fault`); the response to the answer.
async fn passkey_sign_in(
    app: &mut TestApp,
    rp: &Rp,
    pkce: &Pkce,
    key: &mut SoftKey,
    fault: Fault,
) -> reqwest::Response {
    app.http = crate::common::http_client();
    let r = app.authorize(&AuthRequest::new(rp, pkce)).await;
    assert_eq!(location(&r), "/login");
    let (token, request) = login_form(app).await;
    let options = sign_in_options(app, &token, &request).await;
    let answer = key.assert(&options, &app.issuer, fault);
    submit_answer(app, &token, &request, &answer).await
}

async fn assert_refused(r: reqwest::Response) {
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("location").is_none(), "nothing issued");
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"role="alert""#) && html.contains("That passkey could not sign you in."),
        "{html}"
    );
}

async fn localhost_app() -> (TestApp, Rp) {
    let app = spawn_app_with(Options {
        localhost: true,
        ..Options::default()
    })
    .await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    (app, rp)
}

fn factors(list: &serde_json::Value) -> serde_json::Value {
    list.as_array().unwrap()[0]["factors"].clone()
}

#[tokio::test]
async fn a_passkey_signs_in_without_a_username_and_a_counter_going_back_is_refused() {
    let (mut app, rp) = localhost_app().await;
    account_session(&app).await;
    let mut key = add_passkey(&app, "Laptop").await;
    let list = app.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(factors(&list), json!(["password", "passkeys"]), "{list}");

    let pkce = Pkce::new();
    let r = passkey_sign_in(&mut app, &rp, &pkce, &mut key, Fault::None).await;
    let code = &callback(&r)["code"];
    let (status, body) = app.exchange(&rp, code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    let id = jwt_claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["amr"], json!(["hwk", "user", "mfa"]));
    assert_eq!(id["acr"], PHISHING_RESISTANT);

    // The authenticator says 2 after 2 (a clone would): refused.
    key.counter -= 1;
    let r = passkey_sign_in(&mut app, &rp, &Pkce::new(), &mut key, Fault::None).await;
    assert_refused(r).await;

    // `user mfa reset` removes passkeys too.
    app.cli_json(
        &["user", "mfa", "reset", "--username", USERNAME, "--json"],
        None,
    )
    .await;
    let list = app.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(factors(&list), json!(["password"]));
    let r = passkey_sign_in(&mut app, &rp, &Pkce::new(), &mut key, Fault::None).await;
    assert_refused(r).await;
}

#[tokio::test]
async fn answers_for_another_rp_with_a_bad_signature_or_of_a_disabled_person_are_refused() {
    let (mut app, rp) = localhost_app().await;
    account_session(&app).await;
    let mut key = add_passkey(&app, "").await;
    for fault in [Fault::OtherRpId, Fault::BadSignature] {
        let r = passkey_sign_in(&mut app, &rp, &Pkce::new(), &mut key, fault).await;
        assert_refused(r).await;
    }
    let out = app
        .cli(&["user", "disable", "--username", USERNAME], None)
        .await;
    assert!(out.status.success());
    let r = passkey_sign_in(&mut app, &rp, &Pkce::new(), &mut key, Fault::None).await;
    assert_refused(r).await;
}

#[tokio::test]
async fn a_challenge_is_answered_once_and_only_one_the_server_gave() {
    let (mut app, rp) = localhost_app().await;
    account_session(&app).await;
    let mut key = add_passkey(&app, "Phone").await;
    app.http = crate::common::http_client();
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/login");
    let (token, request) = login_form(&app).await;
    // A challenge the server never gave.
    sign_in_options(&app, &token, &request).await;
    let made_up = key.assert_challenge(
        "bm90LWEtY2hhbGxlbmdl",
        "localhost",
        &app.issuer,
        Fault::None,
    );
    assert_refused(submit_answer(&app, &token, &request, &made_up).await).await;
    // A right answer works once; the same answer again finds no challenge.
    let options = sign_in_options(&app, &token, &request).await;
    let answer = key.assert(&options, &app.issuer, Fault::None);
    let r = submit_answer(&app, &token, &request, &answer).await;
    assert!(callback(&r).contains_key("code"));
    let r = app
        .authorize(&AuthRequest::new(&rp, &Pkce::new()).set("prompt", Some("login")))
        .await;
    assert_eq!(location(&r), "/login");
    let (token, request) = login_form(&app).await;
    assert_refused(submit_answer(&app, &token, &request, &answer).await).await;
}

#[tokio::test]
async fn the_ceremony_endpoints_need_the_csrf_token() {
    let (app, rp) = localhost_app().await;
    app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    let (_, request) = login_form(&app).await;
    for (path, form) in [
        ("/account/passkeys/options", vec![]),
        ("/account/passkeys", vec![("credential", "{}")]),
        ("/account/passkeys/remove", vec![("credential_id", "x")]),
        (
            "/login/passkey/options",
            vec![("request", request.as_str())],
        ),
        (
            "/login/passkey",
            vec![("request", request.as_str()), ("credential", "{}")],
        ),
    ] {
        let r = app
            .http
            .post(app.url(path))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
}

#[tokio::test]
async fn step_up_asks_a_password_session_for_the_passkey_and_removal_needs_a_fresh_sign_in() {
    let (app, rp) = localhost_app().await;
    account_session(&app).await;
    let mut key = add_passkey(&app, "Laptop").await;
    let pkce = Pkce::new();
    let r = app
        .authorize(&AuthRequest::new(&rp, &pkce).set("acr_values", Some(PHISHING_RESISTANT)))
        .await;
    assert_eq!(
        location(&r),
        "/login/passkey",
        "the passkey, not the password"
    );
    let html = app
        .http
        .get(app.url("/login/passkey"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (token, request) = (csrf(&html), hidden(&html, "request"));
    let options = sign_in_options(&app, &token, &request).await;
    let answer = key.assert(&options, &app.issuer, Fault::None);
    let r = submit_answer(&app, &token, &request, &answer).await;
    let (status, body) = app
        .exchange(&rp, &callback(&r)["code"], Some(&pkce.verifier))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        jwt_claims(body["id_token"].as_str().unwrap())["acr"],
        PHISHING_RESISTANT
    );
    app.advance(Duration::from_secs(6 * 60));
    let credential_id = URL_SAFE_NO_PAD.encode(&key.credential_id);
    let token = account_csrf(&app).await;
    let r = app
        .http
        .post(app.url("/account/passkeys/remove"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("credential_id", &credential_id),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login", "an old sign-in is asked again");
    let list = app.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(factors(&list), json!(["password", "passkeys"]));
}

#[tokio::test]
async fn an_issuer_on_an_ip_address_offers_no_passkeys() {
    let app = crate::common::spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    let html = app
        .http
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("data-passkey"), "{html}");
}

#[tokio::test]
async fn a_client_that_requires_two_factors_takes_a_passkey_and_asks_a_password_session_for_it() {
    let (mut app, _) = localhost_app().await;
    let rp = app.rp(&["--first-party", "--require-mfa"]).await;
    account_session(&app).await;
    let mut key = add_passkey(&app, "Laptop").await;
    // Signed in with the password only (the account page): asked for the passkey, not for an
    // authenticator app's enrolment.
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/login/passkey");
    // A passkey sign-in is two factors: the code is issued.
    let r = passkey_sign_in(&mut app, &rp, &Pkce::new(), &mut key, Fault::None).await;
    assert!(callback(&r).contains_key("code"));
}
