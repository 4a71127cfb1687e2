//! Pairwise subject identifiers (OpenID Connect Core §8.1): a pairwise client sees one `sub`
//! for a person, the same in the ID token, the access token, userinfo, introspection and the
//! logout token, and accepted back in an `id_token_hint`; another sector sees another, the same
//! sector the same, and a restart changes nothing. The sector is the redirect URIs' one host or
//! the sector identifier URI's, whose document must list every redirect URI.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::common::flow::{
    AuthRequest, PASSWORD, Pkce, REDIRECT, Rp, USERNAME, jwt_claims, location,
};
use crate::common::{Options, TestApp, eventually, spawn_app, spawn_app_with};

const POST_LOGOUT: &str = "https://rp.example.com/signed-out";

/// A first-party client created with `client create` and `extra` flags, redirecting to `uri`.
async fn client(app: &TestApp, uri: &str, extra: &[&str]) -> Rp {
    let mut args = vec![
        "--name",
        "Pairwise RP",
        "--first-party",
        "--redirect-uri",
        uri,
    ];
    args.extend_from_slice(extra);
    let (client_id, secret) = app.create_client(&args).await;
    Rp {
        client_id,
        secret,
        redirect_uri: uri.to_string(),
    }
}

/// A code flow for `rp` in the app's browser session (signing in if needed): the token answer.
async fn tokens(app: &TestApp, rp: &Rp, first: bool) -> Value {
    let pkce = Pkce::new();
    let req = AuthRequest::new(rp, &pkce).set("scope", Some("openid offline_access"));
    let code = if first {
        app.code_via_login(&req).await["code"].clone()
    } else {
        // Signed in already; the callback may be on another host than `callback` expects.
        let loc = location(&app.authorize(&req).await);
        assert!(loc.starts_with(&rp.redirect_uri), "{loc}");
        let url = url::Url::parse(&loc).unwrap();
        let code = url.query_pairs().find(|(k, _)| k == "code");
        code.expect("a code").1.into_owned()
    };
    let (status, body) = app.exchange(rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn id_token_sub(tokens: &Value) -> String {
    jwt_claims(tokens["id_token"].as_str().unwrap())["sub"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Records the logout tokens a back-channel logout endpoint receives.
async fn logout_receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    async fn receive(State(seen): State<Arc<Mutex<Vec<String>>>>, body: String) {
        if let Some((_, t)) =
            form_urlencoded::parse(body.as_bytes()).find(|(k, _)| k == "logout_token")
        {
            seen.lock().unwrap().push(t.into_owned());
        }
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route("/bc", post(receive))
        .with_state(seen.clone());
    (format!("{}/bc", crate::common::serve(app).await), seen)
}

#[tokio::test]
async fn a_pairwise_client_sees_one_sub_everywhere_and_other_sectors_another() {
    let app = spawn_app().await;
    let user_id = app.create_user(USERNAME, PASSWORD).await;
    let (bc_uri, logout_tokens) = logout_receiver().await;
    let rp = client(
        &app,
        REDIRECT,
        &[
            "--subject-type",
            "pairwise",
            "--backchannel-logout-uri",
            &bc_uri,
            "--post-logout-redirect-uri",
            POST_LOGOUT,
        ],
    )
    .await;
    let t = tokens(&app, &rp, true).await;
    let sub = id_token_sub(&t);
    assert_ne!(sub, user_id, "a pairwise sub is not the person's id");
    assert_eq!(sub.len(), 43, "base64url of 32 bytes: {sub}");
    let access = t["access_token"].as_str().unwrap();
    assert_eq!(jwt_claims(access)["sub"], sub.as_str(), "RFC 9068 sub");
    assert_eq!(app.userinfo(access).await["sub"], sub.as_str());
    let secret = rp.secret.as_deref().unwrap();
    let refresh = t["refresh_token"].as_str().expect("a refresh token");
    for token in [access, refresh] {
        let i = app.introspect(&rp.client_id, secret, token).await;
        assert_eq!(i["active"], true, "{i}");
        assert_eq!(i["sub"], sub.as_str(), "{i}");
    }
    // A refreshed ID token and access token keep it.
    let r = app.refresh(&rp.client_id, secret, refresh).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(id_token_sub(&r.body), sub);
    let refreshed = r.body["access_token"].as_str().unwrap();
    assert_eq!(jwt_claims(refreshed)["sub"], sub.as_str());
    assert_eq!(app.userinfo(refreshed).await["sub"], sub.as_str());

    // The same sector (host) sees the same sub; another sector another; a public client the id.
    let same = client(
        &app,
        "https://rp.example.com/other",
        &["--subject-type", "pairwise"],
    )
    .await;
    assert_eq!(id_token_sub(&tokens(&app, &same, false).await), sub);
    let other = client(
        &app,
        "https://other.example.org/cb",
        &["--subject-type", "pairwise"],
    )
    .await;
    let other_sub = id_token_sub(&tokens(&app, &other, false).await);
    assert_ne!(other_sub, sub);
    assert_ne!(other_sub, user_id);
    let public = client(&app, "https://third.example.net/cb", &[]).await;
    assert_eq!(id_token_sub(&tokens(&app, &public, false).await), user_id);

    // The pairwise ID token is a hint of this session: sign-out without a question, and the
    // logout token names the same sub.
    let hint = t["id_token"].as_str().unwrap();
    let r = app
        .http
        .get(app.url("/logout"))
        .query(&[
            ("id_token_hint", hint),
            ("post_logout_redirect_uri", POST_LOGOUT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), POST_LOGOUT);
    let delivered = eventually(10, || async {
        logout_tokens.lock().unwrap().first().cloned()
    })
    .await
    .expect("a logout token");
    assert_eq!(jwt_claims(&delivered)["sub"], sub.as_str());
}

#[tokio::test]
async fn a_pairwise_sub_is_stable_across_a_restart() {
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = client(&app, REDIRECT, &["--subject-type", "pairwise"]).await;
    let before = id_token_sub(&tokens(&app, &rp, true).await);
    let app = app.restart().await;
    let t = tokens(&app, &rp, true).await;
    assert_eq!(id_token_sub(&t), before);
    let access = t["access_token"].as_str().unwrap();
    assert_eq!(app.userinfo(access).await["sub"], before.as_str());
}

/// Serves `document` at `/sector.json` on loopback; returns its URL.
async fn sector_document(document: Value) -> String {
    let app = Router::new().route(
        "/sector.json",
        get(move || {
            let document = document.clone();
            async move { axum::Json(document) }
        }),
    );
    format!("{}/sector.json", crate::common::serve(app).await)
}

/// A loopback URL that accepts connections and never answers.
async fn silent_url() -> String {
    let listener = crate::common::bind_loopback().await;
    let url = format!("http://{}/sector.json", listener.local_addr().unwrap());
    // Held (never accepted) until the test ends.
    std::mem::forget(listener);
    url
}

async fn register(app: &TestApp, metadata: &Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(app.url("/register"))
        .json(metadata)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn client_count(app: &TestApp) -> usize {
    app.cli_json(&["client", "list", "--json"], None)
        .await
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn registration_takes_a_pairwise_client_and_checks_its_sector() {
    let app = spawn_app_with(Options::toml("[registration]\nmode = \"open\"\n")).await;
    let two_hosts = json!(["https://a.example.com/cb", "https://b.example.com/cb"]);
    let refused = |status: u16, body: &Value, field: &str| {
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"], "invalid_client_metadata", "{body}");
        let d = body["error_description"].as_str().unwrap();
        assert!(d.contains(field), "{field}: {d}");
    };
    // Redirect URIs on two hosts and no sector identifier URI: no sector.
    let (s, b) = register(
        &app,
        &json!({"redirect_uris": two_hosts, "subject_type": "pairwise"}),
    )
    .await;
    refused(s, &b, "subject_type");
    // A sector identifier URI for a public client, an unknown subject type.
    let uri = sector_document(two_hosts.clone()).await;
    let (s, b) = register(
        &app,
        &json!({"redirect_uris": two_hosts, "sector_identifier_uri": uri}),
    )
    .await;
    refused(s, &b, "sector_identifier_uri");
    let (s, b) = register(
        &app,
        &json!({"redirect_uris": [REDIRECT], "subject_type": "random"}),
    )
    .await;
    refused(s, &b, "subject_type");
    // A document that does not list a redirect URI; one that is not an array; no answer.
    let partial = sector_document(json!(["https://a.example.com/cb"])).await;
    let not_a_list = sector_document(json!({"redirect_uris": two_hosts})).await;
    let silent = silent_url().await;
    for (doc, why) in [
        (&partial, "https://b.example.com/cb"),
        (&not_a_list, "JSON array"),
        (&silent, "did not answer"),
    ] {
        let (s, b) = register(
            &app,
            &json!({"redirect_uris": two_hosts, "subject_type": "pairwise", "sector_identifier_uri": doc}),
        )
        .await;
        refused(s, &b, "sector_identifier_uri");
        refused(s, &b, why);
    }
    assert_eq!(client_count(&app).await, 0, "nothing stored");

    // A document listing both: registered, echoed, and its host is the sector.
    let (s, b) = register(
        &app,
        &json!({"redirect_uris": two_hosts, "subject_type": "pairwise", "sector_identifier_uri": uri,
                "token_endpoint_auth_method": "none"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["subject_type"], "pairwise");
    assert_eq!(b["sector_identifier_uri"], uri.as_str());
    let (s, b) = register(&app, &json!({"redirect_uris": [REDIRECT]})).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["subject_type"], "public");
    assert!(b.get("sector_identifier_uri").is_none());
}

#[tokio::test]
async fn client_create_checks_the_sector_like_registration() {
    let app = spawn_app().await;
    let fails = |args: Vec<String>, needle: &'static str| {
        let app = &app;
        async move {
            let mut full = vec![
                "client".to_string(),
                "create".into(),
                "--name".into(),
                "X".into(),
            ];
            full.extend(args);
            let refs: Vec<&str> = full.iter().map(String::as_str).collect();
            let out = app.cli(&refs, None).await;
            assert!(!out.status.success());
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(needle), "{needle}: {err}");
        }
    };
    let two = |extra: &[&str]| {
        let mut v: Vec<String> = [
            "--redirect-uri",
            "https://a.example.com/cb",
            "--redirect-uri",
            "https://b.example.com/cb",
            "--subject-type",
            "pairwise",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    fails(two(&[]), "--sector-identifier-uri").await;
    let partial = sector_document(json!(["https://a.example.com/cb"])).await;
    fails(
        two(&["--sector-identifier-uri", &partial]),
        "https://b.example.com/cb",
    )
    .await;
    assert_eq!(client_count(&app).await, 0);
    let both = sector_document(json!([
        "https://a.example.com/cb",
        "https://b.example.com/cb"
    ]))
    .await;
    let (id, _) = app
        .create_client(&[
            "--name",
            "Two hosts",
            "--redirect-uri",
            "https://a.example.com/cb",
            "--redirect-uri",
            "https://b.example.com/cb",
            "--subject-type",
            "pairwise",
            "--sector-identifier-uri",
            &both,
        ])
        .await;
    let list = app.cli_json(&["client", "list", "--json"], None).await;
    assert_eq!(list[0]["client_id"], id.as_str());
    assert_eq!(list[0]["subject_type"], "pairwise");
    assert_eq!(list[0]["sector_identifier_uri"], both.as_str());
}
