//! CORS on the endpoints a browser app calls: the public metadata to any origin, `/token`,
//! `/userinfo` and `/revoke` to the origins of the client the request is about, `/introspect`
//! and the pages to none.

use reqwest::Method;
use reqwest::header::HeaderMap;

use crate::common::{TestApp, spawn_app};

const APP: &str = "https://app.example";
const OTHER: &str = "https://other.example";
const EVIL: &str = "https://evil.example";

/// A request to `path` from a page at `origin` (no `Origin` when `None`).
async fn from(
    app: &TestApp,
    method: Method,
    path: &str,
    origin: Option<&str>,
    build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> (u16, HeaderMap, String) {
    let mut req = app.http.request(method, app.url(path));
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    let r = build(req).send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.text().await.expect("body"))
}

/// A form POST from `origin`.
async fn post(
    app: &TestApp,
    path: &str,
    origin: &str,
    form: &[(&str, &str)],
) -> (u16, HeaderMap, String) {
    from(app, Method::POST, path, Some(origin), |r| r.form(form)).await
}

/// The browser's preflight for a `method` request carrying the headers an app sends.
async fn preflight(app: &TestApp, path: &str, origin: &str, method: &str) -> (u16, HeaderMap) {
    let (status, headers, _) = from(app, Method::OPTIONS, path, Some(origin), |r| {
        r.header("access-control-request-method", method).header(
            "access-control-request-headers",
            "authorization,content-type,dpop",
        )
    })
    .await;
    (status, headers)
}

fn allowed(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap())
}

fn varies_on_origin(headers: &HeaderMap) -> bool {
    headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("origin"))
}

/// The answer is readable by `origin` and by nobody else, without credentials.
fn assert_allowed(headers: &HeaderMap, origin: &str, what: &str) {
    assert_eq!(allowed(headers), Some(origin), "{what}: {headers:?}");
    assert!(varies_on_origin(headers), "{what}: Vary: Origin");
    assert!(
        headers.get("access-control-allow-credentials").is_none(),
        "{what}: never credentials"
    );
}

fn assert_refused(headers: &HeaderMap, what: &str) {
    assert_eq!(allowed(headers), None, "{what}: {headers:?}");
    assert!(varies_on_origin(headers), "{what}: Vary: Origin");
}

/// A public client redirecting to `origin`/cb; `extra` are more `client create` flags.
async fn public_client(app: &TestApp, origin: &str, extra: &[&str]) -> String {
    let redirect = format!("{origin}/cb");
    let mut args = vec!["--name", "SPA", "--public", "--redirect-uri", &redirect];
    args.extend_from_slice(extra);
    app.create_client(&args).await.0
}

/// A refresh-grant form for a public client.
fn refresh_form<'a>(client_id: &'a str, token: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("grant_type", "refresh_token"),
        ("refresh_token", token),
        ("client_id", client_id),
    ]
}

