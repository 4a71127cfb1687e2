//! Login throttling (issue 6 §4): per username and per client IP, a 429 page that does not tell
//! whether the account exists, a correct password refused while throttled, and the resets.

use std::time::Duration;

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, location};
use crate::common::{Options, TestApp, spawn_app_with};
use tessera::store::Reservation;

const TOO_MANY: &str = "Too many sign-in attempts.";

async fn setup(throttle: &str) -> (TestApp, Rp) {
    let app = spawn_app_with(Options::toml(&format!("[throttle]\n{throttle}"))).await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    (app, rp)
}

/// Starts a fresh sign-in (prompt=login) and submits the login form.
async fn attempt(app: &TestApp, rp: &Rp, username: &str, password: &str) -> reqwest::Response {
    let req = AuthRequest::new(rp, &Pkce::new()).set("prompt", Some("login"));
    let r = app.authorize(&req).await;
    assert_eq!(location(&r), "/login");
    app.login(username, password).await
}

async fn assert_throttled(r: reqwest::Response) -> String {
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains(TOO_MANY), "{body}");
    // The page says how long, in the words the Retry-After header gives in seconds.
    let tr = tessera::i18n::Tr(tessera::i18n::Locale::En);
    assert!(
        body.contains(&tr.t1("error-wait", "wait", &tr.wait(wait))),
        "{body}"
    );
    body
}

async fn assert_signed_in(r: reqwest::Response) {
    assert_eq!(r.status(), 303, "signed in and sent on");
    assert!(location(&r).starts_with("https://rp.example.com/"));
}

#[tokio::test]
async fn a_username_is_throttled_even_with_the_right_password_and_unknown_names_look_the_same() {
    let (app, rp) = setup("max_failures_per_user = 3\nbase_delay = \"60s\"\n").await;
    for _ in 0..3 {
        assert_eq!(attempt(&app, &rp, USERNAME, "wrong").await.status(), 401);
    }
    let known = assert_throttled(attempt(&app, &rp, USERNAME, PASSWORD).await).await;
    // Other spellings of the name share the counter.
    assert_throttled(attempt(&app, &rp, " ALICE ", PASSWORD).await).await;

    for _ in 0..3 {
        assert_eq!(attempt(&app, &rp, "nobody", "wrong").await.status(), 401);
    }
    let unknown = assert_throttled(attempt(&app, &rp, "nobody", "wrong").await).await;
    // Apart from the client and the request id, which every page differs by, and the wait,
    // which counts down from each block's own start (a real second may pass between the two).
    let strip = |s: &str| {
        s.replace(&rp.client_id, "")
            .lines()
            .filter(|l| !l.contains("id=\"request-id\"") && !l.contains("id=\"retry-after\""))
            .collect::<String>()
    };
    assert_eq!(strip(&known), strip(&unknown), "same page for both");
}

#[tokio::test]
async fn the_block_ends_and_the_count_restarts_after_the_window() {
    // Block and window are far longer than the real seconds the attempts take on a loaded
    // machine; only the turned clock ends them.
    let (app, rp) =
        setup("max_failures_per_user = 2\nwindow = \"120s\"\nbase_delay = \"60s\"\n").await;
    for _ in 0..2 {
        assert_eq!(attempt(&app, &rp, USERNAME, "wrong").await.status(), 401);
    }
    assert_throttled(attempt(&app, &rp, USERNAME, PASSWORD).await).await;
    app.advance(Duration::from_secs(121));
    // A new window: one failure does not block, and the right password gets in.
    assert_eq!(attempt(&app, &rp, USERNAME, "wrong").await.status(), 401);
    assert_signed_in(attempt(&app, &rp, USERNAME, PASSWORD).await).await;
}

#[tokio::test]
async fn a_successful_sign_in_resets_the_username_counter() {
    let (app, rp) = setup("max_failures_per_user = 3\nbase_delay = \"60s\"\n").await;
    for _ in 0..2 {
        assert_eq!(attempt(&app, &rp, USERNAME, "wrong").await.status(), 401);
    }
    assert_signed_in(attempt(&app, &rp, USERNAME, PASSWORD).await).await;
    for _ in 0..2 {
        assert_eq!(attempt(&app, &rp, USERNAME, "wrong").await.status(), 401);
    }
    assert_signed_in(attempt(&app, &rp, USERNAME, PASSWORD).await).await;
}

