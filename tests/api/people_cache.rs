//! Single sign-on on this instance's copies of the person (`services::people_cache`): a change
//! made elsewhere (here through a second connection to the database, as the CLI, another
//! instance or an operator's SQL would make it) holds from the very next request, exactly as if
//! every request read the database.

use tessera::domain::{Email, Username};

use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, Rp, USERNAME, callback, jwt_claims, location,
};
use crate::common::{TestApp, spawn_app};

/// A signed-in person who consented to `rp`, and whose copies this instance holds: they signed
/// in, then signed on again without the login page. Returns the person's subject.
async fn signed_on() -> (TestApp, Rp, String) {
    let app = spawn_app().await;
    let user_id = app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&[]).await;
    let pkce = Pkce::new();
    let cb = app.code_via_login(&AuthRequest::new(&rp, &pkce)).await;
    assert!(cb.contains_key("code"), "{cb:?}");
    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    // Giving consent moved the person's version, so the code above came from fresh reads;
    // these sign-ons read the copies again and then use them.
    for _ in 0..2 {
        let (status, body) = sso_tokens(&app, &rp).await;
        assert_eq!(status, 200, "{body}");
    }
    (app, rp, user_id)
}

/// A silent authorization request (`prompt=none`): the callback's parameters.
async fn silent(app: &TestApp, rp: &Rp) -> std::collections::HashMap<String, String> {
    let req = AuthRequest::new(rp, &Pkce::new()).set("prompt", Some("none"));
    callback(&app.authorize(&req).await)
}

/// One whole SSO flow: a code without the login page, redeemed at once.
async fn sso_tokens(app: &TestApp, rp: &Rp) -> (u16, serde_json::Value) {
    let pkce = Pkce::new();
    let cb = callback(&app.authorize(&AuthRequest::new(rp, &pkce)).await);
    let code = cb.get("code").unwrap_or_else(|| panic!("no code: {cb:?}"));
    app.exchange(rp, code, Some(&pkce.verifier)).await
}

#[tokio::test]
async fn a_person_disabled_elsewhere_is_not_signed_on_at_their_next_request() {
    let (app, rp, _) = signed_on().await;
    let name = Username::parse(USERNAME).unwrap();
    assert!(app.store().await.disable_user(&name).await.unwrap());

    let cb = silent(&app, &rp).await;
    assert_eq!(
        cb.get("error").map(String::as_str),
        Some("login_required"),
        "a disabled person got {cb:?}"
    );
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/login", "signed out, not signed on");
}

#[tokio::test]
async fn a_consent_withdrawn_elsewhere_is_asked_again_at_the_next_request() {
    let (app, rp, user_id) = signed_on().await;
    let store = app.store().await;
    assert!(store.delete_consent(&user_id, &rp.client_id).await.unwrap());

    let cb = silent(&app, &rp).await;
    assert_eq!(
        cb.get("error").map(String::as_str),
        Some("consent_required"),
        "a withdrawn consent still signed on: {cb:?}"
    );
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/consent");
}

#[tokio::test]
async fn a_consent_narrowed_elsewhere_is_asked_again_for_what_it_no_longer_covers() {
    let (app, rp, user_id) = signed_on().await;
    let now = app.now();
    let store = app.store().await;
    store
        .save_consent(&user_id, &rp.client_id, "openid profile", now)
        .await
        .unwrap();

    let cb = silent(&app, &rp).await;
    assert_eq!(
        cb.get("error").map(String::as_str),
        Some("consent_required"),
        "email was no longer allowed: {cb:?}"
    );
    let narrower = AuthRequest::new(&rp, &Pkce::new())
        .set("scope", Some("openid profile"))
        .set("prompt", Some("none"));
    let cb = callback(&app.authorize(&narrower).await);
    assert!(cb.contains_key("code"), "what is still allowed: {cb:?}");
}

#[tokio::test]
async fn an_address_changed_elsewhere_is_in_the_next_id_token() {
    let (app, rp, user_id) = signed_on().await;
    let new = Email::parse("new-address@example.com").unwrap();
    assert!(
        app.store()
            .await
            .set_user_email(&user_id, Some(&new))
            .await
            .unwrap()
    );

    let (status, body) = sso_tokens(&app, &rp).await;
    assert_eq!(status, 200, "{body}");
    let id = jwt_claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["email"], "new-address@example.com");
    assert_eq!(id["email_verified"], false, "a new address is not verified");
}

#[tokio::test]
async fn a_person_disabled_between_code_and_token_gets_no_tokens() {
    let (app, rp, _) = signed_on().await;
    let pkce = Pkce::new();
    let cb = callback(&app.authorize(&AuthRequest::new(&rp, &pkce)).await);
    let name = Username::parse(USERNAME).unwrap();
    assert!(app.store().await.disable_user(&name).await.unwrap());

    let (status, body) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn another_persons_change_does_not_stop_signing_on() {
    // A change to anyone moves the counter: the copies are read again, and signing on goes on.
    let (app, rp, _) = signed_on().await;
    app.create_user("someone-else", "another long passphrase")
        .await;
    let name = Username::parse("someone-else").unwrap();
    assert!(app.store().await.disable_user(&name).await.unwrap());

    for _ in 0..2 {
        let (status, body) = sso_tokens(&app, &rp).await;
        assert_eq!(status, 200, "{body}");
    }
}
