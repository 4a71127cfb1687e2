//! The login throttle under a burst: however many guesses arrive at once, no more than the limit
//! are verified for one username or one IP in a window (the attempt is counted before the
//! password is checked). Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.

use std::collections::BTreeMap;

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, USERNAME, csrf, hidden, location};
use crate::common::{Options, TestApp, spawn_app_with};
use crate::metrics::{sample, scrape};

/// How many guesses the burst sends at once.
const BURST: usize = 200;

async fn setup(throttle: &str) -> TestApp {
    let app = spawn_app_with(Options::toml(&format!("[throttle]\n{throttle}"))).await;
    app.create_user(USERNAME, PASSWORD).await;
    app
}

/// Opens one sign-in and fires `BURST` login POSTs on it at once, the i-th with the username
/// and password `guess(i)` gives; returns how many answers had each status.
async fn burst(app: &TestApp, guess: impl Fn(usize) -> (String, String)) -> BTreeMap<u16, usize> {
    let rp = app.rp(&["--first-party"]).await;
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/login");
    let html = app
        .http
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (token, request) = (csrf(&html), hidden(&html, "request"));
    let sends = (0..BURST).map(|i| {
        let (username, password) = guess(i);
        let post = app.http.post(app.url("/login")).form(&[
            ("username", username.as_str()),
            ("password", password.as_str()),
            ("csrf_token", token.as_str()),
            ("request", request.as_str()),
        ]);
        async move { post.send().await.expect("login post").status().as_u16() }
    });
    let mut counts = BTreeMap::new();
    for status in futures_join_all(sends).await {
        *counts.entry(status).or_insert(0) += 1;
    }
    counts
}

/// Runs every future at once (tokio tasks, so the requests really are concurrent).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<u16>
where
    F: std::future::Future<Output = u16> + Send + 'static,
{
    let tasks: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

/// Exactly `limit` guesses were checked (401); every other one was refused unchecked: 429, or
/// 503 when the database's write queue was full on a loaded machine, never a password check.
fn assert_verified(counts: &BTreeMap<u16, usize>, limit: usize) {
    assert_eq!(counts.get(&401), Some(&limit), "{counts:?}");
    let refused = counts.get(&429).unwrap_or(&0) + counts.get(&503).unwrap_or(&0);
    assert_eq!(refused, BURST - limit, "{counts:?}");
    assert!(counts.get(&429).is_some(), "{counts:?}");
}

/// Failed password verifications, from the server's own counter.
async fn verified_failures(app: &TestApp) -> f64 {
    sample(
        &scrape(&app.url("/metrics")).await,
        "tessera_login_failures_total",
        &[],
    )
}

#[tokio::test]
async fn a_burst_on_one_username_verifies_no_more_guesses_than_the_limit() {
    let app = setup("max_failures_per_user = 5\nmax_failures_per_ip = 1000\n").await;
    let counts = burst(&app, |_| (USERNAME.into(), "wrong".into())).await;
    assert_verified(&counts, 5);
    assert_eq!(verified_failures(&app).await, 5.0);
    // The username stays blocked, even for the right password.
    let counts = burst(&app, |_| (USERNAME.into(), PASSWORD.into())).await;
    assert_eq!(counts.get(&429), Some(&BURST), "{counts:?}");
}

#[tokio::test]
async fn a_burst_from_one_address_verifies_no_more_guesses_than_the_ip_limit() {
    let app = setup("max_failures_per_user = 5\nmax_failures_per_ip = 20\n").await;
    let counts = burst(&app, |i| (format!("user{i}"), "wrong".into())).await;
    assert_verified(&counts, 20);
    assert_eq!(verified_failures(&app).await, 20.0);
}
