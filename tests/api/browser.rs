//! The pages in a real headless Chromium (phone-sized window): forms work without extra help,
//! CSP allows what the pages need (the form_post script) and nothing inline.
//! Kept to a few tests: each one starts a browser.

use std::time::Duration;

use anyhow::{Context, ensure};
use fantoccini::Locator;

use crate::common::browser::{Browser, launch};
use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME};
use crate::common::{TestApp, spawn_app};

/// A client whose redirect URI is Tessera's own health endpoint, so the browser lands on a page
/// that loads and the test can read the code from the address bar.
async fn setup() -> (TestApp, Rp) {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let redirect = app.url("/healthz");
    let rp = app.rp_to(&redirect).await;
    (app, rp)
}

async fn sign_in(b: &Browser, username: &str, password: &str) -> anyhow::Result<()> {
    let c = &b.client;
    ensure!(
        c.find(Locator::Css("label[for=username]")).await.is_ok(),
        "username has a label"
    );
    ensure!(
        c.find(Locator::Css("label[for=password]")).await.is_ok(),
        "password has a label"
    );
    let field = c.find(Locator::Css("input[name=username]")).await?;
    field.clear().await?; // pre-filled after a failed attempt
    field.send_keys(username).await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(password)
        .await?;
    c.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Waits for an element of the page a click is navigating to (clicks do not wait for loads).
async fn wait_for(b: &Browser, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
    Ok(b.client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await?)
}

/// Waits until the address bar shows `path`, and returns the URL.
async fn wait_for_path(b: &Browser, path: &str) -> anyhow::Result<url::Url> {
    let mut url = b.client.current_url().await?;
    for _ in 0..150 {
        if url.path() == path {
            break;
        }
        // Polling: the browser navigates in its own time.
        tokio::time::sleep(Duration::from_millis(100)).await;
        url = b.client.current_url().await?;
    }
    Ok(url)
}

/// Waits until the address bar's query holds `part` (a form's redirect has landed).
async fn wait_for_query(b: &Browser, part: &str) -> anyhow::Result<()> {
    for _ in 0..150 {
        let url = b.client.current_url().await?;
        if url.query().is_some_and(|q| q.contains(part)) {
            return Ok(());
        }
        // Polling: the browser navigates in its own time.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the address never held {part}")
}

async fn login_and_consent(app: &TestApp, rp: &Rp, b: &Browser) -> anyhow::Result<()> {
    let c = &b.client;
    let pkce = Pkce::new();
    let url = format!(
        "{}?{}",
        app.url("/authorize"),
        AuthRequest::new(rp, &pkce).query()
    );
    c.goto(&url).await?;
    let text = c.find(Locator::Css("main")).await?.text().await?;
    ensure!(
        text.contains("Sign in to continue to Photo Printer"),
        "login page: {text}"
    );
    sign_in(b, USERNAME, "wrong password").await?;
    let err = wait_for(b, "[role=alert]").await?.text().await?;
    ensure!(err.contains("incorrect"), "failure message shown: {err}");
    sign_in(b, USERNAME, PASSWORD).await?;
    let allow = wait_for(b, "button[name=decision][value=allow]").await?;
    let text = c.find(Locator::Css("main")).await?.text().await?;
    ensure!(
        text.contains("Read your email address"),
        "consent page: {text}"
    );
    allow.click().await?;
    let landed = wait_for_path(b, "/healthz").await?;
    ensure!(landed.path() == "/healthz", "back at the client: {landed}");
    let q: std::collections::HashMap<_, _> = landed.query_pairs().into_owned().collect();
    ensure!(
        q.contains_key("code") && q.get("state").map(String::as_str) == Some("st-123"),
        "{landed}"
    );
    let (status, body) = app.exchange(rp, &q["code"], Some(&pkce.verifier)).await;
    ensure!(status == 200, "token exchange: {body}");
    // SSO: a second request goes straight back without any page.
    c.goto(&url).await?;
    let again = wait_for_path(b, "/healthz").await?;
    ensure!(
        again.path() == "/healthz",
        "SSO skips login and consent: {again}"
    );
    Ok(())
}

#[tokio::test]
async fn a_person_signs_in_and_consents_in_a_real_browser() {
    let Some(browser) = launch().await else {
        return;
    };
    let (app, rp) = setup().await;
    let result = login_and_consent(&app, &rp, &browser).await;
    browser.close().await;
    result.unwrap();
}

async fn form_post(app: &TestApp, rp: &Rp, b: &Browser) -> anyhow::Result<()> {
    let c = &b.client;
    let pkce = Pkce::new();
    let req = AuthRequest::new(rp, &pkce).set("response_mode", Some("form_post"));
    c.goto(&format!("{}?{}", app.url("/authorize"), req.query()))
        .await?;
    sign_in(b, USERNAME, PASSWORD).await?;
    wait_for(b, "button[name=decision][value=allow]")
        .await?
        .click()
        .await?;
    // The script served from /assets (allowed by `script-src 'self'`) posts the form by itself.
    let landed = wait_for_path(b, "/healthz").await?;
    ensure!(
        landed.path() == "/healthz",
        "the form_post page submitted itself: {landed}"
    );
    Ok(())
}

#[tokio::test]
async fn form_post_response_submits_itself_under_the_csp() {
    let Some(browser) = launch().await else {
        return;
    };
    let (app, rp) = setup().await;
    let result = form_post(&app, &rp, &browser).await.context("form_post");
    browser.close().await;
    result.unwrap();
}

/// The account page's sections, clicked through: profile, password, connected applications,
/// another session signed out, then everywhere.
async fn account_page(app: &TestApp, rp: &Rp, b: &Browser) -> anyhow::Result<()> {
    let c = &b.client;
    login_and_consent(app, rp, b).await?;
    // A second session of the same person, elsewhere (plain HTTP is enough for it).
    let elsewhere = crate::common::http_client();
    let r = elsewhere.get(app.url("/account")).send().await?;
    ensure!(r.status() == 303, "elsewhere: sign-in first");
    let r = crate::common::flow::log_in_with(app, &elsewhere, USERNAME, PASSWORD).await;
    ensure!(r.status() == 303, "elsewhere: signed in");

    c.goto(&app.url("/account")).await?;
    let profile = wait_for(b, "#profile").await?.text().await?;
    ensure!(
        profile.contains("alice") && profile.contains("alice@example.com"),
        "{profile}"
    );
    let apps = c.find(Locator::Css("#apps")).await?.text().await?;
    ensure!(apps.contains("Photo Printer"), "{apps}");
    let sessions = c.find(Locator::Css("#sessions")).await?;
    let rows = sessions.find_all(Locator::Css("li.session")).await?;
    ensure!(rows.len() == 2, "two sessions listed");

    // Change the password.
    for (field, value) in [
        ("current_password", PASSWORD),
        ("new_password", "a brand new and rather long passphrase"),
        ("confirm_password", "a brand new and rather long passphrase"),
    ] {
        c.find(Locator::Id(field)).await?.send_keys(value).await?;
    }
    c.find(Locator::Id("change-password"))
        .await?
        .click()
        .await?;
    let notice = wait_for(b, "#account-notice").await?.text().await?;
    ensure!(notice.contains("password was changed"), "{notice}");
    let r = elsewhere.get(app.url("/account")).send().await?;
    ensure!(r.status() == 303, "the other session ended with the change");

    // Revoke the application's access.
    c.find(Locator::XPath("//button[text()='Revoke access']"))
        .await?
        .click()
        .await?;
    wait_for_query(b, "done=app_revoked").await?;
    let notice = wait_for(b, "#account-notice").await?.text().await?;
    ensure!(notice.contains("can no longer use"), "{notice}");
    let apps = c.find(Locator::Css("#apps")).await?.text().await?;
    ensure!(!apps.contains("Photo Printer"), "{apps}");

    // Sign out everywhere: this browser too.
    c.find(Locator::Id("sign-out-everywhere"))
        .await?
        .click()
        .await?;
    wait_for_path(b, "/account/sessions/end-all").await?;
    let h1 = wait_for(b, "h1").await?.text().await?;
    ensure!(h1.contains("You are signed out"), "{h1}");
    c.goto(&app.url("/account")).await?;
    let text = wait_for(b, "main").await?.text().await?;
    ensure!(text.contains("Sign in to manage your account"), "{text}");
    Ok(())
}

#[tokio::test]
async fn the_account_page_works_in_a_real_browser() {
    let Some(browser) = launch().await else {
        return;
    };
    let (app, rp) = setup().await;
    let result = account_page(&app, &rp, &browser).await;
    browser.close().await;
    result.unwrap();
}

/// Two-step verification clicked through: enrolment on the account page (the key read from
/// `#totp-secret`, the code computed here), then a sign-in that asks for a code, refuses a
/// wrong one with an alert, and takes the right one.
async fn two_step(app: &TestApp, rp: &Rp, b: &Browser) -> anyhow::Result<()> {
    use crate::mfa::code_at;
    let c = &b.client;
    c.goto(&app.url("/account")).await?;
    sign_in(b, USERNAME, PASSWORD).await?;
    let key = wait_for(b, "#totp-secret").await?.text().await?;
    let secret: String = key.split_whitespace().collect();
    ensure!(
        c.find(Locator::Css("#security svg")).await.is_ok(),
        "QR code"
    );
    c.find(Locator::Css("#security input[name=otp]"))
        .await?
        .send_keys(&code_at(&secret, app.now()))
        .await?;
    c.find(Locator::Css("#enroll-totp")).await?.click().await?;
    let codes = wait_for(b, "#recovery-codes").await?;
    ensure!(
        codes.find_all(Locator::Css("li")).await?.len() == 10,
        "ten recovery codes"
    );
    // The enrolment code's step is used: the sign-in below needs the next one.
    app.advance(Duration::from_secs(30));
    let pkce = Pkce::new();
    let req = AuthRequest::new(rp, &pkce).set("prompt", Some("login"));
    c.goto(&format!("{}?{}", app.url("/authorize"), req.query()))
        .await?;
    sign_in(b, USERNAME, PASSWORD).await?;
    let otp = wait_for(b, "input[name=otp]").await?;
    otp.send_keys("000000").await?;
    c.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    wait_for(b, "[role=alert]").await?;
    c.find(Locator::Css("input[name=otp]"))
        .await?
        .send_keys(&code_at(&secret, app.now()))
        .await?;
    c.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    wait_for(b, "button[name=decision][value=allow]")
        .await?
        .click()
        .await?;
    let landed = wait_for_path(b, "/healthz").await?;
    let q: std::collections::HashMap<_, _> = landed.query_pairs().into_owned().collect();
    ensure!(q.contains_key("code"), "{landed}");
    let (status, body) = app.exchange(rp, &q["code"], Some(&pkce.verifier)).await;
    ensure!(status == 200, "token exchange: {body}");
    let id = crate::common::flow::jwt_claims(body["id_token"].as_str().unwrap_or_default());
    ensure!(
        id["amr"] == serde_json::json!(["pwd", "otp", "mfa"]),
        "amr: {}",
        id["amr"]
    );
    Ok(())
}

#[tokio::test]
async fn two_step_verification_in_a_real_browser() {
    let Some(browser) = launch().await else {
        return;
    };
    let (app, rp) = setup().await;
    let result = two_step(&app, &rp, &browser).await.context("two-step");
    browser.close().await;
    result.unwrap();
}
