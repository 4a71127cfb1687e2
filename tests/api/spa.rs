//! The example single-page app (examples/spa/) in a real headless Chromium, served by its own
//! static server from another origin (another port on 127.0.0.1): it signs in with code + PKCE
//! as a public client, calls userinfo, refreshes, calls the example resource server and signs
//! out, every call cross-origin, with no error on the page or in the console.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use axum::http::HeaderValue;
use fantoccini::Locator;
use tessera_resource_server_example::{Verifier, app_with_origins};

use crate::common::browser::{Browser, launch};
use crate::common::flow::{PASSWORD, USERNAME};
use crate::common::{TestApp, can_run, free_port, serve, spawn_app};

/// The app's static server (`examples/spa/serve.py`), stopped when dropped.
struct SpaServer {
    url: String,
    _child: tokio::process::Child,
}

fn python() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

async fn start_spa(port: u16, issuer: &str, client_id: &str, resource: &str) -> SpaServer {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/spa/serve.py");
    let child = tokio::process::Command::new("python3")
        .arg(script)
        .args(["--port", &port.to_string(), "--issuer", issuer])
        .args(["--client-id", client_id, "--resource-server", resource])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start examples/spa/serve.py");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        // Polling: the static server comes up in its own time.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    SpaServer {
        url: format!("http://127.0.0.1:{port}/"),
        _child: child,
    }
}

/// Waits for an element (clicks and navigations do not wait for the page's scripts).
async fn wait_for(b: &Browser, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
    b.client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for {css}"))
}

/// Waits until the element's text contains `needle`, failing early on an error the app shows.
async fn wait_for_text(b: &Browser, css: &str, needle: &str) -> anyhow::Result<String> {
    let mut text = String::new();
    for _ in 0..150 {
        // While a navigation is under way the element may be gone or stale: look again.
        if let Ok(now) = text_of(b, css).await {
            text = now;
            if text.contains(needle) {
                return Ok(text);
            }
            let errors = app_errors(b).await.unwrap_or_default();
            ensure!(errors.is_empty(), "the app reported: {errors}");
        }
        // Polling: the app's fetches complete in their own time.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{css} never showed `{needle}`: {text:?}")
}

async fn text_of(b: &Browser, css: &str) -> anyhow::Result<String> {
    Ok(b.client.find(Locator::Css(css)).await?.text().await?)
}

async fn app_errors(b: &Browser) -> anyhow::Result<String> {
    text_of(b, "#errors").await
}

async fn click(b: &Browser, css: &str) -> anyhow::Result<()> {
    wait_for(b, &format!("{css}:not([hidden]):not([disabled])"))
        .await?
        .click()
        .await?;
    Ok(())
}

async fn walk_through(app: &TestApp, spa: &SpaServer, b: &Browser) -> anyhow::Result<()> {
    let c = &b.client;
    c.goto(&spa.url).await?;
    wait_for_text(b, "#status", "Not signed in").await?;
    click(b, "#sign-in").await?;
    // Tessera's own pages, at its origin.
    wait_for(b, "input[name=username]")
        .await?
        .send_keys(USERNAME)
        .await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    c.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    click(b, "button[name=decision][value=allow]").await?;
    // Back at the app: the code exchanged at /token, the ID token validated against the JWKS.
    let status = wait_for_text(b, "#status", "Signed in as").await?;
    let claims = c.find(Locator::Css("#claims")).await?.text().await?;
    ensure!(
        claims.contains(&format!("\"iss\": \"{}\"", app.issuer)),
        "{claims}"
    );
    click(b, "#userinfo").await?;
    wait_for_text(b, "#userinfo-result", "alice@example.com").await?;
    click(b, "#refresh").await?;
    wait_for_text(b, "#refresh-result", "\"rotated\": true").await?;
    click(b, "#call-api").await?;
    let sub = status
        .trim_start_matches("Signed in as ")
        .trim()
        .to_string();
    wait_for_text(b, "#api-result", &sub).await?;
    // Revokes the refresh token at /revoke, then RP-initiated logout back to the app.
    click(b, "#sign-out").await?;
    wait_for_text(b, "#status", "Signed out").await?;
    let errors = app_errors(b).await?;
    ensure!(errors.is_empty(), "the app reported: {errors}");
    let console = b.console().await?;
    // Tessera's pages have no favicon; the browser asks for one anyway.
    let refused: Vec<_> = console
        .iter()
        .filter(|m| m.contains("CORS") || m.contains("Access-Control") || m.starts_with("SEVERE"))
        .filter(|m| !m.contains(&format!("{}/favicon.ico", app.issuer)))
        .collect();
    ensure!(refused.is_empty(), "console: {refused:#?}");
    Ok(())
}

#[tokio::test]
async fn the_example_app_signs_in_calls_apis_refreshes_and_signs_out_from_another_origin() {
    if !can_run(
        "example app browser test",
        python(),
        "python3 is not installed",
    ) {
        return;
    }
    let Some(browser) = launch().await else {
        return;
    };
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let port = free_port();
    let spa_origin = format!("http://127.0.0.1:{port}");
    let redirect = format!("{spa_origin}/");
    let (client_id, _) = app
        .create_client(&[
            "--name",
            "Example SPA",
            "--public",
            "--redirect-uri",
            &redirect,
            "--post-logout-redirect-uri",
            &redirect,
        ])
        .await;
    let verifier = Verifier::new(&app.issuer, &app.issuer, &app.url("/jwks"));
    let origin = HeaderValue::from_str(&spa_origin).unwrap();
    let resource = serve(app_with_origins(verifier, vec![origin])).await;
    let spa = start_spa(port, &app.issuer, &client_id, &resource).await;
    let result = walk_through(&app, &spa, &browser).await;
    browser.close().await;
    result.unwrap();
}
