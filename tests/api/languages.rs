//! The sign-in pages in the person's language, and the details of issue 23 around them: the
//! language chosen by `ui_locales` or `Accept-Language` and kept through one authorization
//! request, `prompt=select_account`'s two choices, Cancel on the login page, the password field's
//! focus and the error tied to the fields, and the logout page naming the account and the
//! application with "Stay signed in". Over HTTP, and in headless Chromium for focus and clicks.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Context, ensure};
use fantoccini::Locator;
use reqwest::header::ACCEPT_LANGUAGE;

use crate::common::browser::{Browser, launch};
use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, REDIRECT, Rp, USERNAME, callback, csrf, hidden, jwt_claims,
    location,
};
use crate::common::{TestApp, spawn_app};
use crate::mfa::enroll;

const POST_LOGOUT: &str = "https://rp.example.com/signed-out";

/// A person with a display name and an email ("Alice", alice@example.com) and a first-party
/// client (no consent page in the way) with a post-logout redirect URI.
async fn setup() -> (TestApp, Rp) {
    let app = spawn_app().await;
    create_person(&app, USERNAME, "Alice").await;
    let rp = app
        .rp(&["--first-party", "--post-logout-redirect-uri", POST_LOGOUT])
        .await;
    (app, rp)
}

async fn create_person(app: &TestApp, username: &str, name: &str) -> String {
    let v = app
        .cli_json(
            &[
                "user",
                "create",
                "--username",
                username,
                "--email",
                &format!("{username}@example.com"),
                "--name",
                name,
                "--password-stdin",
                "--json",
            ],
            Some(&format!("{PASSWORD}\n")),
        )
        .await;
    v["id"].as_str().expect("user id").to_string()
}

/// `GET path` with this app's cookies, and `Accept-Language` when given: (status, html).
async fn page(app: &TestApp, path: &str, accept_language: Option<&str>) -> (u16, String) {
    let mut req = app.http.get(app.url(path));
    if let Some(lang) = accept_language {
        req = req.header(ACCEPT_LANGUAGE, lang);
    }
    let r = req.send().await.expect("page");
    let status = r.status().as_u16();
    (status, r.text().await.expect("html"))
}

/// The opening tag of the `<input>` with `id`.
fn input(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("page has #{id}"));
    let start = html[..at].rfind('<').expect("tag start");
    let end = at + html[at..].find('>').expect("tag end");
    html[start..=end].to_string()
}

/// Posts the login form on the page `html` with `fields` added.
async fn post_login(app: &TestApp, html: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let (token, request) = (csrf(html), hidden(html, "request"));
    let mut form = vec![
        ("csrf_token", token.as_str()),
        ("request", request.as_str()),
    ];
    form.extend_from_slice(fields);
    app.http
        .post(app.url("/login"))
        .form(&form)
        .send()
        .await
        .expect("login post")
}

