//! Email verification and password reset over a real SMTP exchange (`common::smtp`, a server
//! the test starts): the links are taken from the received messages and followed over HTTP.

use std::time::{Duration, Instant};

use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, USERNAME, csrf, hidden, jwt_claims, location,
};
use crate::common::smtp::{Mode, SmtpServer};
use crate::common::{Options, TestApp, http_client, spawn_app, spawn_app_with};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// A server whose `[email]` points at `smtp`, with `extra` TOML lines in that section.
async fn app_with(smtp: &SmtpServer, extra: &str) -> TestApp {
    spawn_app_with(Options::toml(&format!("{}{extra}", smtp.toml()))).await
}

/// A server sending to an accepting SMTP server, with alice created and her verification
/// message (sent by `user create`) received.
async fn alice_with_email() -> (SmtpServer, TestApp) {
    let smtp = SmtpServer::start(Mode::Accept).await;
    let app = app_with(&smtp, "").await;
    app.create_user(USERNAME, PASSWORD).await;
    smtp.wait_for(1).await;
    (smtp, app)
}

/// Signs in through the code flow with a refresh token: the token response.
async fn tokens(app: &TestApp, password: &str) -> serde_json::Value {
    let rp = app.rp(&["--first-party"]).await;
    let pkce = Pkce::new();
    let req = AuthRequest::new(&rp, &pkce).set("scope", Some("openid email offline_access"));
    let r = app.authorize(&req).await;
    assert_eq!(location(&r), "/login");
    let r = app.login(USERNAME, password).await;
    let code = crate::common::flow::callback(&r)["code"].clone();
    let (status, body) = app.exchange(&rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    let mut body = body;
    body["client_id"] = rp.client_id.into();
    body["client_secret"] = rp.secret.unwrap_or_default().into();
    body
}

/// `POST /forgot-password` for `email` with `client`'s session: (status, body, time taken).
async fn ask_reset(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
) -> (u16, String, Duration) {
    let page = client
        .get(app.url("/forgot-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let token = csrf(&page.text().await.unwrap());
    let started = Instant::now();
    let r = client
        .post(app.url("/forgot-password"))
        .form(&[("email", email), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    (r.status().as_u16(), r.text().await.unwrap(), took)
}

/// Opens a reset link and submits `new_password`: (status, body).
async fn reset_with(client: &reqwest::Client, link: &str, new_password: &str) -> (u16, String) {
    let page = client.get(link).send().await.unwrap();
    let status = page.status().as_u16();
    let html = page.text().await.unwrap();
    if status != 200 {
        return (status, html);
    }
    let action = link.split("/reset-password").next().unwrap();
    let r = client
        .post(format!("{action}/reset-password"))
        .form(&[
            ("token", hidden(&html, "token").as_str()),
            ("new_password", new_password),
            ("csrf_token", &csrf(&html)),
        ])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_verification_link_sets_email_verified_in_userinfo_and_the_id_token() {
    let smtp = SmtpServer::start(Mode::Accept).await;
    let app = app_with(&smtp, "").await;
    // `user create --email` sends the link itself (the CLI is its own process).
    app.create_user(USERNAME, PASSWORD).await;
    let message = smtp.wait_for(1).await;
    assert_eq!(message.to, vec!["<alice@example.com>".to_string()]);
    assert!(
        message.from.contains("no-reply@example.com"),
        "{}",
        message.from
    );
    assert!(message.data.contains("Subject: Confirm your email address"));
    assert!(message.data.contains("text/plain") && message.data.contains("text/html"));
    assert!(
        message.data.contains(&app.addr.ip().to_string()),
        "names the issuer's host"
    );
    assert!(!message.data.contains(PASSWORD), "never a password");
    let before = tokens(&app, PASSWORD).await;
    assert_eq!(
        jwt_claims(before["id_token"].as_str().unwrap())["email_verified"],
        false
    );

    let link = message.link(&app.issuer, "/verify-email");
    let r = http_client().get(&link).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Email address verified"));

    let info = app.userinfo(before["access_token"].as_str().unwrap()).await;
    assert_eq!(info["email_verified"], true);
    let r = app
        .refresh(
            before["client_id"].as_str().unwrap(),
            before["client_secret"].as_str().unwrap(),
            before["refresh_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id_token = jwt_claims(r.body["id_token"].as_str().unwrap());
    assert_eq!(id_token["email_verified"], true);

    // The link works once.
    let again = http_client().get(&link).send().await.unwrap();
    assert_eq!(again.status(), 400);
    assert!(again.text().await.unwrap().contains("used already"));
}

#[tokio::test]
async fn a_reset_link_changes_the_password_and_revokes_the_refresh_tokens() {
    let smtp = SmtpServer::start(Mode::Accept).await;
    let app = app_with(&smtp, "").await;
    app.create_user(USERNAME, PASSWORD).await;
    smtp.wait_for(1).await; // the verification message
    let before = tokens(&app, PASSWORD).await;
    // Signed in in another browser too, on the account page.
    let elsewhere = http_client();
    assert_eq!(
        location(&elsewhere.get(app.url("/account")).send().await.unwrap()),
        "/login"
    );
    let r = crate::common::flow::log_in_with(&app, &elsewhere, USERNAME, PASSWORD).await;
    assert_eq!(location(&r), "/account");

    // The login page offers the way in.
    let (status, body, _) = ask_reset(&app, &app.http, "Alice@Example.com").await;
    assert_eq!(status, 200);
    assert!(body.contains("If an account exists"), "{body}");
    let message = smtp.wait_for(2).await;
    assert!(message.data.contains("Subject: Reset your password"));
    let link = message.link(&app.issuer, "/reset-password");
    let (status, body) = reset_with(&app.http, &link, NEW_PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Password changed"));

    // Every refresh token of the person is revoked, and the access token issued with it.
    let r = app
        .refresh(
            before["client_id"].as_str().unwrap(),
            before["client_secret"].as_str().unwrap(),
            before["refresh_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(r.error(), "invalid_grant");
    app.catch_up().await;
    let r = app
        .http
        .get(app.url("/userinfo"))
        .bearer_auth(before["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // The other browser's session is over too.
    let r = elsewhere.get(app.url("/account")).send().await.unwrap();
    assert_eq!(location(&r), "/login", "signed out everywhere");

    // They sign in again: the old password is refused, the new one works.
    let rp = app.rp(&["--first-party"]).await;
    let pkce = Pkce::new();
    let r = app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    assert_eq!(location(&r), "/login", "this browser was signed out");
    assert_eq!(app.login(USERNAME, PASSWORD).await.status(), 401);
    let r = app.login(USERNAME, NEW_PASSWORD).await;
    assert!(
        location(&r).starts_with("https://rp.example.com/"),
        "signed in"
    );

    // The link works once.
    let (status, body) = reset_with(&http_client(), &link, "yet another passphrase").await;
    assert_eq!(status, 400);
    assert!(body.contains("used already"), "{body}");
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_page_and_no_message() {
    let (smtp, app) = alice_with_email().await;
    let (s1, unknown, t1) = ask_reset(&app, &http_client(), "nobody@example.com").await;
    let (s2, known, t2) = ask_reset(&app, &http_client(), "alice@example.com").await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(unknown, known, "the same page");
    // The page only queues the work: neither waits on a lookup or on SMTP.
    assert!(
        t1 < Duration::from_secs(1) && t2 < Duration::from_secs(1),
        "{t1:?} {t2:?}"
    );
    let message = smtp.wait_for(2).await;
    assert!(message.to[0].contains("alice@example.com"));
    // Nothing was sent for the unknown address (the known one, queued after, arrived).
    assert!(smtp.messages().iter().all(|m| !m.to[0].contains("nobody")));
    // A malformed address is a clear error, not a 500.
    let (status, body, _) = ask_reset(&app, &http_client(), "not an address").await;
    assert_eq!(status, 400);
    assert!(body.contains("not an email address"));
}

#[tokio::test]
async fn expired_tampered_and_disabled_user_links_get_a_clear_page() {
    let (smtp, app) = alice_with_email().await;

    ask_reset(&app, &http_client(), "alice@example.com").await;
    let link = smtp.wait_for(2).await.link(&app.issuer, "/reset-password");
    let mut tampered = link.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let (status, body) = reset_with(&http_client(), &tampered, NEW_PASSWORD).await;
    assert_eq!(status, 400);
    assert!(body.contains("not valid"), "{body}");
    let r = http_client()
        .get(app.url("/verify-email?token=nonsense"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // Valid for 15 minutes.
    app.advance(Duration::from_secs(15 * 60 + 1));
    let (status, body) = reset_with(&http_client(), &link, NEW_PASSWORD).await;
    assert_eq!(status, 400);
    assert!(body.contains("expired"), "{body}");

    ask_reset(&app, &http_client(), "alice@example.com").await;
    let link = smtp.wait_for(3).await.link(&app.issuer, "/reset-password");
    let out = app
        .cli(&["user", "disable", "--username", USERNAME], None)
        .await;
    assert!(out.status.success());
    let (status, body) = reset_with(&http_client(), &link, NEW_PASSWORD).await;
    assert_eq!(status, 400);
    assert!(body.contains("no longer works"), "{body}");
}

#[tokio::test]
async fn a_new_password_the_policy_refuses_keeps_the_link() {
    let (smtp, app) = alice_with_email().await;
    ask_reset(&app, &http_client(), "alice@example.com").await;
    let link = smtp.wait_for(2).await.link(&app.issuer, "/reset-password");
    let client = http_client();
    for (refused, why) in [
        ("   ", "only whitespace"),
        ("password123", "too easy to guess"),
        ("alice2026!", "username, name or email"),
        ("short", "too short"),
    ] {
        let (status, body) = reset_with(&client, &link, refused).await;
        assert_eq!(status, 400);
        assert!(
            body.contains("cannot be used") && body.contains(why),
            "{refused}: {body}"
        );
    }
    let (status, _) = reset_with(&client, &link, NEW_PASSWORD).await;
    assert_eq!(status, 200, "the link still works after a refused password");
}

#[tokio::test]
async fn reset_requests_are_throttled_per_address_and_per_ip() {
    let smtp = SmtpServer::start(Mode::Accept).await;
    let app = app_with(
        &smtp,
        "reset_requests_per_address = 2\nreset_requests_per_ip = 4\n",
    )
    .await;
    let client = http_client();
    for _ in 0..2 {
        assert_eq!(ask_reset(&app, &client, "bob@example.com").await.0, 200);
    }
    let (status, body, _) = ask_reset(&app, &client, "BOB@example.com").await;
    assert_eq!(status, 429, "the same address, folded");
    assert!(body.contains("Too many"));
    // Two more addresses from the same IP reach its limit of 4.
    assert_eq!(ask_reset(&app, &client, "carol@example.com").await.0, 200);
    assert_eq!(ask_reset(&app, &client, "dave@example.com").await.0, 200);
    assert_eq!(ask_reset(&app, &client, "erin@example.com").await.0, 429);
    // The window passes.
    app.advance(Duration::from_secs(16 * 60));
    assert_eq!(ask_reset(&app, &client, "bob@example.com").await.0, 200);
}

#[tokio::test]
async fn a_refusing_smtp_server_is_retried_and_the_page_does_not_change() {
    let smtp = SmtpServer::start(Mode::Refuse { times: 2 }).await;
    let app = app_with(&smtp, "").await;
    app.create_user(USERNAME, PASSWORD).await; // its one CLI attempt is refused: a warning
    let (status, body, took) = ask_reset(&app, &http_client(), "alice@example.com").await;
    assert_eq!(status, 200);
    assert!(body.contains("If an account exists"));
    assert!(took < Duration::from_secs(1), "{took:?}");
    // The second attempt is refused too; the third (after two pauses) is accepted.
    let message = smtp.wait_for(1).await;
    assert!(message.data.contains("Reset your password"));
    assert_eq!(smtp.refusals(), 2);
}

#[tokio::test]
async fn user_create_warns_when_the_verification_email_cannot_be_sent() {
    let smtp = SmtpServer::start(Mode::Refuse { times: 1 }).await;
    let app = app_with(&smtp, "").await;
    let out = app
        .cli(
            &[
                "user",
                "create",
                "--username",
                "bob",
                "--email",
                "bob@example.com",
                "--password-stdin",
                "--json",
            ],
            Some("a long enough passphrase\n"),
        )
        .await;
    assert!(out.status.success(), "the user is created anyway");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning") && stderr.contains("550"),
        "{stderr}"
    );
    let users = app.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(users[0]["username"], "bob");
}

#[tokio::test]
async fn a_hanging_smtp_server_times_out_is_retried_and_logged() {
    let smtp = SmtpServer::start(Mode::Hang).await;
    let opts = Options::toml(
        &smtp
            .toml()
            .replace("send_timeout = \"2s\"", "send_timeout = \"1s\""),
    );
    let mut app = crate::common::process::spawn_served(opts, &["--log-format", "json"]).await;
    // Created before any hang can matter: the CLI's own attempt times out after 1 s.
    app.create_user(USERNAME, PASSWORD).await;
    let before = smtp.connections();
    let (s1, known, t1) = ask_reset(&app, &http_client(), "alice@example.com").await;
    let (s2, unknown, t2) = ask_reset(&app, &http_client(), "nobody@example.com").await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(known, unknown);
    assert!(
        t1 < Duration::from_secs(1) && t2 < Duration::from_secs(1),
        "{t1:?} {t2:?}"
    );
    // Three attempts (one and two retries), each given up after 1 s, then an audit line.
    app.process().wait_for_audit("email_failed").await;
    assert_eq!(smtp.connections() - before, 3);
    let log = app.process().log_text();
    assert!(log.contains("email delivery failed; retrying"), "{log}");
    assert!(log.contains("no answer within 1s"), "{log}");
    app.process_mut().kill().await;
}

#[tokio::test]
async fn without_email_there_is_no_forgot_password_and_nothing_fails() {
    let mut app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    for path in [
        "/forgot-password",
        "/reset-password?token=x",
        "/verify-email?token=x",
    ] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    let r = app
        .http
        .post(app.url("/forgot-password"))
        .form(&[("email", "alice@example.com"), ("csrf_token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let rp = app.rp(&["--first-party"]).await;
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/login");
    let login = app.http.get(app.url("/login")).send().await.unwrap();
    assert!(!login.text().await.unwrap().contains("Forgot password?"));
    let r = app.login(USERNAME, PASSWORD).await;
    assert!(location(&r).starts_with("https://rp.example.com/"));
    app.stop().await;
}

#[tokio::test]
async fn the_login_page_offers_forgot_password_when_email_is_configured() {
    let smtp = SmtpServer::start(Mode::Accept).await;
    let app = app_with(&smtp, "").await;
    let rp = app.rp(&["--first-party"]).await;
    app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    let login = app.http.get(app.url("/login")).send().await.unwrap();
    assert!(
        login
            .text()
            .await
            .unwrap()
            .contains("href=\"/forgot-password\"")
    );
}

/// Forgot password → the link from the message → new password → sign in, in Chromium.
async fn reset_in_browser(
    app: &TestApp,
    smtp: &SmtpServer,
    b: &crate::common::browser::Browser,
) -> anyhow::Result<()> {
    use anyhow::ensure;
    use fantoccini::Locator;
    let c = &b.client;
    let wait = |css: &'static str| async move {
        c.wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
    };
    let redirect = app.url("/healthz");
    let (client_id, _) = app
        .create_client(&[
            "--name",
            "Photo Printer",
            "--redirect-uri",
            &redirect,
            "--first-party",
        ])
        .await;
    let rp = crate::common::flow::Rp {
        client_id,
        secret: None,
        redirect_uri: redirect,
    };
    let authorize = format!(
        "{}?{}",
        app.url("/authorize"),
        AuthRequest::new(&rp, &Pkce::new()).query()
    );
    c.goto(&authorize).await?;
    wait("a#forgot-password").await?.click().await?;
    wait("input[name=email]")
        .await?
        .send_keys("alice@example.com")
        .await?;
    c.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    let notice = wait("#notice").await?.text().await?;
    ensure!(notice.contains("If an account exists"), "{notice}");

    let link = smtp.wait_for(2).await.link(&app.issuer, "/reset-password");
    c.goto(&link).await?;
    wait("input[name=new_password]")
        .await?
        .send_keys(NEW_PASSWORD)
        .await?;
    c.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    let notice = wait("#notice").await?.text().await?;
    ensure!(notice.contains("password has been changed"), "{notice}");

    c.goto(&authorize).await?;
    wait("input[name=username]")
        .await?
        .send_keys(USERNAME)
        .await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(NEW_PASSWORD)
        .await?;
    c.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    for _ in 0..150 {
        if c.current_url().await?.path() == "/healthz" {
            return Ok(());
        }
        // Polling: the browser navigates in its own time.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("not back at the client: {}", c.current_url().await?)
}

#[tokio::test]
async fn a_person_resets_a_forgotten_password_in_a_real_browser() {
    let Some(browser) = crate::common::browser::launch().await else {
        return;
    };
    let (smtp, app) = alice_with_email().await;
    let result = reset_in_browser(&app, &smtp, &browser).await;
    browser.close().await;
    result.unwrap();
}

#[tokio::test]
async fn a_reset_link_sent_twice_at_once_works_once() {
    let (smtp, app) = alice_with_email().await;
    ask_reset(&app, &http_client(), "alice@example.com").await;
    let link = smtp.wait_for(2).await.link(&app.issuer, "/reset-password");
    let client = http_client();
    let html = client
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (token, csrf_token) = (hidden(&html, "token"), csrf(&html));
    let post = |password: &'static str| {
        let (client, token, csrf_token) = (client.clone(), token.clone(), csrf_token.clone());
        let url = app.url("/reset-password");
        async move {
            client
                .post(url)
                .form(&[
                    ("token", token.as_str()),
                    ("new_password", password),
                    ("csrf_token", csrf_token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let (a, b) = tokio::join!(post("first new passphrase"), post("second new passphrase"));
    let mut statuses = [a, b];
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 400],
        "exactly one of two concurrent uses gets through"
    );
}