#[tokio::test]
async fn one_ip_failing_across_many_usernames_is_throttled() {
    let (app, rp) =
        setup("max_failures_per_user = 100\nmax_failures_per_ip = 4\nbase_delay = \"60s\"\n").await;
    for i in 0..4 {
        let name = format!("guess{i}");
        assert_eq!(attempt(&app, &rp, &name, "wrong").await.status(), 401);
    }
    // A username this IP never tried, with the right password: still refused.
    assert_throttled(attempt(&app, &rp, USERNAME, PASSWORD).await).await;
}

#[tokio::test]
async fn the_exponential_delay_grows_with_further_failures() {
    let (app, rp) = setup(
        "max_failures_per_user = 1\nwindow = \"1h\"\nbase_delay = \"60s\"\nmax_delay = \"1h\"\n",
    )
    .await;
    assert_eq!(attempt(&app, &rp, USERNAME, "wrong").await.status(), 401);
    app.advance(Duration::from_secs(61));
    // The 60 s block is over; this second failure blocks for 120 s, so 90 s later the right
    // password is still refused (a flat 60 s delay would have let it in). Real seconds spent
    // on a loaded machine are small beside these.
    assert_eq!(attempt(&app, &rp, USERNAME, "wrong").await.status(), 401);
    app.advance(Duration::from_secs(90));
    assert_throttled(attempt(&app, &rp, USERNAME, PASSWORD).await).await;
}

#[tokio::test]
async fn stale_counters_are_purged_and_blocking_ones_kept() {
    let (app, _) = setup("").await;
    let store = app.store().await;
    let now = app.now();
    let no_block = |_| None;
    store
        .throttle_reserve("user:old", now - 1000, now - 2000, no_block)
        .await
        .unwrap();
    store
        .throttle_reserve("user:blocked", now - 1000, now - 2000, |_| Some(1060))
        .await
        .unwrap();
    store
        .throttle_reserve("user:fresh", now, now - 900, no_block)
        .await
        .unwrap();
    assert_eq!(store.purge_login_throttle(now - 900, now).await.unwrap(), 1);
    assert_eq!(
        store
            .throttle_reserve("user:blocked", now, now - 900, no_block)
            .await
            .unwrap(),
        Reservation::Blocked { until: now + 60 }
    );
}

#[tokio::test]
async fn the_per_ip_limit_can_be_turned_off_for_deployments_behind_a_proxy() {
    let (app, rp) = setup("max_failures_per_user = 100\nmax_failures_per_ip = 0\n").await;
    for i in 0..6 {
        let name = format!("guess{i}");
        assert_eq!(attempt(&app, &rp, &name, "wrong").await.status(), 401);
    }
    assert_signed_in(attempt(&app, &rp, USERNAME, PASSWORD).await).await;
}

/// The `Retry-After` of a throttled attempt, in seconds.
fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()
        .get("retry-after")
        .expect("Retry-After on the 429")
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds")
}

#[tokio::test]
async fn a_throttled_attempt_says_when_to_retry_the_same_for_known_and_unknown_names() {
    let (app, rp) =
        setup("max_failures_per_user = 2\nmax_failures_per_ip = 0\nbase_delay = \"600s\"\n").await;
    for _ in 0..2 {
        assert_eq!(attempt(&app, &rp, USERNAME, "wrong").await.status(), 401);
    }
    let r = attempt(&app, &rp, USERNAME, PASSWORD).await;
    let known = retry_after(&r);
    assert_throttled(r).await;
    for _ in 0..2 {
        assert_eq!(attempt(&app, &rp, "nobody", "wrong").await.status(), 401);
    }
    let r = attempt(&app, &rp, "nobody", "wrong").await;
    let unknown = retry_after(&r);
    assert_throttled(r).await;
    // The remaining block: 600 s less the few seconds these attempts took on a loaded machine.
    for secs in [known, unknown] {
        assert!((500..=600).contains(&secs), "Retry-After {secs}");
    }
    assert!(known.abs_diff(unknown) <= 30, "{known} vs {unknown}");
}
