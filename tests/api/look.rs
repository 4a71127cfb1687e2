//! What the pages look like and carry: security headers (CSP `form-action`, Permissions-Policy,
//! COOP), the icon, the operator's brand and assets, and in headless Chromium, both colour
//! schemes: axe-core finds no WCAG 2.1 A/AA violation, and control edges and the focus ring
//! reach 3:1 against the card.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, ensure};
use fantoccini::Locator;

use crate::common::browser::{Browser, launch};
use crate::common::flow::{AuthRequest, PASSWORD, Pkce, REDIRECT, Rp, USERNAME, location};
use crate::common::smtp::{Mode, SmtpServer};
use crate::common::{Options, TestApp, can_run, spawn_app, spawn_app_with};

/// One directive of a CSP, as `name value…`.
fn directive<'a>(csp: &'a str, name: &str) -> Option<&'a str> {
    csp.split(';')
        .map(str::trim)
        .find(|d| d.split_whitespace().next() == Some(name))
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} present"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn the_favicon_is_a_real_cacheable_icon() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        ["image/x-icon", "image/vnd.microsoft.icon"].contains(&header(&r, "content-type")),
        "{}",
        header(&r, "content-type")
    );
    assert!(header(&r, "cache-control").contains("max-age"));
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    let body = r.bytes().await.unwrap();
    // ICONDIR: reserved 0, type 1 (icon), then at least one image.
    assert_eq!(&body[..4], &[0, 0, 1, 0], "ICO magic");
    assert!(
        u16::from_le_bytes([body[4], body[5]]) >= 1,
        "holds an image"
    );
}

#[tokio::test]
async fn pages_allow_forms_to_tessera_and_the_request_s_redirect_uri_only() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&[]).await;
    // An error page, outside any request.
    let r = app.http.get(app.url("/nowhere")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let csp = header(&r, "content-security-policy");
    assert_eq!(directive(csp, "form-action"), Some("form-action 'self'"));
    assert_eq!(header(&r, "cross-origin-opener-policy"), "same-origin");
    let pp = header(&r, "permissions-policy");
    for allowed in [
        "publickey-credentials-get=(self)",
        "publickey-credentials-create=(self)",
    ] {
        assert!(pp.contains(allowed), "{pp}");
    }
    for denied in ["camera=()", "microphone=()", "geolocation=()", "payment=()"] {
        assert!(pp.contains(denied), "{pp}");
    }
    // The login page of a request: its answer redirects to the client, which Chromium checks
    // against form-action too.
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/login");
    let r = app.http.get(app.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = header(&r, "content-security-policy");
    assert_eq!(
        directive(csp, "form-action"),
        Some(format!("form-action 'self' {REDIRECT}").as_str())
    );
    assert_eq!(header(&r, "cross-origin-opener-policy"), "same-origin");
    assert!(header(&r, "permissions-policy").contains("publickey-credentials-get=(self)"));
}

#[tokio::test]
async fn the_form_post_page_may_post_only_to_the_redirect_uri() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let req = AuthRequest::new(&rp, &Pkce::new()).set("response_mode", Some("form_post"));
    app.authorize(&req).await;
    let r = app.login(USERNAME, PASSWORD).await;
    assert_eq!(r.status(), 200);
    let csp = header(&r, "content-security-policy");
    assert_eq!(
        directive(csp, "form-action"),
        Some(format!("form-action {REDIRECT}").as_str()),
        "{csp}"
    );
    assert_eq!(header(&r, "cross-origin-opener-policy"), "same-origin");
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("action=\"{REDIRECT}\"")), "{html}");
    assert!(
        html.contains("<html lang=\"en\""),
        "drawn in the person's language"
    );
    // In French when the request asked for it.
    let req = AuthRequest::new(&rp, &Pkce::new())
        .set("response_mode", Some("form_post"))
        .set("ui_locales", Some("fr"));
    let r = app.authorize(&req).await;
    assert_eq!(r.status(), 200, "signed in already: the answer at once");
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\""), "{html}");
    assert!(html.contains("Continuer"), "{html}");
}

/// A folder holding a logo and an assets folder (a stylesheet, a hidden file, a text file).
fn brand_files(dir: &Path) -> (PathBuf, PathBuf) {
    let logo = dir.join("acme.svg");
    std::fs::write(
        &logo,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32"><rect width="120" height="32" fill="#0b57d0"/></svg>"##,
    )
    .unwrap();
    let assets = dir.join("assets");
    std::fs::create_dir(&assets).unwrap();
    std::fs::write(
        assets.join("style.css"),
        "body { background: rebeccapurple; }\n",
    )
    .unwrap();
    std::fs::write(assets.join(".secret.css"), "hidden").unwrap();
    std::fs::write(assets.join("notes.txt"), "not served").unwrap();
    (logo, assets)
}

