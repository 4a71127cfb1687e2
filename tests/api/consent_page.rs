//! Who is asking, on the consent page: the application's name, home page, logo and policies as
//! registered, a mark on applications that registered themselves, and which account is signed
//! in, with "Not you?" to sign out and sign in again to the same request.

use serde_json::json;

use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, REDIRECT, Rp, USERNAME, callback, jwt_claims, location,
};
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

/// Signs alice in for `rp` and opens the consent page: (its CSP, its HTML).
async fn consent_page(app: &TestApp, rp: &Rp, pkce: &Pkce) -> (String, String) {
    let r = app.authorize(&AuthRequest::new(rp, pkce)).await;
    assert_eq!(location(&r), "/login");
    let r = app.login(USERNAME, PASSWORD).await;
    assert_eq!(location(&r), "/consent");
    let page = app.http.get(app.url("/consent")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    (csp, page.text().await.unwrap())
}

/// A client registered through `POST /register` with everything people are shown.
async fn self_registered(app: &TestApp) -> Rp {
    let r = reqwest::Client::new()
        .post(app.url("/register"))
        .json(&json!({
            "client_name": "Photo Printer",
            "redirect_uris": [REDIRECT],
            "client_uri": "https://printer.example.com/home",
            "logo_uri": "https://cdn.printer.example.com/logo.png",
            "policy_uri": "https://printer.example.com/privacy",
            "tos_uri": "https://printer.example.com/terms",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    Rp {
        client_id: v["client_id"].as_str().unwrap().into(),
        secret: v["client_secret"].as_str().map(str::to_string),
        redirect_uri: REDIRECT.into(),
    }
}

#[tokio::test]
async fn a_self_registered_application_is_shown_with_its_links_logo_and_a_not_verified_mark() {
    let app = spawn_app_with(Options::toml("[registration]\nmode = \"open\"\n")).await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = self_registered(&app).await;
    let (csp, html) = consent_page(&app, &rp, &Pkce::new()).await;
    assert!(html.contains("Photo Printer"), "{html}");
    assert!(
        html.contains(r#"href="https://printer.example.com/home" rel="noopener noreferrer">printer.example.com</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"src="https://cdn.printer.example.com/logo.png""#));
    assert!(html.contains(r#"referrerpolicy="no-referrer""#));
    assert!(html.contains(r#"width="64" height="64""#));
    assert!(html.contains(r#"alt="Logo of Photo Printer""#));
    assert!(html.contains(r#"href="https://printer.example.com/privacy""#));
    assert!(html.contains(r#"href="https://printer.example.com/terms""#));
    assert!(html.contains(r#"id="unverified""#));
    assert!(html.contains("not verified by the operator"));
    assert!(html.contains("Signed in as alice."), "{html}");
    assert!(html.contains(">Not you?</a>"));
    // The CSP lets the page load that one image, and nothing else from anywhere else.
    assert!(
        csp.contains("img-src 'self' https://cdn.printer.example.com/logo.png;"),
        "{csp}"
    );
    assert!(csp.contains("default-src 'none'"));
}

#[tokio::test]
async fn an_operator_client_is_not_marked_and_a_logo_that_is_not_https_is_not_loaded() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app
        .rp(&[
            "--client-uri",
            "https://printer.example.com",
            "--logo-uri",
            "http://127.0.0.1:9/logo.png",
        ])
        .await;
    let (csp, html) = consent_page(&app, &rp, &Pkce::new()).await;
    assert!(!html.contains(r#"id="unverified""#));
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains(">printer.example.com</a>"));
    assert!(!html.contains("client-policy") && !html.contains("client-tos"));
    assert!(csp.contains("img-src 'self';"), "{csp}");
    // A URI shown to people must be https at registration too.
    let out = app
        .cli(
            &[
                "client",
                "create",
                "--name",
                "X",
                "--redirect-uri",
                REDIRECT,
                "--policy-uri",
                "http://printer.example.com/privacy",
            ],
            None,
        )
        .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--policy-uri"));
}

#[tokio::test]
async fn not_you_signs_out_and_the_same_request_continues_for_the_other_person() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let bob = app.create_user("bob", PASSWORD).await;
    let rp = app.rp(&[]).await;
    let pkce = Pkce::new();
    let (_, html) = consent_page(&app, &rp, &pkce).await;
    let link = html
        .split(r#"id="not-you" href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a Not you? link")
        .replace("&amp;", "&");

    // A link that does not name this session's request ends nothing.
    let forged = app
        .http
        .get(app.url("/not-you?request=guess"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    let still = app.http.get(app.url("/consent")).send().await.unwrap();
    assert_eq!(still.status(), 200);

    let r = app.http.get(app.url(&link)).send().await.unwrap();
    assert_eq!(location(&r), "/login");
    let r = app.login("bob", PASSWORD).await;
    assert_eq!(location(&r), "/consent");
    let page = app.http.get(app.url("/consent")).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("Signed in as bob."));
    let cb = callback(&app.consent("allow").await);
    assert_eq!(cb["state"], "st-123", "the same request");
    let (status, tokens) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{tokens}");
    let id = jwt_claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["sub"], bob.as_str());
    assert_eq!(id["nonce"], "n-456");
}
