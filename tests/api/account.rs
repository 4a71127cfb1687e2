//! The account page (`/account`) over HTTP, as browsers with their own cookie jars see it:
//! sign-in and return, the profile, changing the password, connected applications, sessions,
//! and the operator's `user sign-out-everywhere`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::routing::post;

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, csrf};
use crate::common::{TestApp, eventually, spawn_app};

const NEW_PASSWORD: &str = "a brand new and rather long passphrase";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// One browser: its own cookie jar and user agent, no redirects followed.
struct Browser {
    http: reqwest::Client,
    base: String,
}

/// A page as the browser got it.
struct Page {
    status: u16,
    location: String,
    cache_control: String,
    body: String,
}

impl Browser {
    fn new(app: &TestApp, user_agent: &str) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .build()
            .expect("client");
        Browser {
            http,
            base: app.issuer.clone(),
        }
    }

    async fn read(r: reqwest::Response) -> Page {
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (status, location, cache_control) = (
            r.status().as_u16(),
            header("location"),
            header("cache-control"),
        );
        let body = r.text().await.expect("body");
        Page {
            status,
            location,
            cache_control,
            body,
        }
    }

    async fn get(&self, path: &str) -> Page {
        let r = self.http.get(format!("{}{path}", self.base)).send().await;
        Self::read(r.expect("GET")).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await;
        Self::read(r.expect("POST")).await
    }

    /// Submits the login page that is waiting in this browser.
    async fn log_in(&self, username: &str, password: &str) -> Page {
        let page = self.get("/login").await;
        assert_eq!(page.status, 200, "login page: {}", page.body);
        let request = crate::common::flow::hidden(&page.body, "request");
        self.post(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("csrf_token", &csrf(&page.body)),
                ("request", &request),
            ],
        )
        .await
    }

    /// `/account` → login → back to `/account`; returns the account page.
    async fn open_account(&self, username: &str, password: &str) -> Page {
        let first = self.get("/account").await;
        if first.status == 200 {
            return first;
        }
        assert_eq!((first.status, first.location.as_str()), (303, "/login"));
        let done = self.log_in(username, password).await;
        assert_eq!(
            (done.status, done.location.as_str()),
            (303, "/account"),
            "{}",
            done.body
        );
        let page = self.get("/account").await;
        assert_eq!(page.status, 200, "{}", page.body);
        page
    }

    /// Posts an account form with the CSRF token of the account page.
    async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get("/account").await;
        assert_eq!(page.status, 200, "account page: {}", page.body);
        let token = csrf(&page.body);
        let mut form = vec![("csrf_token", token.as_str())];
        form.extend_from_slice(fields);
        self.post(path, &form).await
    }
}

/// Where a client's back-channel logout tokens arrive.
struct Receiver {
    uri: String,
    tokens: Arc<Mutex<Vec<String>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let tokens = Arc::new(Mutex::new(Vec::new()));
        let seen = tokens.clone();
        let app = Router::new().route(
            "/bcl",
            post(move |body: String| async move {
                seen.lock().unwrap().push(body);
                "ok"
            }),
        );
        let uri = format!("{}/bcl", crate::common::serve(app).await);
        Receiver { uri, tokens }
    }

    /// Waits (bounded: delivery runs in the server's background) for `n` logout tokens.
    async fn wait_for(&self, n: usize) -> usize {
        eventually(15, || async {
            (self.tokens.lock().unwrap().len() >= n).then_some(())
        })
        .await;
        self.tokens.lock().unwrap().len()
    }
}

/// A third-party client (consent asked) with refresh tokens and a back-channel logout URI.
async fn third_party(app: &TestApp, name: &str, receiver: &Receiver) -> Rp {
    let (client_id, secret) = app
        .create_client(&[
            "--name",
            name,
            "--redirect-uri",
            crate::common::flow::REDIRECT,
            "--grant-type",
            "authorization_code",
            "--grant-type",
            "refresh_token",
            "--scope",
            "openid profile email offline_access",
            "--backchannel-logout-uri",
            &receiver.uri,
        ])
        .await;
    Rp {
        client_id,
        secret,
        redirect_uri: crate::common::flow::REDIRECT.into(),
    }
}

