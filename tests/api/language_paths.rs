//! Pages in the person's language, across one authorization request: `ui_locales` first, then
//! the language it chose for the pages that follow, then `Accept-Language`, then
//! `[ui] default_locale`; error pages translated, with the request id and how long to wait.
//! The expected words come from Tessera's own catalog (`tessera::i18n`), so a test fails when a
//! page is not in the language, not when a translator rewords a sentence.

use anyhow::{Context, ensure};
use fantoccini::Locator;
use tessera::i18n::{Locale, Tr};

use crate::common::browser::{Browser, launch};
use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, location};
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

/// `lang` and `dir` of a page's `<html>`.
fn lang_dir(html: &str) -> (String, String) {
    let tag = &html[html.find("<html").expect("an html element")..];
    let tag = &tag[..tag.find('>').expect("the tag ends")];
    let attr = |name: &str| {
        let start = tag
            .find(&format!("{name}=\""))
            .map(|i| i + name.len() + 2)?;
        Some(tag[start..start + tag[start..].find('"')?].to_string())
    };
    (
        attr("lang").unwrap_or_default(),
        attr("dir").unwrap_or_default(),
    )
}

/// A cookie-keeping client sending `Accept-Language: accept`.
fn client_speaking(accept: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT_LANGUAGE,
        accept.parse().expect("a header value"),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client")
}

async fn get_html(client: &reqwest::Client, url: &str) -> (u16, String) {
    let r = client.get(url).send().await.expect("GET");
    (r.status().as_u16(), r.text().await.expect("body"))
}

#[tokio::test]
async fn discovery_lists_every_language() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app
        .http
        .get(app.url("/.well-known/openid-configuration"))
        .send()
        .await
        .expect("discovery")
        .json()
        .await
        .expect("json");
    assert_eq!(
        doc["ui_locales_supported"],
        serde_json::json!(["en", "de", "fr", "es", "ar"])
    );
}

#[tokio::test]
async fn accept_language_picks_the_page_language_and_arabic_runs_right_to_left() {
    let app = spawn_app().await;
    for (accept, lang, dir) in [
        ("ar-EG,ar;q=0.9,en;q=0.5", "ar", "rtl"),
        ("de-AT, de;q=0.9", "de", "ltr"),
        ("ja, es;q=0.4", "es", "ltr"),
        ("ja, zh;q=0.8", "en", "ltr"),
    ] {
        let (status, html) = get_html(&client_speaking(accept), &app.url("/nowhere")).await;
        assert_eq!(status, 404);
        assert_eq!(lang_dir(&html), (lang.into(), dir.into()), "{accept}");
        let locale: Locale = lang.parse().expect("a locale");
        assert!(
            html.contains(&Tr(locale).t("error-not-found-title")),
            "{accept}: {html}"
        );
    }
}

#[tokio::test]
async fn the_default_locale_applies_when_nothing_else_does() {
    let app = spawn_app_with(Options::toml("[ui]\ndefault_locale = \"fr\"\n")).await;
    let (_, html) = get_html(&client_speaking("ja"), &app.url("/nowhere")).await;
    assert_eq!(lang_dir(&html).0, "fr");
    assert!(html.contains("Page introuvable"), "{html}");
}

#[tokio::test]
async fn ui_locales_holds_through_the_authorization_request() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&[]).await;
    // The browser says German; the relying party asks for Spanish (after one it lacks).
    let http = client_speaking("de");
    let req = AuthRequest::new(&rp, &Pkce::new()).set("ui_locales", Some("pt-BR es-MX"));
    let r = http
        .get(format!("{}?{}", app.url("/authorize"), req.query()))
        .send()
        .await
        .expect("authorize");
    assert_eq!(location(&r), "/login");
    let (status, login) = get_html(&http, &app.url("/login")).await;
    assert_eq!(status, 200);
    assert_eq!(lang_dir(&login).0, "es", "login page");
    // A page without the request id keeps the language too; a new browser does not.
    let (_, missing) = get_html(&http, &app.url("/nowhere")).await;
    assert_eq!(lang_dir(&missing).0, "es");
    let (_, fresh) = get_html(&client_speaking("de"), &app.url("/nowhere")).await;
    assert_eq!(lang_dir(&fresh).0, "de");
}