/// The `sub` and `auth_time` of the ID token a code redeems for.
async fn id_token_of(app: &TestApp, rp: &Rp, pkce: &Pkce, code: &str) -> (String, i64) {
    let (status, body) = app.exchange(rp, code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    let claims = jwt_claims(body["id_token"].as_str().expect("id_token"));
    (
        claims["sub"].as_str().expect("sub").to_string(),
        claims["auth_time"].as_i64().expect("auth_time"),
    )
}

#[tokio::test]
async fn ui_locales_fr_gives_a_french_login_page() {
    let (app, rp) = setup().await;
    let req = AuthRequest::new(&rp, &Pkce::new()).set("ui_locales", Some("fr-CA fr en"));
    assert_eq!(location(&app.authorize(&req).await), "/login");
    let (status, html) = page(&app, "/login", None).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="fr" dir="ltr">"#), "{html}");
    assert!(html.contains("<title>Connexion"), "{html}");
    assert!(html.contains("Connectez-vous pour continuer vers <strong>Photo Printer</strong>."));
    assert!(html.contains(">Mot de passe<") && html.contains(">Annuler<"));
}

#[tokio::test]
async fn an_arabic_accept_language_gives_a_right_to_left_login_page() {
    let (app, rp) = setup().await;
    assert_eq!(
        location(&app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await),
        "/login"
    );
    let (status, html) = page(&app, "/login", Some("ar-EG,ar;q=0.9,en;q=0.5")).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="ar" dir="rtl">"#), "{html}");
    assert!(html.contains(">كلمة المرور<"), "{html}");
    // Without Accept-Language the same page is English.
    let (_, html) = page(&app, "/login", None).await;
    assert!(html.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(html.contains("Sign in to continue to <strong>Photo Printer</strong>."));
}

#[tokio::test]
async fn ui_locales_keeps_the_language_through_the_second_factor_page() {
    let (app, rp) = setup().await;
    enroll(&app).await;
    // The browser prefers German; the application asked for French.
    let german = "de-DE,de;q=0.9";
    let req = AuthRequest::new(&rp, &Pkce::new()).set("ui_locales", Some("fr"));
    let r = app
        .http
        .get(format!("{}?{}", app.url("/authorize"), req.query()))
        .header(ACCEPT_LANGUAGE, german)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login");
    let (_, html) = page(&app, "/login", Some(german)).await;
    assert!(html.contains(r#"lang="fr""#), "login page: {html}");
    let r = post_login(
        &app,
        &html,
        &[("username", USERNAME), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(location(&r), "/login/otp");
    let (status, html) = page(&app, "/login/otp", Some(german)).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="fr" dir="ltr">"#), "{html}");
    assert!(
        html.contains("<h1>Validation en deux étapes</h1>"),
        "{html}"
    );
    // A wrong code: the message is French too, and tied to the field.
    let r = app
        .http
        .post(app.url("/login/otp"))
        .header(ACCEPT_LANGUAGE, german)
        .form(&[
            ("otp", "000000"),
            ("csrf_token", &csrf(&html)),
            ("request", &hidden(&html, "request")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ce code est incorrect"), "{html}");
    assert!(input(&html, "otp").contains(r#"aria-describedby="otp-error""#));
}

#[tokio::test]
async fn select_account_continues_as_the_signed_in_person_without_the_password() {
    let (app, rp) = setup().await;
    let pkce = Pkce::new();
    let first = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    let (alice, signed_in_at) = id_token_of(&app, &rp, &pkce, &first["code"]).await;
    app.advance(Duration::from_secs(5));

    let req = AuthRequest::new(&rp, &pkce).set("prompt", Some("select_account"));
    assert_eq!(location(&app.authorize(&req).await), "/login");
    let (status, html) = page(&app, "/login", None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(">Continue as Alice (alice@example.com)<"),
        "{html}"
    );
    assert!(html.contains(">Use another account<"), "{html}");
    assert!(
        !html.contains(r#"type="password""#),
        "no password asked: {html}"
    );

    let r = post_login(&app, &html, &[("choice", "continue")]).await;
    let cb = callback(&r);
    assert_eq!(cb["state"], "st-123");
    let (sub, auth_time) = id_token_of(&app, &rp, &pkce, &cb["code"]).await;
    assert_eq!(sub, alice);
    assert_eq!(auth_time, signed_in_at, "the same sign-in, no new password");
}

#[tokio::test]
async fn select_account_can_use_another_account_which_replaces_the_session() {
    let (app, rp) = setup().await;
    let bob = create_person(&app, "bob", "Bob").await;
    app.code_via_login(&AuthRequest::new(&rp, &Pkce::new()))
        .await;

    let pkce = Pkce::new();
    let req = AuthRequest::new(&rp, &pkce).set("prompt", Some("select_account"));
    assert_eq!(location(&app.authorize(&req).await), "/login");
    let (_, html) = page(&app, "/login?account=another", None).await;
    assert!(!html.contains("Continue as"), "{html}");
    assert!(
        input(&html, "username").contains(r#"value="""#),
        "empty: {html}"
    );
    let r = post_login(&app, &html, &[("username", "bob"), ("password", PASSWORD)]).await;
    let (sub, _) = id_token_of(&app, &rp, &pkce, &callback(&r)["code"]).await;
    assert_eq!(sub, bob);

    // Bob is the one signed in now.
    assert_eq!(location(&app.authorize(&req).await), "/login");
    let (_, html) = page(&app, "/login", None).await;
    assert!(
        html.contains(">Continue as Bob (bob@example.com)<"),
        "{html}"
    );
}

#[tokio::test]
async fn select_account_without_a_session_is_the_login_page() {
    let (app, rp) = setup().await;
    let req = AuthRequest::new(&rp, &Pkce::new()).set("prompt", Some("select_account"));
    assert_eq!(location(&app.authorize(&req).await), "/login");
    let (_, html) = page(&app, "/login", None).await;
    assert!(!html.contains("Continue as"));
    let r = post_login(
        &app,
        &html,
        &[("username", USERNAME), ("password", PASSWORD)],
    )
    .await;
    assert!(callback(&r).contains_key("code"));
}

#[tokio::test]
async fn cancel_answers_access_denied_with_state_and_iss_and_forgets_the_request() {
    let (app, rp) = setup().await;
    assert_eq!(
        location(&app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await),
        "/login"
    );
    let (_, html) = page(&app, "/login", None).await;
    assert!(html.contains(r#"value="cancel""#) && html.contains(">Cancel<"));
    let r = post_login(&app, &html, &[("choice", "cancel")]).await;
    assert!(location(&r).starts_with(REDIRECT), "{}", location(&r));
    let cb = callback(&r);
    assert_eq!(cb["error"], "access_denied");
    assert_eq!(cb["state"], "st-123");
    assert_eq!(cb["iss"], app.issuer);
    assert!(!cb.contains_key("code"));
    // The request is gone: the login page has nothing to sign in for.
    let (status, _) = page(&app, "/login", None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn cancel_respects_form_post() {
    let (app, rp) = setup().await;
    let req = AuthRequest::new(&rp, &Pkce::new()).set("response_mode", Some("form_post"));
    assert_eq!(location(&app.authorize(&req).await), "/login");
    let (_, html) = page(&app, "/login", None).await;
    let r = post_login(&app, &html, &[("choice", "cancel")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!(r#"action="{REDIRECT}""#)), "{html}");
    for (name, value) in [("error", "access_denied"), ("state", "st-123")] {
        assert!(
            html.contains(&format!(r#"name="{name}" value="{value}""#)),
            "{name}: {html}"
        );
    }
    assert!(html.contains(r#"name="iss""#));
}

#[tokio::test]
async fn the_account_login_page_has_no_cancel() {
    let (app, _) = setup().await;
    let r = app.http.get(app.url("/account")).send().await.unwrap();
    assert_eq!(location(&r), "/login");
    let (status, html) = page(&app, "/login", None).await;
    assert_eq!(status, 200);
    assert!(!html.contains(">Cancel<"), "{html}");
}

#[tokio::test]
async fn a_login_hint_puts_the_focus_on_the_password() {
    let (app, rp) = setup().await;
    let req = AuthRequest::new(&rp, &Pkce::new()).set("login_hint", Some(USERNAME));
    assert_eq!(location(&app.authorize(&req).await), "/login");
    let (_, html) = page(&app, "/login", None).await;
    assert!(input(&html, "username").contains(r#"value="alice""#));
    assert!(input(&html, "password").contains("autofocus"), "{html}");
    assert!(!input(&html, "username").contains("autofocus"), "{html}");
    // Without a hint the username field has it.
    let req = AuthRequest::new(&rp, &Pkce::new());
    assert_eq!(location(&app.authorize(&req).await), "/login");
    let (_, html) = page(&app, "/login", None).await;
    assert!(input(&html, "username").contains("autofocus"));
    assert!(!input(&html, "password").contains("autofocus"));
}

#[tokio::test]
async fn a_wrong_password_is_tied_to_the_fields_and_focuses_the_password() {
    let (app, rp) = setup().await;
    assert_eq!(
        location(&app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await),
        "/login"
    );
    let (_, html) = page(&app, "/login", None).await;
    assert!(!html.contains("aria-invalid"));
    let r = post_login(
        &app,
        &html,
        &[("username", USERNAME), ("password", "wrong")],
    )
    .await;
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="login-error">The username or password is incorrect.<"#));
    for id in ["username", "password"] {
        let tag = input(&html, id);
        assert!(tag.contains(r#"aria-invalid="true""#), "{tag}");
        assert!(tag.contains(r#"aria-describedby="login-error""#), "{tag}");
    }
    assert!(input(&html, "password").contains("autofocus"));
    assert!(!input(&html, "username").contains("autofocus"));
}

/// Signs alice in through the code flow.
async fn sign_in(app: &TestApp, rp: &Rp) {
    let cb = app
        .code_via_login(&AuthRequest::new(rp, &Pkce::new()))
        .await;
    assert!(cb.contains_key("code"));
}

async fn signed_in(app: &TestApp, rp: &Rp) -> bool {
    let req = AuthRequest::new(rp, &Pkce::new()).set("prompt", Some("none"));
    callback(&app.authorize(&req).await).contains_key("code")
}

#[tokio::test]
async fn the_logout_page_names_the_account_and_the_application() {
    let (app, rp) = setup().await;
    sign_in(&app, &rp).await;
    let r = app
        .http
        .get(app.url("/logout"))
        .query(&[
            ("client_id", rp.client_id.as_str()),
            ("post_logout_redirect_uri", POST_LOGOUT),
            ("state", "s-9"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Sign out of Tessera?"), "{html}");
    assert!(
        html.contains("You are signed in as Alice (alice@example.com)."),
        "{html}"
    );
    assert!(
        html.contains("<strong>Photo Printer</strong> asked to sign you out."),
        "{html}"
    );
    assert!(html.contains(">Stay signed in<") && html.contains(">Sign out<"));
    // Without a client, the page names no application.
    let (_, html) = page(&app, "/logout", None).await;
    assert!(html.contains("You are signed in as Alice"));
    assert!(!html.contains("asked to sign you out"));
}

#[tokio::test]
async fn stay_signed_in_returns_with_state_and_keeps_the_session() {
    let (app, rp) = setup().await;
    sign_in(&app, &rp).await;
    let r = app
        .http
        .get(app.url("/logout"))
        .query(&[
            ("client_id", rp.client_id.as_str()),
            ("post_logout_redirect_uri", POST_LOGOUT),
            ("state", "s-9"),
        ])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    // The confirmation form, as the "Stay signed in" button submits it.
    let fields: HashMap<&str, String> = ["client_id", "post_logout_redirect_uri", "state"]
        .into_iter()
        .map(|k| (k, hidden(&html, k)))
        .chain([("csrf_token", csrf(&html)), ("stay", "yes".to_string())])
        .collect();
    let r = app
        .http
        .post(app.url("/logout"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("{POST_LOGOUT}?state=s-9"));
    assert!(signed_in(&app, &rp).await, "still signed in");

    // With nowhere to return to: a page saying nothing changed.
    let (_, html) = page(&app, "/logout", None).await;
    let r = app
        .http
        .post(app.url("/logout"))
        .form(&[("csrf_token", csrf(&html).as_str()), ("stay", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("You are still signed in"));
    assert!(signed_in(&app, &rp).await, "still signed in");

    // The sign-out button still signs out.
    let (_, html) = page(&app, "/logout", None).await;
    let r = app
        .http
        .post(app.url("/logout"))
        .form(&[("csrf_token", csrf(&html).as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("You are signed out"));
    assert!(!signed_in(&app, &rp).await, "signed out");
}

// In Chromium: what focus, clicks and the document's language look like to a person.

/// A client redirecting to Tessera's own health endpoint (a page the browser can load),
/// also registered as its post-logout redirect URI.
async fn browser_setup() -> (TestApp, Rp) {
    let app = spawn_app().await;
    create_person(&app, USERNAME, "Alice").await;
    let redirect = app.url("/healthz");
    let (client_id, secret) = app
        .create_client(&[
            "--name",
            "Photo Printer",
            "--redirect-uri",
            &redirect,
            "--post-logout-redirect-uri",
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
    Ok(b.client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await?)
}

/// Waits until the address bar is at `/healthz` with `part` in its query; its parameters.
async fn wait_for_return(b: &Browser, part: &str) -> anyhow::Result<HashMap<String, String>> {
    for _ in 0..150 {
        let url = b.client.current_url().await?;
        if url.path() == "/healthz" && url.query().is_some_and(|q| q.contains(part)) {
            return Ok(url.query_pairs().into_owned().collect());
        }
        // Polling: the browser navigates in its own time.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("never returned to the application with {part}")
}

async fn js(b: &Browser, script: &str) -> anyhow::Result<String> {
    let v = b.client.execute(script, vec![]).await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

async fn authorize_in(b: &Browser, app: &TestApp, req: &AuthRequest) -> anyhow::Result<()> {
    let url = format!("{}?{}", app.url("/authorize"), req.query());
    b.client.goto(&url).await?;
    Ok(())
}

#[tokio::test]
async fn in_chromium_a_french_login_hint_focuses_the_password_and_cancel_returns_access_denied() {
    let Some(b) = launch().await else { return };
    let (app, rp) = browser_setup().await;
    let result = async {
        let req = AuthRequest::new(&rp, &Pkce::new())
            .set("ui_locales", Some("fr"))
            .set("login_hint", Some(USERNAME));
        authorize_in(&b, &app, &req).await?;
        wait_for(&b, "input[name=password]").await?;
        let lang = js(&b, "return document.documentElement.lang").await?;
        ensure!(lang == "fr", "lang {lang}");
        let focused = js(&b, "return document.activeElement.id").await?;
        ensure!(focused == "password", "focus on {focused}");

        let c = &b.client;
        c.find(Locator::Css("#password"))
            .await?
            .send_keys("wrong password")
            .await?;
        c.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        let err = wait_for(&b, "#login-error").await?.text().await?;
        ensure!(err.contains("incorrect"), "French failure message: {err}");
        let focused = js(&b, "return document.activeElement.id").await?;
        ensure!(
            focused == "password",
            "focus after the failure on {focused}"
        );
        let described = js(
            &b,
            "const p = document.getElementById('password'); \
             return p.getAttribute('aria-invalid') + ' ' + p.getAttribute('aria-describedby')",
        )
        .await?;
        ensure!(described == "true login-error", "{described}");

        let cancel = c.find(Locator::Css("#cancel")).await?;
        ensure!(cancel.text().await? == "Annuler", "the French Cancel");
        cancel.click().await?;
        let q = wait_for_return(&b, "error=").await?;
        ensure!(
            q.get("error").map(String::as_str) == Some("access_denied"),
            "{q:?}"
        );
        ensure!(
            q.get("state").map(String::as_str) == Some("st-123"),
            "{q:?}"
        );
        ensure!(q.get("iss") == Some(&app.issuer), "{q:?}");
        Ok::<_, anyhow::Error>(())
    }
    .await;
    b.close().await;
    result.unwrap();
}

#[tokio::test]
async fn in_chromium_arabic_runs_right_to_left_through_select_account_and_stay_signed_in() {
    let Some(b) = launch().await else { return };
    let (app, rp) = browser_setup().await;
    let result = async {
        let c = &b.client;
        let req = AuthRequest::new(&rp, &Pkce::new()).set("ui_locales", Some("ar"));
        authorize_in(&b, &app, &req).await?;
        wait_for(&b, "input[name=username]").await?;
        let dir = js(
            &b,
            "return document.documentElement.lang + ' ' + document.dir",
        )
        .await?;
        ensure!(dir == "ar rtl", "{dir}");
        c.find(Locator::Css("#username"))
            .await?
            .send_keys(USERNAME)
            .await?;
        c.find(Locator::Css("#password"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        c.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_return(&b, "code=").await?;

        // Signed in: select_account asks who goes on, in Arabic.
        let req = req.set("prompt", Some("select_account"));
        authorize_in(&b, &app, &req).await?;
        let label = wait_for(&b, "#continue-as").await?.text().await?;
        ensure!(
            label.contains("Alice") && label.contains("alice@example.com"),
            "{label}"
        );
        c.find(Locator::Css("#continue-as")).await?.click().await?;
        let q = wait_for_return(&b, "code=").await?;
        ensure!(q.contains_key("code"), "{q:?}");

        // "Use another account" is the login form.
        authorize_in(&b, &app, &req).await?;
        wait_for(&b, "#use-another-account").await?.click().await?;
        wait_for(&b, "input[name=password]").await?;
        let value = js(&b, "return document.getElementById('username').value").await?;
        ensure!(value.is_empty(), "no username filled in: {value}");

        // The logout page names the account and the application; staying keeps the session.
        let logout = format!(
            "{}?client_id={}&post_logout_redirect_uri={}&state=s-7",
            app.url("/logout"),
            rp.client_id,
            url::form_urlencoded::byte_serialize(rp.redirect_uri.as_bytes()).collect::<String>()
        );
        c.goto(&logout).await?;
        let text = wait_for(&b, "main").await?.text().await?;
        ensure!(
            text.contains("Alice") && text.contains("alice@example.com"),
            "{text}"
        );
        ensure!(text.contains("Photo Printer"), "{text}");
        c.find(Locator::Css("#stay-signed-in"))
            .await?
            .click()
            .await?;
        let q = wait_for_return(&b, "state=s-7").await?;
        ensure!(!q.contains_key("error"), "{q:?}");
        let req = req.set("prompt", Some("none"));
        authorize_in(&b, &app, &req).await?;
        let q = wait_for_return(&b, "code=").await?;
        ensure!(q.contains_key("code"), "still signed in: {q:?}");
        Ok::<_, anyhow::Error>(())
    }
    .await
    .context("Arabic in Chromium");
    b.close().await;
    result.unwrap();
}