/// Signs in to `rp` in `browser` (logging in and consenting when asked); returns the tokens.
async fn connect(app: &TestApp, browser: &Browser, rp: &Rp) -> serde_json::Value {
    let pkce = Pkce::new();
    let req = AuthRequest::new(rp, &pkce).set("scope", Some("openid email offline_access"));
    let mut page = browser.get(&format!("/authorize?{}", req.query())).await;
    if page.location == "/login" {
        page = browser.log_in(USERNAME, PASSWORD).await;
    }
    if page.location == "/consent" {
        let consent = browser.get("/consent").await;
        let request = crate::common::flow::hidden(&consent.body, "request");
        page = browser
            .post(
                "/consent",
                &[
                    ("decision", "allow"),
                    ("csrf_token", &csrf(&consent.body)),
                    ("request", &request),
                ],
            )
            .await;
    }
    let code = url::Url::parse(&page.location)
        .expect("callback")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    let (status, tokens) = app.exchange(rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}

async fn refresh_status(app: &TestApp, rp: &Rp, tokens: &serde_json::Value) -> (u16, String) {
    let answer = app
        .refresh(
            &rp.client_id,
            rp.secret.as_deref().expect("secret"),
            tokens["refresh_token"].as_str().expect("refresh_token"),
        )
        .await;
    (answer.status, answer.error().to_string())
}

async fn app_with_alice() -> TestApp {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    app
}

#[tokio::test]
async fn the_account_page_signs_in_first_and_shows_the_profile() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app, FIREFOX);
    let first = browser.get("/account").await;
    assert_eq!((first.status, first.location.as_str()), (303, "/login"));
    let login = browser.get("/login").await;
    assert!(login.body.contains("Sign in to manage your account"));
    // A wrong password keeps the person on the login page.
    let wrong = browser.log_in(USERNAME, "not the password").await;
    assert_eq!(wrong.status, 401);
    let page = browser.open_account(USERNAME, PASSWORD).await;
    assert_eq!(page.cache_control, "no-store");
    assert!(page.body.contains("Test User"), "name");
    assert!(page.body.contains(">alice<"), "username");
    assert!(page.body.contains("alice@example.com"), "email");
    assert!(page.body.contains("not verified"), "email status");
    for field in [
        "name=\"current_password\"",
        "name=\"new_password\"",
        ">Change password<",
        ">Sign out everywhere<",
    ] {
        assert!(page.body.contains(field), "{field}");
    }
    // The login and logout pages link here.
    assert!(login.body.contains("href=\"/account\""));
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_refresh_tokens() {
    let app = app_with_alice().await;
    let receiver = Receiver::start().await;
    let rp = third_party(&app, "Photo Printer", &receiver).await;
    let laptop = Browser::new(&app, FIREFOX);
    let phone = Browser::new(&app, SAFARI);
    let from_phone = connect(&app, &phone, &rp).await;
    laptop.open_account(USERNAME, PASSWORD).await;

    // A wrong current password changes nothing.
    let wrong = laptop
        .submit(
            "/account/password",
            &[
                ("current_password", "not it"),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("current password is incorrect"));
    // Two different new passwords change nothing either.
    let mismatch = laptop
        .submit(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", "something else entirely"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, 400);
    assert_eq!(refresh_status(&app, &rp, &from_phone).await.0, 200);
    let from_phone = connect(&app, &phone, &rp).await;

    let done = laptop
        .submit(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        (done.status, done.location.as_str()),
        (303, "/account?done=password"),
        "{}",
        done.body
    );
    // This browser stays signed in; the phone's session and refresh token are over.
    let page = laptop.get("/account?done=password").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Your password was changed"));
    assert_eq!(phone.get("/account").await.location, "/login");
    assert_eq!(
        refresh_status(&app, &rp, &from_phone).await,
        (400, "invalid_grant".into())
    );
    let access = from_phone["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo_status(access).await, 401);
    assert!(receiver.wait_for(1).await >= 1, "back-channel logout sent");
    // The old password no longer signs in; the new one does.
    let other = Browser::new(&app, FIREFOX);
    other.get("/account").await;
    assert_eq!(other.log_in(USERNAME, PASSWORD).await.status, 401);
    assert_eq!(other.log_in(USERNAME, NEW_PASSWORD).await.status, 303);
}

#[tokio::test]
async fn a_sign_in_older_than_five_minutes_asks_for_the_password_again() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app, FIREFOX);
    browser.open_account(USERNAME, PASSWORD).await;
    app.advance(Duration::from_secs(301));
    let form = [
        ("current_password", PASSWORD),
        ("new_password", NEW_PASSWORD),
        ("confirm_password", NEW_PASSWORD),
    ];
    let asked = browser.submit("/account/password", &form).await;
    assert_eq!((asked.status, asked.location.as_str()), (303, "/login"));
    let login = browser.get("/login").await;
    assert!(login.body.contains("Enter your password again"));
    assert!(
        login.body.contains("value=\"alice\""),
        "username pre-filled"
    );
    let back = browser.log_in(USERNAME, PASSWORD).await;
    assert_eq!(back.location, "/account");
    let done = browser.submit("/account/password", &form).await;
    assert_eq!(done.location, "/account?done=password", "{}", done.body);
}

#[tokio::test]
async fn revoking_an_application_revokes_its_tokens_and_asks_consent_again() {
    let app = app_with_alice().await;
    let printer_bcl = Receiver::start().await;
    let other_bcl = Receiver::start().await;
    let printer = third_party(&app, "Photo Printer", &printer_bcl).await;
    let other = third_party(&app, "Calendar", &other_bcl).await;
    let browser = Browser::new(&app, FIREFOX);
    let printer_tokens = connect(&app, &browser, &printer).await;
    let other_tokens = connect(&app, &browser, &other).await;

    let page = browser.open_account(USERNAME, PASSWORD).await;
    assert!(page.body.contains("Photo Printer"));
    assert!(page.body.contains("Calendar"));
    assert!(page.body.contains("Read your email address"), "plain words");
    assert!(page.body.contains(">Revoke access<"));
    assert!(!page.body.contains("Last used: never"), "used today");

    // An application the person never allowed: a clear page, nothing changes.
    let nothing = browser
        .submit("/account/apps/revoke", &[("client_id", "no-such-client")])
        .await;
    assert_eq!(nothing.status, 404);
    assert!(nothing.body.contains("Nothing to revoke"));

    let done = browser
        .submit("/account/apps/revoke", &[("client_id", &printer.client_id)])
        .await;
    assert_eq!(done.location, "/account?done=app_revoked");
    let page = browser.get("/account").await;
    assert!(!page.body.contains("Photo Printer"));
    assert!(page.body.contains("Calendar"));

    // The printer's tokens are dead everywhere; the calendar's are not.
    let printer_access = printer_tokens["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo_status(printer_access).await, 401);
    let secret = printer.secret.as_deref().unwrap();
    let intro = app
        .introspect(&printer.client_id, secret, printer_access)
        .await;
    assert_eq!(intro["active"], false);
    assert_eq!(
        refresh_status(&app, &printer, &printer_tokens).await,
        (400, "invalid_grant".into())
    );
    let other_access = other_tokens["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo_status(other_access).await, 200);
    assert_eq!(refresh_status(&app, &other, &other_tokens).await.0, 200);
    assert_eq!(printer_bcl.wait_for(1).await, 1, "the printer is told");
    assert_eq!(other_bcl.tokens.lock().unwrap().len(), 0);

    // The next authorization request asks for consent again.
    let req = AuthRequest::new(&printer, &Pkce::new()).set("scope", Some("openid"));
    let again = browser.get(&format!("/authorize?{}", req.query())).await;
    assert_eq!(again.location, "/consent");
}

#[tokio::test]
async fn sessions_are_listed_and_signed_out_one_at_a_time_or_everywhere() {
    let app = app_with_alice().await;
    let receiver = Receiver::start().await;
    let rp = third_party(&app, "Photo Printer", &receiver).await;
    let laptop = Browser::new(&app, FIREFOX);
    let phone = Browser::new(&app, SAFARI);
    let tablet = Browser::new(&app, SAFARI);
    let from_laptop = connect(&app, &laptop, &rp).await;
    phone.open_account(USERNAME, PASSWORD).await;
    tablet.open_account(USERNAME, PASSWORD).await;

    let page = laptop.open_account(USERNAME, PASSWORD).await;
    assert!(page.body.contains("Firefox on Linux"), "{}", page.body);
    assert!(page.body.contains("Safari on iPhone"), "{}", page.body);
    assert_eq!(page.body.matches("class=\"session").count(), 3);
    assert_eq!(page.body.matches("this browser").count(), 1);
    assert!(page.body.contains("127.0.0.1"));

    // Sign out the phone from the laptop: the phone's next request finds no session.
    let phone_page = phone.get("/account").await;
    let phone_sid = sid_marked_current(&phone_page.body);
    let done = laptop
        .submit("/account/sessions/end", &[("sid", &phone_sid)])
        .await;
    assert_eq!(done.location, "/account?done=signed_out");
    assert_eq!(phone.get("/account").await.location, "/login");
    assert_eq!(tablet.get("/account").await.status, 200);
    let page = laptop.get("/account").await;
    assert_eq!(page.body.matches("class=\"session").count(), 2);
    // Another person's or an unknown session: a clear page.
    let unknown = laptop
        .submit("/account/sessions/end", &[("sid", "not-a-session")])
        .await;
    assert_eq!(unknown.status, 404);

    // Everywhere: this browser too, the refresh tokens, and the clients are told.
    let everywhere = laptop.submit("/account/sessions/end-all", &[]).await;
    assert_eq!(everywhere.status, 200);
    assert!(everywhere.body.contains("You are signed out"));
    assert_eq!(laptop.get("/account").await.location, "/login");
    assert_eq!(tablet.get("/account").await.location, "/login");
    assert_eq!(
        refresh_status(&app, &rp, &from_laptop).await,
        (400, "invalid_grant".into())
    );
    let access = from_laptop["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo_status(access).await, 401);
    assert_eq!(receiver.wait_for(1).await, 1, "the laptop's client is told");
}

/// The sid of the session marked "this browser" on an account page.
fn sid_marked_current(html: &str) -> String {
    let at = html
        .find("class=\"session current\"")
        .expect("current session");
    let rest = &html[at..];
    let start = rest.find("data-sid=\"").expect("data-sid") + "data-sid=\"".len();
    rest[start..start + rest[start..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn account_forms_refuse_a_csrf_token_of_another_session() {
    let app = app_with_alice().await;
    let mallory = Browser::new(&app, FIREFOX);
    let alice = Browser::new(&app, FIREFOX);
    let theirs = csrf(&mallory.open_account(USERNAME, PASSWORD).await.body);
    alice.open_account(USERNAME, PASSWORD).await;
    for (path, field) in [
        ("/account/password", ("current_password", PASSWORD)),
        ("/account/apps/revoke", ("client_id", "x")),
        ("/account/sessions/end-all", ("x", "y")),
    ] {
        let r = alice.post(path, &[("csrf_token", &theirs), field]).await;
        assert_eq!(r.status, 403, "{path}");
    }
    assert_eq!(alice.get("/account").await.status, 200, "still signed in");
}

#[tokio::test]
async fn a_one_megabyte_password_gets_a_clear_answer() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app, FIREFOX);
    browser.open_account(USERNAME, PASSWORD).await;
    let huge = "a".repeat(1 << 20);
    let r = browser
        .submit(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", &huge),
                ("confirm_password", &huge),
            ],
        )
        .await;
    assert!(r.status == 400 || r.status == 413, "refused: {}", r.status);
    assert!(!r.body.is_empty(), "a page says why");
    // Nothing changed.
    let other = Browser::new(&app, FIREFOX);
    other.get("/account").await;
    assert_eq!(other.log_in(USERNAME, PASSWORD).await.status, 303);
}

#[tokio::test]
async fn the_account_page_applies_the_password_policy_and_says_why() {
    let app = app_with_alice().await;
    let browser = Browser::new(&app, FIREFOX);
    browser.open_account(USERNAME, PASSWORD).await;
    for (weak, why) in [
        ("password1", "too easy to guess"),
        ("alice2026!", "username, name or email"),
        ("short", "too short: it needs at least 8 characters"),
    ] {
        let r = browser
            .submit(
                "/account/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", weak),
                    ("confirm_password", weak),
                ],
            )
            .await;
        assert_eq!(r.status, 400, "{weak}");
        assert!(
            r.body.contains("The new password cannot be used") && r.body.contains(why),
            "{weak}: {}",
            r.body
        );
    }
    // Nothing changed: the old password still signs in.
    let other = Browser::new(&app, FIREFOX);
    other.get("/account").await;
    assert_eq!(other.log_in(USERNAME, PASSWORD).await.status, 303);
}

#[tokio::test]
async fn the_operator_signs_a_person_out_everywhere_from_the_shell() {
    let app = app_with_alice().await;
    let receiver = Receiver::start().await;
    let rp = third_party(&app, "Photo Printer", &receiver).await;
    let laptop = Browser::new(&app, FIREFOX);
    let tokens = connect(&app, &laptop, &rp).await;
    assert_eq!(laptop.get("/account").await.status, 200);

    let out = app
        .cli_json(
            &[
                "user",
                "sign-out-everywhere",
                "--username",
                USERNAME,
                "--json",
            ],
            None,
        )
        .await;
    assert_eq!(out["username"], USERNAME);
    assert_eq!(out["sessions_ended"], 1);
    assert_eq!(out["refresh_tokens_revoked"], 1);
    // The command waited for the delivery before it exited.
    assert_eq!(receiver.tokens.lock().unwrap().len(), 1);
    assert_eq!(laptop.get("/account").await.location, "/login");
    // The server refuses the revoked tokens once it has read the revocation list.
    app.catch_up().await;
    let refreshed = refresh_status(&app, &rp, &tokens).await;
    assert_eq!(refreshed, (400, "invalid_grant".into()));
    let access = tokens["access_token"].as_str().unwrap();
    eventually(10, || async {
        (app.userinfo_status(access).await == 401).then_some(())
    })
    .await
    .expect("the access token is refused");

    let unknown = app
        .cli(
            &["user", "sign-out-everywhere", "--username", "nobody"],
            None,
        )
        .await;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user named"));
}

#[tokio::test]
async fn disabling_a_person_from_the_shell_ends_their_sessions_and_tokens_at_once() {
    let app = app_with_alice().await;
    let receiver = Receiver::start().await;
    let rp = third_party(&app, "Photo Printer", &receiver).await;
    let laptop = Browser::new(&app, FIREFOX);
    let tokens = connect(&app, &laptop, &rp).await;

    let out = app
        .cli_json(&["user", "disable", "--username", USERNAME, "--json"], None)
        .await;
    assert_eq!(out["disabled"], true);
    assert_eq!(out["sessions_ended"], 1);
    assert_eq!(out["refresh_tokens_revoked"], 1);
    assert_eq!(receiver.tokens.lock().unwrap().len(), 1);
    assert_eq!(laptop.get("/account").await.location, "/login");
    app.catch_up().await;
    let access = tokens["access_token"].as_str().unwrap();
    eventually(10, || async {
        (app.userinfo_status(access).await == 401).then_some(())
    })
    .await
    .expect("the access token is refused");
}

#[tokio::test]
async fn changing_the_email_unverifies_it_and_sends_a_link_to_the_new_address() {
    use crate::common::smtp::{Mode, SmtpServer};
    let smtp = SmtpServer::start(Mode::Accept).await;
    let app = crate::common::spawn_app_with(crate::common::Options::toml(&smtp.toml())).await;
    app.create_user(USERNAME, PASSWORD).await;
    let first = smtp.wait_for(1).await;
    let browser = Browser::new(&app, FIREFOX);
    let page = browser.open_account(USERNAME, PASSWORD).await;
    assert!(page.body.contains("not verified"));
    assert!(page.body.contains(">Send verification email<"));

    // "Send verification email" sends a second link; following either verifies the address.
    let sent = browser.submit("/account/email/verify", &[]).await;
    assert_eq!(sent.location, "/account?done=verification_sent");
    smtp.wait_for(2).await;
    let r = reqwest::get(first.link(&app.issuer, "/verify-email")).await;
    assert_eq!(r.expect("verify").status(), 200);
    let page = browser.get("/account").await;
    assert!(page.body.contains(">verified<"), "{}", page.body);
    assert!(!page.body.contains(">Send verification email<"));

    // A bad address changes nothing; a good one is unverified and gets its own link.
    let bad = browser
        .submit("/account/email", &[("email", "not an address")])
        .await;
    assert_eq!(bad.status, 400);
    let done = browser
        .submit("/account/email", &[("email", "alice@new.example")])
        .await;
    assert_eq!(
        done.location, "/account?done=email_changed",
        "{}",
        done.body
    );
    let page = browser.get("/account").await;
    assert!(page.body.contains("alice@new.example"));
    assert!(page.body.contains("not verified"));
    let message = smtp.wait_for(3).await;
    assert_eq!(message.to, vec!["<alice@new.example>".to_string()]);
    let r = reqwest::get(message.link(&app.issuer, "/verify-email")).await;
    assert_eq!(r.expect("verify").status(), 200);
    assert!(browser.get("/account").await.body.contains(">verified<"));

    // Five minutes after signing in, a change asks for the password first.
    app.advance(Duration::from_secs(301));
    let asked = browser
        .submit("/account/email", &[("email", "alice@third.example")])
        .await;
    assert_eq!(asked.location, "/login");
}