/// An access token (scope `openid`) issued to the public client `client_id`.
async fn access_token(app: &TestApp, client_id: &str) -> String {
    let grant = app.grant_refresh_token(client_id, "openid").await;
    let a = app
        .post_form(
            "/token",
            None,
            &refresh_form(client_id, &grant.refresh_token),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn discovery_and_the_jwks_are_readable_from_any_origin() {
    let app = spawn_app().await;
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
        "/jwks",
        "/.well-known/jwks.json",
    ] {
        let (status, headers, _) = from(&app, Method::GET, path, Some(EVIL), |r| r).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(allowed(&headers), Some("*"), "{path}");
        assert!(headers.get("access-control-allow-credentials").is_none());
        let (status, headers) = preflight(&app, path, EVIL, "GET").await;
        assert!((200..300).contains(&status), "{path} preflight: {status}");
        assert_eq!(allowed(&headers), Some("*"), "{path} preflight");
        let methods = headers["access-control-allow-methods"].to_str().unwrap();
        assert!(methods.contains("GET"), "{path}: {methods}");
    }
}

#[tokio::test]
async fn a_public_client_is_answered_at_its_redirect_uris_origin_errors_included() {
    let app = spawn_app().await;
    let client = public_client(&app, APP, &[]).await;
    let grant = app.grant_refresh_token(&client, "openid").await;
    let (status, headers, body) = post(
        &app,
        "/token",
        APP,
        &refresh_form(&client, &grant.refresh_token),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_allowed(&headers, APP, "token");
    let exposed = headers["access-control-expose-headers"].to_str().unwrap();
    assert!(exposed.contains("WWW-Authenticate"), "{exposed}");
    // A browser app must be able to read why its refresh failed.
    let (status, headers, body) =
        post(&app, "/token", APP, &refresh_form(&client, "no-such-token")).await;
    assert_eq!(status, 400);
    assert!(body.contains("invalid_grant"), "{body}");
    assert_allowed(&headers, APP, "token error");
    // The port is part of the origin.
    let (_, headers, _) = post(
        &app,
        "/token",
        "https://app.example:8443",
        &refresh_form(&client, "no-such-token"),
    )
    .await;
    assert_refused(&headers, "another port");
}

#[tokio::test]
async fn an_origin_no_client_allows_gets_no_cors_headers() {
    let app = spawn_app().await;
    let client = public_client(&app, APP, &[]).await;
    for origin in [EVIL, "null", "http://app.example"] {
        let (status, headers, _) = post(
            &app,
            "/token",
            origin,
            &refresh_form(&client, "no-such-token"),
        )
        .await;
        assert_eq!(status, 400);
        assert_refused(&headers, origin);
        let (status, headers) = preflight(&app, "/token", origin, "POST").await;
        assert_eq!(status, 204, "{origin}");
        assert_refused(&headers, origin);
        assert!(headers.get("access-control-allow-methods").is_none());
    }
    // An error given before any client is known is refused to an unregistered origin too.
    let (status, headers, _) = post(&app, "/token", EVIL, &[("grant_type", "refresh_token")]).await;
    assert_eq!(status, 401);
    assert_refused(&headers, "unknown client");
}

#[tokio::test]
async fn preflights_name_the_methods_headers_and_max_age() {
    let app = spawn_app().await;
    public_client(&app, APP, &[]).await;
    for (path, methods) in [
        ("/token", "POST"),
        ("/revoke", "POST"),
        ("/userinfo", "GET, POST"),
    ] {
        let (status, headers) = preflight(&app, path, APP, "POST").await;
        assert_eq!(status, 204, "{path}");
        assert_allowed(&headers, APP, path);
        assert_eq!(headers["access-control-allow-methods"], methods, "{path}");
        assert_eq!(
            headers["access-control-allow-headers"], "Authorization, Content-Type, DPoP",
            "{path}"
        );
        assert_eq!(headers["access-control-max-age"], "600", "{path}");
    }
}

#[tokio::test]
async fn an_origin_allowed_for_one_client_is_refused_with_another_clients_credentials() {
    let app = spawn_app().await;
    let a = public_client(&app, APP, &[]).await;
    let b = public_client(&app, OTHER, &[]).await;
    // B's real request from A's origin: refused, success and error alike.
    let grant = app.grant_refresh_token(&b, "openid").await;
    let (status, headers, _) =
        post(&app, "/token", APP, &refresh_form(&b, &grant.refresh_token)).await;
    assert_eq!(status, 200);
    assert_refused(&headers, "B's refresh from A's origin");
    let (status, headers, _) = post(&app, "/token", APP, &refresh_form(&b, "nope")).await;
    assert_eq!(status, 400);
    assert_refused(&headers, "B's error from A's origin");
    let (status, headers, _) = post(
        &app,
        "/revoke",
        APP,
        &[("client_id", &b), ("token", "nope")],
    )
    .await;
    assert_eq!(status, 200);
    assert_refused(&headers, "B's revocation from A's origin");
    let token_b = access_token(&app, &b).await;
    let (status, headers, _) = from(&app, Method::GET, "/userinfo", Some(APP), |r| {
        r.bearer_auth(&token_b)
    })
    .await;
    assert_eq!(status, 200);
    assert_refused(&headers, "B's token at userinfo from A's origin");
    // Each from its own origin is answered.
    let (_, headers, _) = post(
        &app,
        "/revoke",
        APP,
        &[("client_id", &a), ("token", "nope")],
    )
    .await;
    assert_allowed(&headers, APP, "A's revocation");
    let (_, headers, _) = from(&app, Method::GET, "/userinfo", Some(OTHER), |r| {
        r.bearer_auth(&token_b)
    })
    .await;
    assert_allowed(&headers, OTHER, "B's userinfo");
}

#[tokio::test]
async fn userinfo_answers_the_tokens_client_and_a_bad_token_to_registered_origins() {
    let app = spawn_app().await;
    let client = public_client(&app, APP, &[]).await;
    let token = access_token(&app, &client).await;
    for method in [Method::GET, Method::POST] {
        let (status, headers, _) = from(&app, method.clone(), "/userinfo", Some(APP), |r| {
            r.bearer_auth(&token)
        })
        .await;
        assert_eq!(status, 200, "{method}");
        assert_allowed(&headers, APP, "userinfo");
    }
    // The app must see the 401 (and its challenge) to know it should refresh.
    let (status, headers, _) = from(&app, Method::GET, "/userinfo", Some(APP), |r| {
        r.bearer_auth("not-a-token")
    })
    .await;
    assert_eq!(status, 401);
    assert_allowed(&headers, APP, "invalid token");
    let (_, headers, _) = from(&app, Method::GET, "/userinfo", Some(EVIL), |r| {
        r.bearer_auth("not-a-token")
    })
    .await;
    assert_refused(&headers, "invalid token from an unregistered origin");
    // Without Origin (not a browser) nothing changes but Vary.
    let (status, headers, _) = from(&app, Method::GET, "/userinfo", None, |r| {
        r.bearer_auth(&token)
    })
    .await;
    assert_eq!(status, 200);
    assert_eq!(allowed(&headers), None);
}

#[tokio::test]
async fn a_confidential_client_gets_no_cors_at_token_unless_an_origin_is_set_for_it() {
    let app = spawn_app().await;
    let (id, secret) = app
        .create_client(&["--name", "Web", "--redirect-uri", &format!("{APP}/cb")])
        .await;
    let secret = secret.unwrap();
    let grant = app.grant_refresh_token(&id, "openid").await;
    let refresh = |token: String| {
        let (id, secret) = (id.clone(), secret.clone());
        let app = &app;
        async move {
            from(app, Method::POST, "/token", Some(APP), |r| {
                r.basic_auth(&id, Some(&secret)).form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", token.as_str()),
                ])
            })
            .await
        }
    };
    let (status, headers, body) = refresh(grant.refresh_token.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_refused(&headers, "a browser holding a client secret");
    let access: serde_json::Value = serde_json::from_str(&body).unwrap();
    let refreshed = access["refresh_token"].as_str().unwrap().to_string();
    // Its tokens at userinfo are the client's redirect origins' to read.
    let (status, headers, _) = from(&app, Method::GET, "/userinfo", Some(APP), |r| {
        r.bearer_auth(access["access_token"].as_str().unwrap())
    })
    .await;
    assert_eq!(status, 200);
    assert_allowed(&headers, APP, "userinfo of a confidential client's token");
    // Set explicitly, the origin is answered at /token too.
    app.cli_json(
        &[
            "client",
            "update",
            "--client-id",
            &id,
            "--allowed-origin",
            APP,
            "--json",
        ],
        None,
    )
    .await;
    app.catch_up().await;
    let (status, headers, body) = refresh(refreshed).await;
    assert_eq!(status, 200, "{body}");
    assert_allowed(&headers, APP, "an explicit origin");
}

#[tokio::test]
async fn allowed_origins_set_at_create_and_update_replace_the_redirect_origins() {
    let app = spawn_app().await;
    let client = public_client(&app, APP, &["--allowed-origin", OTHER]).await;
    let answered = |origin: &'static str| {
        let app = &app;
        let client = client.clone();
        async move {
            let (_, headers, _) = post(app, "/token", origin, &refresh_form(&client, "nope")).await;
            allowed(&headers).is_some()
        }
    };
    assert!(answered(OTHER).await);
    assert!(
        !answered(APP).await,
        "the explicit list replaces the default"
    );
    let listed = app.cli_json(&["client", "list", "--json"], None).await;
    assert_eq!(listed[0]["allowed_origins"], serde_json::json!([OTHER]));

    let updated = app
        .cli_json(
            &[
                "client",
                "update",
                "--client-id",
                &client,
                "--allowed-origin",
                "https://Third.example/",
                "--allowed-origin",
                APP,
                "--json",
            ],
            None,
        )
        .await;
    assert_eq!(
        updated["allowed_origins"],
        serde_json::json!(["https://third.example", APP])
    );
    app.catch_up().await;
    assert!(answered("https://third.example").await);
    assert!(answered(APP).await);
    assert!(!answered(OTHER).await);
    let (_, headers) = preflight(&app, "/token", "https://third.example", "POST").await;
    assert_allowed(&headers, "https://third.example", "preflight after update");

    let updated = app
        .cli_json(
            &[
                "client",
                "update",
                "--client-id",
                &client,
                "--no-allowed-origins",
                "--json",
            ],
            None,
        )
        .await;
    assert_eq!(updated["allowed_origins"], serde_json::json!([]));
    app.catch_up().await;
    assert!(!answered(APP).await);
    app.cli_json(
        &[
            "client",
            "update",
            "--client-id",
            &client,
            "--default-allowed-origins",
            "--json",
        ],
        None,
    )
    .await;
    app.catch_up().await;
    assert!(answered(APP).await, "back to the redirect URIs' origins");
}

