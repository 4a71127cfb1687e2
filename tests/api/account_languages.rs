//! The account page, its forms and the emails it sends, in the person's language: chosen by
//! `ui_locales` or `Accept-Language` (`<html lang>`, `dir="rtl"` for Arabic), dates written as
//! that language writes them, a password-reset email in the language of the request that asked
//! for it, and form errors tied to their fields (`aria-invalid`, `aria-describedby`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{ACCEPT_LANGUAGE, HeaderMap, HeaderValue};

use crate::common::flow::{PASSWORD, USERNAME, csrf, hidden, location, log_in_with};
use crate::common::smtp::{Mode, SmtpServer};
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

const FRENCH_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A browser with its own cookie jar that sends `accept_language` (if any) with every request.
fn browser(accept_language: Option<&str>) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    if let Some(tags) = accept_language {
        headers.insert(
            ACCEPT_LANGUAGE,
            HeaderValue::from_str(tags).expect("a header"),
        );
    }
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client")
}

/// `/account` → login → back: the browser is signed in to its account page.
async fn sign_in_to_account(app: &TestApp, browser: &reqwest::Client) {
    let first = browser.get(app.url("/account")).send().await.expect("GET");
    assert_eq!(location(&first), "/login");
    let done = log_in_with(app, browser, USERNAME, PASSWORD).await;
    assert_eq!(location(&done), "/account");
}

/// GET `path`: (status, body).
async fn get(app: &TestApp, browser: &reqwest::Client, path: &str) -> (u16, String) {
    let r = browser.get(app.url(path)).send().await.expect("GET");
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// The three words after `prefix` in `html`: a date such as "1 décembre 2026" as
/// `["1", "décembre", "2026"]`.
fn date_after<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    let start = html
        .find(prefix)
        .unwrap_or_else(|| panic!("no `{prefix}` in:\n{html}"))
        + prefix.len();
    html[start..].split_whitespace().take(3).collect()
}

/// The `<input>` tag whose `id` is `id`.
fn input<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in:\n{html}"));
    let start = html[..at].rfind('<').expect("a tag");
    let end = at + html[at..].find('>').expect("the tag's end");
    &html[start..=end]
}

#[tokio::test]
async fn the_account_page_speaks_french_with_french_dates() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let english = browser(None);
    sign_in_to_account(&app, &english).await;

    // ui_locales on the page itself.
    let (status, page) = get(&app, &english, "/account?ui_locales=fr").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<html lang=\"fr\" dir=\"ltr\">"), "{page}");
    assert!(page.contains("<h1>Votre compte</h1>"), "{page}");
    assert!(page.contains("ce navigateur"), "the session list is French");
    // "connecté le 1 décembre 2026 à 09:05 UTC": a day, a French month, a year.
    let date = date_after(&page, "connecté le ");
    assert!(date[0].parse::<u8>().is_ok(), "{date:?}");
    assert!(FRENCH_MONTHS.contains(&date[1]), "{date:?}");
    assert!(date[2].parse::<u16>().is_ok(), "{date:?}");
    assert!(!page.contains(" UTC · last seen"), "no English left");

    // Without ui_locales the same browser reads English again; a French Accept-Language
    // (a regional tag first) gives French.
    let (_, page) = get(&app, &english, "/account").await;
    assert!(page.contains("<html lang=\"en\""));
    assert!(page.contains("<h1>Your account</h1>"));
    let french = browser(Some("fr-CA,fr;q=0.9,en;q=0.5"));
    sign_in_to_account(&app, &french).await;
    let (_, page) = get(&app, &french, "/account?done=signed_out").await;
    assert!(page.contains("<html lang=\"fr\""), "{page}");
    assert!(
        page.contains("Cette session a été déconnectée."),
        "the notice too"
    );
}

#[tokio::test]
async fn the_account_page_in_arabic_runs_right_to_left() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let arabic = browser(Some("ar"));
    sign_in_to_account(&app, &arabic).await;
    let (status, page) = get(&app, &arabic, "/account").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"), "{page}");
    assert!(page.contains("حسابك"), "the title is Arabic");
    assert!(page.contains("هذا المتصفح"), "this browser, in Arabic");
    // Addresses and codes stay left to right inside the right-to-left page.
    assert!(input(&page, "email").contains("dir=\"ltr\""));
}