#[tokio::test]
async fn the_operator_s_name_logo_and_accent_are_served() {
    let files = tempfile::tempdir().unwrap();
    let (logo, _) = brand_files(files.path());
    let app = spawn_app_with(Options::toml(&format!(
        "[ui]\nproduct_name = \"Acme ID\"\nlogo = \"{}\"\naccent_color = \"#0b57d0\"\n",
        logo.display()
    )))
    .await;
    // A page on the shared layout (every page, once converted).
    let r = app.http.get(app.url("/nowhere")).send().await.unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"<img class="logo" id="brand-logo" src="/assets/logo.svg" alt="Acme ID">"#),
        "{html}"
    );
    assert!(html.contains("· Acme ID</title>"), "{html}");
    let r = app
        .http
        .get(app.url("/assets/logo.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "image/svg+xml");
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    assert_eq!(r.bytes().await.unwrap(), std::fs::read(&logo).unwrap());
    let r = app
        .http
        .get(app.url("/assets/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&r, "content-type"), "text/css; charset=utf-8");
    let css = r.text().await.unwrap();
    assert!(
        css.contains("prefers-color-scheme: dark"),
        "the built-in sheet"
    );
    assert!(
        css.trim_end().ends_with(":root { --accent: #0b57d0; }"),
        "the accent last, so it wins"
    );
}

#[tokio::test]
async fn an_assets_folder_replaces_the_built_in_stylesheet_and_serves_nothing_hidden() {
    let files = tempfile::tempdir().unwrap();
    let (_, assets) = brand_files(files.path());
    let app = spawn_app_with(Options::toml(&format!(
        "[ui]\nassets_dir = \"{}\"\n",
        assets.display()
    )))
    .await;
    let css = app
        .http
        .get(app.url("/assets/style.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(css, "body { background: rebeccapurple; }\n");
    // The scripts it does not replace stay the built-in ones.
    let js = app
        .http
        .get(app.url("/assets/form_post.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
    for path in [
        "/assets/.secret.css",
        "/assets/notes.txt",
        "/assets/..%2Fconfig.toml",
        "/assets/nothing.css",
    ] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
}

// --- In the browser ------------------------------------------------------------------------

/// `axe.min.js` from tests/a11y (`npm ci` there: .ci/run does it; a test run without it tries
/// once). `None` (the test skips) when it cannot be had, except under CI=true (it fails).
fn axe_source() -> Option<String> {
    static INSTALL: Mutex<()> = Mutex::new(());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/a11y");
    let file = dir.join("node_modules/axe-core/axe.min.js");
    let _once = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !file.exists() {
        let installed = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .stdin(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        eprintln!(
            "npm ci in tests/a11y: {}",
            if installed { "done" } else { "failed" }
        );
    }
    let source = std::fs::read_to_string(&file).ok();
    if !can_run(
        "axe-core page test",
        source.is_some(),
        "tests/a11y/node_modules/axe-core/axe.min.js is missing (npm ci in tests/a11y)",
    ) {
        return None;
    }
    source
}

/// Which colour scheme the browser says the person prefers.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Scheme {
    Light,
    Dark,
}

async fn emulate(b: &Browser, scheme: Scheme) -> anyhow::Result<()> {
    let value = match scheme {
        Scheme::Light => "light",
        Scheme::Dark => "dark",
    };
    b.cdp(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": value}]}),
    )
    .await?;
    Ok(())
}

async fn wait_for(b: &Browser, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
    Ok(b.client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await?)
}

/// axe-core's WCAG 2.1 A/AA violations on the page shown, one line each.
async fn axe(b: &Browser, source: &str) -> anyhow::Result<Vec<String>> {
    b.client
        .execute(&format!("{source}\n;return typeof axe;"), vec![])
        .await?;
    let found = b
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
              .then(r => done(r.violations.flatMap(v => v.nodes.map(n =>
                  `${v.id} at ${n.target.join(" ")}: ${n.failureSummary}`))))
              .catch(e => done(["axe failed: " + e]));"#,
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(found)?)
}

/// Runs axe on the page shown, naming it in the failure.
async fn no_violations(
    b: &Browser,
    source: &str,
    page: &str,
    scheme: Scheme,
) -> anyhow::Result<()> {
    let found = axe(b, source).await?;
    ensure!(
        found.is_empty(),
        "{page} ({scheme:?}): {} violation(s):\n{}",
        found.len(),
        found.join("\n")
    );
    Ok(())
}

/// A server with email (so "forgot password" exists), alice, and a client whose redirect URI
/// is on another origin than the issuer (`localhost` for `127.0.0.1`): the answer to the
/// consent form leaves Tessera, as it does for a real client.
async fn setup() -> (SmtpServer, TestApp, Rp) {
    let smtp = SmtpServer::start(Mode::Accept).await;
    let app = spawn_app_with(Options::toml(&smtp.toml())).await;
    app.create_user(USERNAME, PASSWORD).await;
    let redirect = format!("http://localhost:{}/healthz", app.addr.port());
    let rp = app.rp_to(&redirect).await;
    (smtp, app, rp)
}

async fn fill_login(b: &Browser, password: &str) -> anyhow::Result<()> {
    let c = &b.client;
    let user = c.find(Locator::Css("input[name=username]")).await?;
    user.clear().await?;
    user.send_keys(USERNAME).await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(password)
        .await?;
    c.find(Locator::Css("form[action='/login'] button[type=submit]"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Error, login (fresh and after a failure), consent, the way back to the client, account,
/// device and forgot-password pages, each checked by axe in `scheme`.
async fn every_page_passes_axe(scheme: Scheme) -> anyhow::Result<()> {
    let Some(source) = axe_source() else {
        return Ok(());
    };
    let Some(b) = launch().await else {
        return Ok(());
    };
    let (_smtp, app, rp) = setup().await;
    let result = async {
        let c = &b.client;
        emulate(&b, scheme).await?;
        c.goto(&app.url("/no-such-page")).await?;
        wait_for(&b, "main h1").await?;
        no_violations(&b, &source, "error page", scheme).await?;
        let url = format!(
            "{}?{}",
            app.url("/authorize"),
            AuthRequest::new(&rp, &Pkce::new()).query()
        );
        c.goto(&url).await?;
        wait_for(&b, "input[name=username]").await?;
        no_violations(&b, &source, "login page", scheme).await?;
        fill_login(&b, "wrong password").await?;
        wait_for(&b, "[role=alert]").await?;
        no_violations(&b, &source, "login page after a failure", scheme).await?;
        fill_login(&b, PASSWORD).await?;
        let allow = wait_for(&b, "button[name=decision][value=allow]").await?;
        no_violations(&b, &source, "consent page", scheme).await?;
        allow.click().await?;
        // The redirect to another origin that follows the consent form is allowed by the
        // consent page's form-action.
        let mut landed = c.current_url().await?;
        for _ in 0..150 {
            if landed.host_str() == Some("localhost") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            landed = c.current_url().await?;
        }
        ensure!(
            landed.host_str() == Some("localhost")
                && landed.query().is_some_and(|q| q.contains("code=")),
            "back at the client with a code: {landed}"
        );
        for (path, ready, page) in [
            ("/account", "main h1", "account page"),
            ("/device", "input[name=user_code]", "device page"),
            (
                "/forgot-password",
                "input[name=email]",
                "forgot-password page",
            ),
        ] {
            c.goto(&app.url(path)).await?;
            wait_for(&b, ready).await?;
            no_violations(&b, &source, page, scheme).await?;
        }
        let refused: Vec<String> = b
            .console()
            .await?
            .into_iter()
            .filter(|m| m.contains("Content Security Policy") || m.contains("Permissions-Policy"))
            .collect();
        ensure!(refused.is_empty(), "the browser refused: {refused:?}");
        Ok(())
    }
    .await;
    b.close().await;
    result
}

#[tokio::test]
async fn axe_finds_no_wcag_violation_on_any_page_in_the_light_scheme() {
    every_page_passes_axe(Scheme::Light)
        .await
        .context("light")
        .unwrap();
}

#[tokio::test]
async fn axe_finds_no_wcag_violation_on_any_page_in_the_dark_scheme() {
    every_page_passes_axe(Scheme::Dark)
        .await
        .context("dark")
        .unwrap();
}

/// In the page: WCAG 2.1 contrast ratio of two computed colours (`rgb(…)`, opaque).
const CONTRAST_JS: &str = r#"
const rgb = s => s.match(/[\d.]+/g).slice(0, 3).map(Number);
const lum = c => { const l = c.map(v => { v /= 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
const ratio = (a, b) => { const x = lum(rgb(a)), y = lum(rgb(b));
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
const card = getComputedStyle(document.querySelector("main.card")).backgroundColor;
"#;

/// The ratio of `what` (a computed colour of the element `css`, or of the focused element)
/// against the card, with the colours themselves for the failure message.
async fn ratio_to_card(
    b: &Browser,
    css: Option<&str>,
    what: &str,
) -> anyhow::Result<(f64, String)> {
    let element = match css {
        Some(css) => format!("document.querySelector({css:?})"),
        None => "document.activeElement".into(),
    };
    let found = b
        .client
        .execute(
            &format!(
                "{CONTRAST_JS}
                const s = getComputedStyle({element});
                return [ratio(s[{what:?}], card), s[{what:?}] + ' on ' + card];"
            ),
            vec![],
        )
        .await?;
    let ratio = found[0].as_f64().context("a ratio")?;
    Ok((ratio, found[1].as_str().unwrap_or_default().to_string()))
}

/// Input borders, the focus ring (reached with Tab) and the secondary button's border, against
/// the card, in `scheme`.
async fn control_edges(b: &Browser, scheme: Scheme) -> anyhow::Result<()> {
    emulate(b, scheme).await?;
    let c = &b.client;
    let (r, colours) = ratio_to_card(b, Some("#password"), "borderTopColor").await?;
    ensure!(r >= 3.0, "{scheme:?}: input border {r:.2}:1 ({colours})");
    // Keyboard focus: Tab from the username (autofocus) to the password.
    c.find(Locator::Css("#username"))
        .await?
        .send_keys(&fantoccini::key::Key::Tab.to_string())
        .await?;
    let focused = c
        .execute("return document.activeElement.id + ' ' + getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth", vec![])
        .await?;
    let focused = focused.as_str().unwrap_or_default().to_string();
    ensure!(
        focused.starts_with("password solid"),
        "{scheme:?}: the focused field shows a solid ring: {focused}"
    );
    let (r, colours) = ratio_to_card(b, None, "outlineColor").await?;
    ensure!(r >= 3.0, "{scheme:?}: focus ring {r:.2}:1 ({colours})");
    // The secondary button: styled like Deny on the consent page.
    c.execute(
        r#"const b = document.createElement("button");
        b.className = "secondary"; b.id = "probe"; b.textContent = "Deny";
        document.querySelector("main.card").appendChild(b);"#,
        vec![],
    )
    .await?;
    let (r, colours) = ratio_to_card(b, Some("#probe"), "borderTopColor").await?;
    ensure!(
        r >= 3.0,
        "{scheme:?}: secondary button border {r:.2}:1 ({colours})"
    );
    c.execute(r#"document.getElementById("probe").remove();"#, vec![])
        .await?;
    Ok(())
}

#[tokio::test]
async fn control_edges_reach_3_to_1_in_both_schemes_and_arabic_reads_right_to_left() {
    let Some(b) = launch().await else {
        return;
    };
    let app = spawn_app().await;
    let rp = app.rp(&[]).await;
    let result = async {
        let url = format!(
            "{}?{}",
            app.url("/authorize"),
            AuthRequest::new(&rp, &Pkce::new()).query()
        );
        for scheme in [Scheme::Light, Scheme::Dark] {
            b.client.goto(&url).await?;
            wait_for(&b, "#password").await?;
            control_edges(&b, scheme).await?;
        }
        // Forced colours: the fields keep a visible edge.
        b.cdp(
            "Emulation.setEmulatedMedia",
            serde_json::json!({"features": [{"name": "forced-colors", "value": "active"}]}),
        )
        .await?;
        b.client.goto(&url).await?;
        let edge = b
            .client
            .execute(
                "const s = getComputedStyle(document.querySelector('#password'));
                 return s.borderTopStyle + ' ' + s.borderTopWidth;",
                vec![],
            )
            .await?;
        ensure!(edge == "solid 1px", "forced colours: field edge {edge}");
        right_to_left(&b, &app).await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    b.close().await;
    result.unwrap();
}

/// An Arabic page is laid out from the right: its heading starts at the card's right edge.
async fn right_to_left(b: &Browser, app: &TestApp) -> anyhow::Result<()> {
    b.client
        .goto(&app.url("/no-such-page?ui_locales=ar"))
        .await?;
    wait_for(b, "main h1").await?;
    let found = b
        .client
        .execute(
            r#"const h1 = document.querySelector("main h1");
            const card = document.querySelector("main.card");
            const text = document.createRange(); text.selectNodeContents(h1);
            const edge = card.getBoundingClientRect().right
                - parseFloat(getComputedStyle(card).paddingRight)
                - parseFloat(getComputedStyle(card).borderRightWidth);
            return [document.documentElement.dir, edge - text.getBoundingClientRect().right];"#,
            vec![],
        )
        .await?;
    ensure!(found[0] == "rtl", "dir: {found}");
    let gap = found[1].as_f64().context("a gap")?;
    ensure!(
        gap.abs() < 2.0,
        "the heading starts at the right edge: {found}"
    );
    Ok(())
}
