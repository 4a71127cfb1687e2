//! `GET /metrics` (issue 6 §9): Prometheus text with request counts per route and status,
//! domain counters fed by the audit events, a signing-key gauge, and the separate bind.

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, USERNAME, location};
use crate::common::{Options, eventually, spawn_app, spawn_app_with};

/// The scraped metrics text (asserting the scrape itself worked).
pub(crate) async fn scrape(url: &str) -> String {
    let r = reqwest::get(url).await.expect("scrape");
    assert_eq!(r.status(), 200);
    let ctype = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ctype.starts_with("application/openmetrics-text"), "{ctype}");
    let text = r.text().await.unwrap();
    assert!(text.trim_end().ends_with("# EOF"), "{text}");
    text
}

/// The value of the sample `name` carrying every label in `labels`; 0 when there is none.
pub(crate) fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter(|l| {
            labels
                .iter()
                .all(|(k, v)| l.contains(&format!("{k}=\"{v}\"")))
        })
        .map(|l| {
            l.rsplit(' ')
                .next()
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or_else(|| panic!("no value in {l}"))
        })
        .sum()
}

#[tokio::test]
async fn request_counters_grow_per_route_and_status() {
    let app = spawn_app().await;
    let url = app.url("/metrics");
    let before = scrape(&url).await;
    let discovery = [
        ("method", "GET"),
        ("path", "/.well-known/openid-configuration"),
        ("status", "200"),
    ];
    assert_eq!(
        sample(&before, "tessera_http_requests_total", &discovery),
        0.0
    );
    for _ in 0..3 {
        let r = app
            .http
            .get(app.url("/.well-known/openid-configuration"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    // A path that matches no route is counted under one fixed label, never under its URI.
    let r = app
        .http
        .get(app.url("/no/such/page-42"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let after = scrape(&url).await;
    assert_eq!(
        sample(&after, "tessera_http_requests_total", &discovery),
        3.0
    );
    assert_eq!(
        sample(
            &after,
            "tessera_http_request_duration_seconds_count",
            &discovery
        ),
        3.0
    );
    assert_eq!(
        sample(
            &after,
            "tessera_http_requests_total",
            &[("path", "unmatched"), ("status", "404")]
        ),
        1.0
    );
    assert!(!after.contains("page-42"), "raw URIs never become labels");
    // The first scrape itself was counted too.
    assert!(
        sample(
            &after,
            "tessera_http_requests_total",
            &[("path", "/metrics"), ("status", "200")]
        ) >= 1.0
    );
}

#[tokio::test]
async fn tokens_issued_are_counted_per_grant() {
    let app = spawn_app().await;
    let (id, secret) = app.service_client(&[]).await;
    let cc = [("grant", "client_credentials")];
    assert_eq!(
        sample(
            &scrape(&app.url("/metrics")).await,
            "tessera_tokens_issued_total",
            &cc
        ),
        0.0
    );
    app.client_credentials_token(&id, &secret).await;
    app.client_credentials_token(&id, &secret).await;
    let text = scrape(&app.url("/metrics")).await;
    assert_eq!(sample(&text, "tessera_tokens_issued_total", &cc), 2.0);
    assert_eq!(
        sample(
            &text,
            "tessera_tokens_issued_total",
            &[("grant", "refresh_token")]
        ),
        0.0
    );
}

#[tokio::test]
async fn a_failed_login_is_counted() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/login");
    assert_eq!(app.login(USERNAME, "wrong").await.status(), 401);
    let text = scrape(&app.url("/metrics")).await;
    assert_eq!(sample(&text, "tessera_login_failures_total", &[]), 1.0);
}

#[tokio::test]
async fn refresh_token_reuse_is_counted() {
    let app = spawn_app().await;
    let (id, secret) = app.refresh_client().await;
    let grant = app.grant_refresh_token(&id, "openid offline_access").await;
    assert_eq!(
        app.refresh(&id, &secret, &grant.refresh_token).await.status,
        200
    );
    let again = app.refresh(&id, &secret, &grant.refresh_token).await;
    assert_eq!(again.error(), "invalid_grant");
    let text = scrape(&app.url("/metrics")).await;
    assert_eq!(
        sample(&text, "tessera_refresh_reuse_detected_total", &[]),
        1.0
    );
    assert_eq!(
        sample(
            &text,
            "tessera_tokens_issued_total",
            &[("grant", "refresh_token")]
        ),
        1.0
    );
}

#[tokio::test]
async fn signing_keys_are_a_gauge_per_algorithm_and_state() {
    let app = spawn_app().await;
    let text = scrape(&app.url("/metrics")).await;
    assert!(text.contains("# TYPE tessera_signing_keys gauge"), "{text}");
    for alg in ["RS256", "ES256"] {
        for (state, n) in [("active", 1.0), ("next", 1.0), ("retired", 0.0)] {
            let labels = [("alg", alg), ("state", state)];
            assert!(
                text.contains(&format!(
                    "tessera_signing_keys{{alg=\"{alg}\",state=\"{state}\"}}"
                )),
                "{text}"
            );
            assert_eq!(sample(&text, "tessera_signing_keys", &labels), n);
        }
    }
}

#[tokio::test]
async fn a_separate_bind_serves_metrics_and_the_main_port_does_not() {
    // The server binds it itself.
    let port = crate::common::free_port();
    let app = spawn_app_with(Options::toml(&format!(
        "[metrics]\nbind = \"127.0.0.1:{port}\"\n"
    )))
    .await;
    let r = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let text = scrape(&format!("http://127.0.0.1:{port}/metrics")).await;
    // The main port's traffic is what it reports.
    assert_eq!(
        sample(
            &text,
            "tessera_http_requests_total",
            &[("path", "unmatched"), ("status", "404")]
        ),
        1.0
    );
    // Nothing but /metrics there.
    let r = reqwest::get(format!("http://127.0.0.1:{port}/token"))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn metrics_can_be_turned_off() {
    let app = spawn_app_with(Options::toml("[metrics]\nenabled = false\n")).await;
    let r = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn a_scheduled_rotation_is_counted_and_moves_the_key_gauge() {
    let app = spawn_app().await;
    // Make the rotation due (31 days > rotation_interval); the maintenance round performs it.
    app.advance(std::time::Duration::from_secs(31 * 86_400));
    app.catch_up().await;
    // The background task may win the race for the rotation and count it a moment later.
    let url = app.url("/metrics");
    let url = &url;
    let counted = eventually(5, || async move {
        let text = scrape(url).await;
        (sample(&text, "tessera_key_rotations_total", &[]) >= 2.0).then_some(text)
    })
    .await;
    let text = match counted {
        Some(text) => text,
        None => scrape(url).await,
    };
    // RS256 and ES256, once each.
    assert_eq!(
        sample(&text, "tessera_key_rotations_total", &[]),
        2.0,
        "{text}"
    );
    for alg in ["RS256", "ES256"] {
        let retired = [("alg", alg), ("state", "retired")];
        assert_eq!(
            sample(&text, "tessera_signing_keys", &retired),
            1.0,
            "{text}"
        );
    }
}