#[tokio::test]
async fn a_failed_password_change_marks_the_field_and_points_at_the_error() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let english = browser(None);
    sign_in_to_account(&app, &english).await;
    let (_, page) = get(&app, &english, "/account").await;
    assert!(!page.contains("aria-invalid"), "nothing is invalid yet");
    let change = |current: &'static str, new: &'static str, again: &'static str| {
        let (english, token) = (english.clone(), csrf(&page));
        let url = app.url("/account/password");
        async move {
            let r = english
                .post(url)
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("current_password", current),
                    ("new_password", new),
                    ("confirm_password", again),
                ])
                .send()
                .await
                .expect("POST");
            (r.status().as_u16(), r.text().await.expect("body"))
        }
    };

    // A wrong current password: that field is invalid, described by the error.
    let (status, wrong) = change("not it", "a long new passphrase", "a long new passphrase").await;
    assert_eq!(status, 401);
    assert!(wrong.contains("id=\"account-error\""), "{wrong}");
    assert!(wrong.contains("Your current password is incorrect."));
    let current = input(&wrong, "current_password");
    assert!(
        current.contains("aria-invalid=\"true\"")
            && current.contains("aria-describedby=\"account-error\""),
        "{current}"
    );
    assert!(!input(&wrong, "new_password").contains("aria-invalid"));

    // A refused new password: the new-password field, which keeps its hint described too.
    let (status, weak) = change(PASSWORD, "short", "short").await;
    assert_eq!(status, 400);
    let new = input(&weak, "new_password");
    assert!(new.contains("aria-invalid=\"true\""), "{new}");
    assert!(new.contains("aria-describedby=\"account-error"), "{new}");
    assert!(!input(&weak, "current_password").contains("aria-invalid"));
}

