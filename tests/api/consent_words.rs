//! What the consent page says, in the person's language: "Confirm who you are" first, then the
//! other scopes in a fixed order, in plain words with the values they release, an operator's
//! own scope in the words the operator gave it; the device page in French; and, in Chromium,
//! the heading holding focus when the page opens.

use std::time::Duration;

use anyhow::ensure;
use fantoccini::Locator;
use fantoccini::key::Key;

use crate::common::browser::launch;
use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, Rp, USERNAME, csrf, hidden, location, log_in_with,
};
use crate::common::{Options, TestApp, http_client, spawn_app, spawn_app_with};
use crate::device::{device_client, enter_code, started};

/// Every scope Tessera knows but `openid`, in an order unlike the page's.
const KNOWN: &str = "groups roles offline_access email profile openid";

/// An app with alice (email alice@example.com, name "Test User") and a client allowed `scopes`.
async fn setup(opts: Options, scopes: &str) -> (TestApp, Rp) {
    let app = spawn_app_with(opts).await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--scope", scopes]).await;
    (app, rp)
}

/// authorize (asking for `scope`, with `ui_locales` when given) → login → the consent page's
/// HTML, in `browser`'s cookie jar.
async fn consent_html(
    app: &TestApp,
    browser: &reqwest::Client,
    rp: &Rp,
    scope: &str,
    ui_locales: Option<&str>,
) -> String {
    let req = AuthRequest::new(rp, &Pkce::new())
        .set("scope", Some(scope))
        .set("ui_locales", ui_locales);
    let r = browser
        .get(format!("{}?{}", app.url("/authorize"), req.query()))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login");
    let r = log_in_with(app, browser, USERNAME, PASSWORD).await;
    assert_eq!(location(&r), "/consent");
    let page = browser.get(app.url("/consent")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

/// The lines of the page's scope list, in order.
fn scope_lines(html: &str) -> Vec<String> {
    let start = html.find(r#"<ul class="scopes""#).expect("a scope list");
    let list = &html[start..start + html[start..].find("</ul>").expect("the list's end")];
    list.split("<li>")
        .skip(1)
        .map(|item| {
            item[..item.find("</li>").expect("</li>")]
                .trim()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn in_english_who_you_are_comes_first_then_a_fixed_order_in_plain_words_with_values() {
    let (app, rp) = setup(Options::default(), KNOWN).await;
    let html = consent_html(&app, &http_client(), &rp, KNOWN, None).await;
    assert!(html.contains(r#"<html lang="en" dir="ltr">"#), "{html}");
    assert_eq!(
        scope_lines(&html),
        [
            "Confirm who you are when you sign in",
            "See your name and username (Test User, alice)",
            "Read your email address (alice@example.com)",
            "Stay connected when you are not using it",
            "See your roles and what they allow you to do",
            "See which groups you belong to",
        ]
    );
    assert!(!html.contains("Use the permission"), "{html}");
}

#[tokio::test]
async fn an_operator_scope_shows_the_operators_words_in_english_and_french() {
    let config = r#"
[ui.scope_descriptions."invoices.read"]
en = "Read your invoices"
fr = "Lire vos factures"
"#;
    let scopes = "openid email invoices.read notes.write";
    let asked = "notes.write invoices.read email openid";
    let (app, rp) = setup(Options::toml(config), scopes).await;
    let html = consent_html(&app, &http_client(), &rp, asked, None).await;
    assert_eq!(
        scope_lines(&html),
        [
            "Confirm who you are when you sign in",
            "Read your email address (alice@example.com)",
            "Read your invoices",
            // A scope the operator described nowhere is still named, in a sentence.
            "Use “notes.write”, a permission defined by this service",
        ]
    );
    let html = consent_html(&app, &http_client(), &rp, asked, Some("fr-CA fr")).await;
    assert!(html.contains(r#"<html lang="fr" dir="ltr">"#), "{html}");
    assert_eq!(
        scope_lines(&html),
        [
            "Confirmer votre identité lorsque vous vous connectez",
            "Lire votre adresse e-mail (alice@example.com)",
            "Lire vos factures",
            "Utiliser « notes.write », une autorisation définie par ce service",
        ]
    );
    assert!(html.contains(">Autoriser</button>"), "{html}");
}

#[tokio::test]
async fn the_consent_page_is_german_with_ui_locales_de_and_right_to_left_in_arabic() {
    let (app, rp) = setup(Options::default(), KNOWN).await;
    let html = consent_html(&app, &http_client(), &rp, "openid email", Some("de")).await;
    assert!(html.contains(r#"<html lang="de" dir="ltr">"#), "{html}");
    assert!(html.contains("Zugriff erlauben?"), "{html}");
    assert_eq!(
        scope_lines(&html),
        [
            "Bestätigen, wer Sie sind, wenn Sie sich anmelden",
            "Ihre E-Mail-Adresse lesen (alice@example.com)",
        ]
    );
    assert!(html.contains(">Ablehnen</button>"), "{html}");
    assert!(html.contains("Angemeldet als alice."), "{html}");

    // Arabic from the browser's languages alone, no ui_locales.
    let arabic = browser_speaking("ar-EG, en;q=0.5");
    let html = consent_html(&app, &arabic, &rp, "openid roles", None).await;
    assert!(html.contains(r#"<html lang="ar" dir="rtl">"#), "{html}");
    let lines = scope_lines(&html);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("تأكيد هويتك"), "{lines:?}");
    assert!(lines[1].contains("أدوارك"), "{lines:?}");
}

/// A browser whose languages are `languages` (`Accept-Language`), with its own cookie jar.
fn browser_speaking(languages: &'static str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(
            [(
                reqwest::header::ACCEPT_LANGUAGE,
                reqwest::header::HeaderValue::from_static(languages),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_device_pages_are_french_from_the_code_to_the_end() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let client = device_client(&app).await;
    let (_, user_code) = started(&app, &client, "openid").await;
    // verification_uri_complete, opened with ui_locales=fr.
    let page = http_client()
        .get(app.url(&format!("/device?user_code={user_code}&ui_locales=fr")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<html lang="fr" dir="ltr">"#), "{html}");
    assert!(html.contains("Connecter un appareil"), "{html}");
    assert!(html.contains("Saisissez le code affiché sur votre appareil."));
    assert!(html.contains(">Continuer</button>"), "{html}");

    // A French browser: a wrong code is refused in French, tied to the field.
    let browser = browser_speaking("fr-FR, fr;q=0.9");
    let r = enter_code(&app, &browser, "BCDF-GHJK").await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ce code n’est pas valide."), "{html}");
    assert!(
        html.contains(r#"aria-describedby="device-error""#),
        "{html}"
    );

    // The right code, sign-in, consent naming the code, and the last page: all French.
    let r = enter_code(&app, &browser, &user_code).await;
    assert_eq!(location(&r), "/login");
    let r = log_in_with(&app, &browser, USERNAME, PASSWORD).await;
    assert_eq!(location(&r), "/consent");
    let html = browser
        .get(app.url("/consent"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("N’autorisez ceci que si votre appareil affiche ce code"),
        "{html}"
    );
    let r = browser
        .post(app.url("/consent"))
        .form(&[
            ("decision", "allow"),
            ("csrf_token", &csrf(&html)),
            ("request", &hidden(&html, "request")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"<html lang="fr" dir="ltr">"#), "{html}");
    assert!(html.contains("Appareil connecté"), "{html}");
    assert!(
        html.contains("Vous pouvez retourner sur votre appareil."),
        "{html}"
    );
}

/// In Chromium: sign in, and the consent page opens with its heading focused.
async fn heading_has_focus(
    app: &TestApp,
    rp: &Rp,
    b: &crate::common::browser::Browser,
) -> anyhow::Result<()> {
    let c = &b.client;
    let req = AuthRequest::new(rp, &Pkce::new());
    c.goto(&format!("{}?{}", app.url("/authorize"), req.query()))
        .await?;
    c.find(Locator::Css("input[name=username]"))
        .await?
        .send_keys(USERNAME)
        .await?;
    let password = c.find(Locator::Css("input[name=password]")).await?;
    password.send_keys(PASSWORD).await?;
    password.send_keys(&Key::Enter.to_string()).await?;
    c.wait()
        .for_element(Locator::Css("#consent-heading"))
        .await?;
    let mut focused = String::new();
    for _ in 0..50 {
        focused = c
            .execute(
                "return document.activeElement && document.activeElement.id",
                vec![],
            )
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string();
        if focused == "consent-heading" {
            break;
        }
        // Polling: the browser applies autofocus in its own time after the page loads.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(focused == "consent-heading", "focus is on `{focused}`");
    Ok(())
}

#[tokio::test]
async fn the_consent_heading_has_focus_when_the_page_opens_in_a_real_browser() {
    let Some(browser) = launch().await else {
        return;
    };
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let redirect = app.url("/healthz");
    let rp = app.rp_to(&redirect).await;
    let result = heading_has_focus(&app, &rp, &browser).await;
    browser.close().await;
    result.unwrap();
}
