//! The client's address behind a reverse proxy (`server.trusted_proxies`, issue 7 §5), as the
//! login throttle counts it: `X-Forwarded-For` is believed only from a trusted peer, and then
//! only its right-most address that is not a trusted proxy.

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, location};
use crate::common::{Options, TestApp, spawn_app_with};

/// Three failures per IP block it for ten minutes; usernames never block (limit 100).
const THROTTLE: &str = "[throttle]\nmax_failures_per_user = 100\nmax_failures_per_ip = 3\n\
                        base_delay = \"600s\"\n";

/// `trusted_proxies` is a TOML array, set through `TESSERA_SERVER_TRUSTED_PROXIES`.
async fn setup(trusted_proxies: &str) -> (TestApp, Rp) {
    let opts = Options::toml(THROTTLE).env("TESSERA_SERVER_TRUSTED_PROXIES", trusted_proxies);
    let app = spawn_app_with(opts).await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    (app, rp)
}

/// A fresh browser whose every request carries `X-Forwarded-For: forwarded`.
fn browser(forwarded: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", forwarded.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

/// A whole sign-in attempt from a browser claiming `forwarded`; returns the login POST's status.
async fn attempt(app: &mut TestApp, rp: &Rp, forwarded: &str, password: &str) -> u16 {
    app.http = browser(forwarded);
    let req = AuthRequest::new(rp, &Pkce::new()).set("prompt", Some("login"));
    let r = app.authorize(&req).await;
    assert_eq!(location(&r), "/login");
    app.login(USERNAME, password).await.status().as_u16()
}

#[tokio::test]
async fn a_forwarded_header_from_an_untrusted_peer_is_ignored() {
    let (mut app, rp) = setup("[]").await;
    for i in 1..=3 {
        let claimed = format!("203.0.113.{i}");
        assert_eq!(attempt(&mut app, &rp, &claimed, "wrong").await, 401);
    }
    // Three different claimed addresses, one real peer: the peer is blocked.
    assert_eq!(attempt(&mut app, &rp, "198.51.100.7", PASSWORD).await, 429);
}

#[tokio::test]
async fn a_trusted_proxy_s_forwarded_address_is_counted_separately() {
    let (mut app, rp) = setup(r#"["127.0.0.0/8"]"#).await;
    for _ in 0..3 {
        assert_eq!(attempt(&mut app, &rp, "203.0.113.1", "wrong").await, 401);
    }
    assert_eq!(attempt(&mut app, &rp, "203.0.113.1", PASSWORD).await, 429);
    // A client at .1 cannot escape by writing another address in front: the proxy appends
    // what it saw, and the right-most untrusted address is the one counted.
    assert_eq!(
        attempt(&mut app, &rp, "203.0.113.2, 203.0.113.1", PASSWORD).await,
        429
    );
    // Another client behind the same proxy is not blocked.
    assert_eq!(attempt(&mut app, &rp, "203.0.113.2", PASSWORD).await, 303);
}
