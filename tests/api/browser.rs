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
    let (client_id, secret) = app
        .create_client(&["--name", "Photo Printer", "--redirect-uri", &redirect])
        .await;
    let rp = Rp {
        client_id,
        secret,
        redirect_uri: redirect,
    };
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