#[tokio::test]
async fn a_reset_asked_for_in_german_sends_a_german_email() {
    let smtp = SmtpServer::start(Mode::Accept).await;
    let app = spawn_app_with(Options::toml(&smtp.toml())).await;
    app.create_user(USERNAME, PASSWORD).await;
    smtp.wait_for(1).await; // the verification message, sent by `user create`

    let german = browser(Some("de"));
    let (status, form) = get(&app, &german, "/forgot-password").await;
    assert_eq!(status, 200);
    assert!(form.contains("<html lang=\"de\""), "{form}");
    assert!(form.contains("Passwort vergessen?"), "{form}");
    let r = german
        .post(app.url("/forgot-password"))
        .form(&[("email", "alice@example.com"), ("csrf_token", &csrf(&form))])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 200);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("Prüfen Sie Ihre E-Mails")
    );

    let message = smtp.wait_for(2).await;
    let mail = Mail::parse(&message.data);
    // The issuer's host, as in every language (without the port).
    let host = app
        .issuer
        .split("://")
        .nth(1)
        .and_then(|h| h.split(':').next());
    let host = host.expect("a host");
    assert_eq!(
        mail.subject,
        format!("Passwort zurücksetzen ({host})"),
        "{}",
        message.data
    );
    assert!(
        mail.text.contains("Jemand hat angefordert"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains(&format!("bei {host}")), "{}", mail.text);
    assert!(
        mail.html.contains("<html lang=\"de\" dir=\"ltr\">"),
        "{}",
        mail.html
    );
    assert!(
        mail.html.contains("Neues Passwort wählen</a>"),
        "{}",
        mail.html
    );
    // The link is as in every language: the issuer's, in both parts, and it works.
    let link = message.link(&app.issuer, "/reset-password");
    assert_eq!(message.data.matches(&link).count(), 2, "{}", message.data);
    assert!(
        message.data.contains(&format!("href=\"{link}\"")),
        "{}",
        message.data
    );

    // The new-password page it opens is German too; a refused password is tied to the field.
    let (status, page) = get(&app, &german, &link[app.issuer.len()..]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Neues Passwort wählen"), "{page}");
    let r = german
        .post(app.url("/reset-password"))
        .form(&[
            ("token", hidden(&page, "token").as_str()),
            ("new_password", "short"),
            ("csrf_token", &csrf(&page)),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 400);
    let refused = r.text().await.expect("body");
    assert!(refused.contains("Das Passwort ist zu kurz"), "{refused}");
    let field = input(&refused, "new_password");
    assert!(
        field.contains("aria-invalid=\"true\"")
            && field.contains("aria-describedby=\"reset-error\""),
        "{field}"
    );
    assert!(refused.contains("id=\"reset-error\""));
}

#[tokio::test]
async fn an_address_changed_on_the_french_page_gets_a_french_verification_email() {
    let smtp = SmtpServer::start(Mode::Accept).await;
    let app = spawn_app_with(Options::toml(&smtp.toml())).await;
    app.create_user(USERNAME, PASSWORD).await;
    let english = Mail::parse(&smtp.wait_for(1).await.data);
    assert!(
        english.subject.starts_with("Confirm your email address ("),
        "{}",
        english.subject
    );

    let french = browser(None);
    sign_in_to_account(&app, &french).await;
    let (_, page) = get(&app, &french, "/account?ui_locales=fr").await;
    let r = french
        .post(app.url("/account/email?ui_locales=fr"))
        .form(&[("email", "alice@new.example"), ("csrf_token", &csrf(&page))])
        .send()
        .await
        .expect("POST");
    assert_eq!(location(&r), "/account?done=email_changed");
    let message = smtp.wait_for(2).await;
    assert_eq!(message.to, vec!["<alice@new.example>".to_string()]);
    let mail = Mail::parse(&message.data);
    assert!(
        mail.subject.starts_with("Confirmez votre adresse e-mail ("),
        "{}",
        mail.subject
    );
    assert!(
        mail.text.contains("Confirmer mon adresse e-mail"),
        "{}",
        mail.text
    );
    assert!(
        mail.html.contains("<html lang=\"fr\" dir=\"ltr\">"),
        "{}",
        mail.html
    );
}

/// A received message decoded: its subject (RFC 2047 encoded words) and its text and HTML
/// parts (quoted-printable or base64, as lettre chose).
struct Mail {
    subject: String,
    text: String,
    html: String,
}

impl Mail {
    fn parse(data: &str) -> Mail {
        let unfolded = data.replace("\r\n ", " ").replace("\r\n\t", " ");
        let subject_line = unfolded
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .expect("a subject");
        Mail {
            subject: decode_words(subject_line),
            text: part(data, "text/plain"),
            html: part(data, "text/html"),
        }
    }
}

/// `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words, and plain words between them; the space
/// between two encoded words is not part of the text (RFC 2047 §6.2).
fn decode_words(header: &str) -> String {
    let mut out = String::new();
    let mut last_was_word = false;
    for token in header.split(' ').filter(|t| !t.is_empty()) {
        let lower = token.to_ascii_lowercase();
        let word = lower.starts_with("=?utf-8?") && token.ends_with("?=");
        let joined = word && last_was_word;
        if !out.is_empty() && !joined {
            out.push(' ');
        }
        if word {
            let (kind, payload) = (&lower[8..9], &token[10..token.len() - 2]);
            let bytes = if kind == "b" {
                STANDARD.decode(payload).expect("base64 word")
            } else {
                quoted_printable(&payload.replace('_', " "))
            };
            out.push_str(&String::from_utf8(bytes).expect("utf-8"));
        } else {
            out.push_str(token);
        }
        last_was_word = word;
    }
    out
}

/// The decoded body of the part of `content_type`.
fn part(data: &str, content_type: &str) -> String {
    let at = data
        .find(&format!("Content-Type: {content_type}"))
        .unwrap_or_else(|| panic!("no {content_type} part in:\n{data}"));
    let part = &data[at..];
    let headers_end = part.find("\r\n\r\n").expect("the part's headers end");
    let headers = &part[..headers_end];
    let body = &part[headers_end + 4..];
    let body = &body[..body.find("\r\n--").unwrap_or(body.len())];
    let encoding = headers
        .lines()
        .find_map(|l| l.strip_prefix("Content-Transfer-Encoding: "))
        .unwrap_or("7bit")
        .trim()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "base64" => STANDARD
            .decode(body.split_whitespace().collect::<String>())
            .expect("base64 body"),
        "quoted-printable" => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    // Lossy: the sink turned `=3D` back into `=`, so a link's `=` may be read as an escape.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Decodes `=XX` escapes (the sink removed the soft line breaks and decoded `=3D` already).
fn quoted_printable(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}