#[tokio::test]
async fn the_cli_refuses_an_origin_that_is_not_bare_and_an_unknown_client() {
    let app = spawn_app().await;
    let out = app
        .cli(
            &[
                "client",
                "create",
                "--name",
                "SPA",
                "--public",
                "--redirect-uri",
                "https://app.example/cb",
                "--allowed-origin",
                "https://app.example/cb",
            ],
            None,
        )
        .await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--allowed-origin"), "{err}");
    let out = app
        .cli(
            &[
                "client",
                "update",
                "--client-id",
                "nobody",
                "--allowed-origin",
                APP,
            ],
            None,
        )
        .await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no client with id `nobody`"), "{err}");
    let out = app
        .cli(&["client", "update", "--client-id", "nobody"], None)
        .await;
    assert!(!out.status.success(), "update needs something to change");
}

#[tokio::test]
async fn introspection_and_the_pages_never_answer_cross_origin() {
    let app = spawn_app().await;
    let (id, secret) = app
        .create_client(&[
            "--name",
            "Backend",
            "--redirect-uri",
            &format!("{APP}/cb"),
            "--allowed-origin",
            APP,
        ])
        .await;
    let secret = secret.unwrap();
    let (status, headers, _) = from(&app, Method::POST, "/introspect", Some(APP), |r| {
        r.basic_auth(&id, Some(&secret)).form(&[("token", "x")])
    })
    .await;
    assert_eq!(status, 200);
    assert_eq!(allowed(&headers), None, "introspect");
    let (status, headers) = preflight(&app, "/introspect", APP, "POST").await;
    assert_eq!(status, 405, "no preflight for introspection");
    assert_eq!(allowed(&headers), None);
    for path in ["/authorize", "/login", "/consent", "/logout", "/healthz"] {
        let (_, headers, _) = from(&app, Method::GET, path, Some(APP), |r| r).await;
        assert_eq!(allowed(&headers), None, "{path}");
    }
}

#[tokio::test]
async fn the_device_authorization_endpoint_answers_only_its_clients_origins() {
    let app = spawn_app().await;
    let grant = [
        "--grant-type",
        "urn:ietf:params:oauth:grant-type:device_code",
    ];
    let a = public_client(&app, APP, &grant).await;
    let _b = public_client(&app, OTHER, &grant).await;
    let form = [("client_id", a.as_str()), ("scope", "openid")];
    let (status, headers, body) = post(&app, "/device_authorization", APP, &form).await;
    assert_eq!(status, 200, "{body}");
    assert_allowed(&headers, APP, "A's device authorization from A's origin");
    // B's origin is one some client allows, but this request is A's.
    let (status, headers, _) = post(&app, "/device_authorization", OTHER, &form).await;
    assert_eq!(status, 200);
    assert_refused(&headers, "A's device authorization from B's origin");
}