#[tokio::test]
async fn error_pages_show_the_request_id_and_how_long_to_wait() {
    let app = spawn_app_with(Options::toml(
        "[throttle]\nmax_failures_per_user = 2\nwindow = \"5m\"\n",
    ))
    .await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&[]).await;
    let http = client_speaking("fr");
    let mut last = None;
    for _ in 0..4 {
        let req = AuthRequest::new(&rp, &Pkce::new());
        http.get(format!("{}?{}", app.url("/authorize"), req.query()))
            .send()
            .await
            .expect("authorize");
        let r = crate::common::flow::log_in_with(&app, &http, USERNAME, "wrong").await;
        last = Some(r);
    }
    let r = last.expect("a response");
    assert_eq!(r.status(), 429);
    let request_id = r
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id")
        .to_string();
    let wait: u64 = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .expect("Retry-After");
    let html = r.text().await.expect("html");
    assert_eq!(lang_dir(&html).0, "fr");
    assert!(
        html.contains(&request_id),
        "the page shows the request id {request_id}: {html}"
    );
    let fr = Tr(Locale::Fr);
    assert!(
        html.contains(&fr.t1("error-wait", "wait", &fr.wait(wait))),
        "the page says how long to wait ({wait} s): {html}"
    );
}

/// Each language's words for one message, in the order of [`Locale::ALL`].
fn words(id: &str) -> Vec<(Locale, String)> {
    Locale::ALL.into_iter().map(|l| (l, Tr(l).t(id))).collect()
}

#[test]
fn every_language_has_its_own_words_for_the_main_path() {
    // A translation copied from English would pass the key test but not a person.
    for id in ["error-not-found-title", "error-wait", "error-go-back"] {
        let all = words(id);
        for (l, w) in &all[1..] {
            assert_ne!(w, &all[0].1, "{id} in {l} is English");
        }
    }
}

/// The main path in Chromium in one language: login, consent and logout pages carry its
/// `lang` and `dir`. Returns the three page titles, for comparing across languages.
async fn main_path(app: &TestApp, rp: &Rp, b: &Browser, locale: Locale) -> anyhow::Result<String> {
    let c = &b.client;
    c.delete_all_cookies().await?;
    let tag = locale.tag();
    let req = AuthRequest::new(rp, &Pkce::new())
        .set("ui_locales", Some(tag))
        .set("prompt", Some("consent"));
    c.goto(&format!("{}?{}", app.url("/authorize"), req.query()))
        .await?;
    let check = |page: &'static str| async move {
        let lang = c
            .find(Locator::Css("html"))
            .await?
            .attr("lang")
            .await?
            .unwrap_or_default();
        ensure!(lang == tag, "{page} in {tag}: lang={lang}");
        let direction: String = c
            .execute("return getComputedStyle(document.body).direction", vec![])
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string();
        let want = if locale == Locale::Ar { "rtl" } else { "ltr" };
        ensure!(direction == want, "{page} in {tag}: direction {direction}");
        let title = c.title().await?;
        Ok::<_, anyhow::Error>(title)
    };
    let login_title = check("login").await?;
    picture(b, &format!("login-{tag}")).await?;
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
    c.wait()
        .at_most(std::time::Duration::from_secs(15))
        .for_element(Locator::Css("button[name=decision][value=allow]"))
        .await
        .context("the consent page")?;
    let consent_title = check("consent").await?;
    picture(b, &format!("consent-{tag}")).await?;
    c.goto(&format!(
        "{}?client_id={}&ui_locales={tag}",
        app.url("/logout"),
        rp.client_id
    ))
    .await?;
    let logout_title = check("logout").await?;
    Ok(format!("{login_title}|{consent_title}|{logout_title}"))
}

/// With `TESSERA_TEST_PAGE_PICTURES=<folder>`, saves a screenshot of the page there (the README's
/// pictures in `examples/pages/` are made this way).
async fn picture(b: &Browser, name: &str) -> anyhow::Result<()> {
    if let Ok(dir) = std::env::var("TESSERA_TEST_PAGE_PICTURES") {
        let png = b.client.screenshot().await?;
        std::fs::write(format!("{dir}/{name}.png"), png)?;
    }
    Ok(())
}

#[tokio::test]
async fn login_consent_and_logout_in_every_language_in_a_real_browser() {
    let Some(browser) = launch().await else {
        return;
    };
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let redirect = app.url("/healthz");
    let rp = app.rp_to(&redirect).await;
    let mut titles = Vec::new();
    let mut failure = None;
    for locale in Locale::ALL {
        match main_path(&app, &rp, &browser, locale).await {
            Ok(t) => titles.push((locale, t)),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    browser.close().await;
    if let Some(e) = failure {
        panic!("the main path in every language: {e:#}");
    }
    let english = &titles[0].1;
    for (locale, t) in &titles[1..] {
        assert_ne!(t, english, "{locale}: the page titles are the English ones");
    }
}
