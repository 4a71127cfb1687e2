//! Dynamic client registration (RFC 7591) and its management protocol (RFC 7592): who may
//! register in each `[registration] mode`, the metadata rules and their RFC 7591 §3.2.2 errors,
//! and a registered client running the code flow like any other. Every refused registration
//! stores nothing.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, REDIRECT, Rp, USERNAME, location};
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

/// What `/register` (or the client configuration endpoint) answered.
struct Answer {
    status: u16,
    www_authenticate: Option<String>,
    body: Value,
}

impl Answer {
    fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }
    fn description(&self) -> &str {
        self.body["error_description"].as_str().unwrap_or("")
    }
}

async fn send(req: reqwest::RequestBuilder) -> Answer {
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let www_authenticate = r
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string());
    let text = r.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        www_authenticate,
        body,
    }
}

async fn app_in(mode: &str, extra: &str) -> TestApp {
    spawn_app_with(Options::toml(&format!(
        "[registration]\nmode = \"{mode}\"\n{extra}"
    )))
    .await
}

/// `POST /register` with `metadata`, as Bearer `token` when given.
async fn register(app: &TestApp, token: Option<&str>, metadata: &Value) -> Answer {
    let mut req = reqwest::Client::new()
        .post(app.url("/register"))
        .json(metadata);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    send(req).await
}

/// A web application's metadata.
fn web_app() -> Value {
    json!({
        "client_name": "Photo Printer",
        "redirect_uris": [REDIRECT],
        "client_uri": "https://printer.example.com",
        "logo_uri": "https://printer.example.com/logo.png",
        "contacts": ["ops@printer.example.com"],
        "software_id": "photo-printer",
        "software_version": "2.1",
        "an_extension_tessera_does_not_know": "ignored",
    })
}

/// How many clients exist, as `client list --json` says.
async fn client_count(app: &TestApp) -> usize {
    app.cli_json(&["client", "list", "--json"], None)
        .await
        .as_array()
        .expect("a list")
        .len()
}

/// `registration token create --json` with `args`: the token.
async fn initial_token(app: &TestApp, args: &[&str]) -> String {
    let mut full = vec!["registration", "token", "create", "--json"];
    full.extend_from_slice(args);
    let v = app.cli_json(&full, None).await;
    let mut keys: Vec<&String> = v.as_object().expect("an object").keys().collect();
    keys.sort();
    assert_eq!(keys, ["expires_at", "initial_access_token"], "{v}");
    assert!(v["expires_at"].as_i64().unwrap() > app.now());
    v["initial_access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn registration_is_off_by_default_and_not_advertised() {
    let app = spawn_app().await;
    let discovery = app.get_json("/.well-known/openid-configuration").await;
    assert!(discovery.get("registration_endpoint").is_none());
    let a = register(&app, None, &web_app()).await;
    assert_eq!(a.status, 404);
    assert_eq!(client_count(&app).await, 0);
}

#[tokio::test]
async fn an_open_registration_answers_201_and_the_client_runs_the_code_flow_with_consent() {
    let app = app_in("open", "").await;
    for doc in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let d = app.get_json(doc).await;
        assert_eq!(d["registration_endpoint"], app.url("/register"), "{doc}");
    }
    let a = register(&app, None, &web_app()).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let c = &a.body;
    let client_id = c["client_id"].as_str().unwrap().to_string();
    let secret = c["client_secret"].as_str().expect("a secret").to_string();
    assert_eq!(c["client_secret_expires_at"], 0);
    assert!(c["client_id_issued_at"].as_i64().unwrap() >= app.now() - 5);
    assert!(c["registration_access_token"].as_str().unwrap().len() >= 32);
    assert_eq!(
        c["registration_client_uri"],
        app.url(&format!("/register/{client_id}"))
    );
    assert_eq!(c["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(
        c["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(c["response_types"], json!(["code"]));
    assert_eq!(c["scope"], "email offline_access openid profile");
    assert_eq!(c["redirect_uris"], json!([REDIRECT]));
    assert_eq!(c["client_uri"], "https://printer.example.com");
    assert_eq!(c["contacts"], json!(["ops@printer.example.com"]));
    assert_eq!(c["software_version"], "2.1");
    assert!(c.get("an_extension_tessera_does_not_know").is_none());

    // A registered client is never first-party: the person is asked.
    app.create_user(USERNAME, PASSWORD).await;
    let rp = Rp {
        client_id: client_id.clone(),
        secret: Some(secret),
        redirect_uri: REDIRECT.into(),
    };
    let pkce = Pkce::new();
    let r = app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    assert_eq!(location(&r), "/login");
    let r = app.login(USERNAME, PASSWORD).await;
    assert_eq!(location(&r), "/consent");
    let r = app.consent("allow").await;
    let code = crate::common::flow::callback(&r)["code"].clone();
    let (status, tokens) = app.exchange(&rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["id_token"].is_string());

    // The operator sees how it was registered.
    let list = app.cli_json(&["client", "list", "--json"], None).await;
    assert_eq!(list[0]["client_id"], client_id.as_str());
    assert_eq!(list[0]["registered_by"], "dynamic");
    assert_eq!(list[0]["first_party"], false);
    let text = app.cli(&["client", "list"], None).await;
    assert!(String::from_utf8_lossy(&text.stdout).contains("\tdynamic\t"));
}

#[tokio::test]
async fn a_public_client_gets_no_secret_and_a_service_no_redirect_uri() {
    let app = app_in("open", "").await;
    let a = register(
        &app,
        None,
        &json!({"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "none"}),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert!(a.body.get("client_secret").is_none());
    assert!(a.body.get("client_secret_expires_at").is_none());
    // No client_name: people are shown its client_id.
    assert_eq!(a.body["client_name"], a.body["client_id"]);
    let a = register(
        &app,
        None,
        &json!({"grant_types": ["client_credentials"], "response_types": [], "scope": "openid"}),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(a.body["response_types"], json!([]));
    let (id, secret) = (
        a.body["client_id"].as_str().unwrap(),
        a.body["client_secret"].as_str().unwrap(),
    );
    app.client_credentials_token(id, secret).await;
}

#[tokio::test]
async fn token_mode_needs_a_live_initial_access_token() {
    let app = app_in("token", "").await;
    let a = register(&app, None, &web_app()).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.error(), "invalid_token");
    assert!(a.www_authenticate.unwrap().starts_with("Bearer"));
    let a = register(&app, Some("not-a-token"), &web_app()).await;
    assert_eq!((a.status, a.error()), (401, "invalid_token"));

    let once = initial_token(&app, &[]).await;
    let a = register(&app, Some(&once), &web_app()).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let a = register(&app, Some(&once), &web_app()).await;
    assert_eq!((a.status, a.error()), (401, "invalid_token"));
    assert!(a.description().contains("used up"), "{}", a.description());

    let short = initial_token(&app, &["--expires-in", "1h", "--uses", "5"]).await;
    app.advance(Duration::from_secs(3601));
    let a = register(&app, Some(&short), &web_app()).await;
    assert_eq!((a.status, a.error()), (401, "invalid_token"));
    assert!(a.description().contains("expired"), "{}", a.description());
    assert_eq!(client_count(&app).await, 1);
}

#[tokio::test]
async fn a_refused_registration_does_not_spend_the_initial_access_token() {
    let app = app_in("token", "").await;
    let once = initial_token(&app, &["--uses", "1"]).await;
    let bad = json!({"redirect_uris": ["https://rp.example.com/cb#fragment"]});
    let a = register(&app, Some(&once), &bad).await;
    assert_eq!((a.status, a.error()), (400, "invalid_redirect_uri"));
    let a = register(&app, Some(&once), &web_app()).await;
    assert_eq!(a.status, 201, "{}", a.body);
}

#[tokio::test]
async fn concurrent_registrations_never_exceed_an_initial_access_tokens_uses() {
    let app = app_in("token", "").await;
    let token = initial_token(&app, &["--uses", "3"]).await;
    let sends = (0..12).map(|_| {
        let req = reqwest::Client::new()
            .post(app.url("/register"))
            .bearer_auth(&token)
            .json(&web_app());
        tokio::spawn(async move { req.send().await.expect("register").status().as_u16() })
    });
    let mut created = 0;
    for task in sends.collect::<Vec<_>>() {
        match task.await.unwrap() {
            201 => created += 1,
            401 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(created, 3);
    assert_eq!(client_count(&app).await, 3);
}

#[tokio::test]
async fn an_access_token_with_clients_write_may_register() {
    let app = app_in("token", "").await;
    app.create_role("registrar", &["clients:write"]).await;
    let (robot, robot_secret) = app.service_client(&[]).await;
    let (other, other_secret) = app.service_client(&[]).await;
    app.add_client_role(&robot, "registrar").await;
    let allowed = app.client_credentials_token(&robot, &robot_secret).await;
    let a = register(&app, Some(&allowed), &web_app()).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let denied = app.client_credentials_token(&other, &other_secret).await;
    let a = register(&app, Some(&denied), &web_app()).await;
    assert_eq!((a.status, a.error()), (403, "insufficient_scope"));
    assert_eq!(client_count(&app).await, 3);
}

#[tokio::test]
async fn open_registration_is_rate_limited_per_ip() {
    let app = app_in("open", "open_registrations_per_ip_per_hour = 2\n").await;
    for _ in 0..2 {
        assert_eq!(register(&app, None, &web_app()).await.status, 201);
    }
    let a = register(&app, None, &web_app()).await;
    assert_eq!(a.status, 429, "{}", a.body);
    app.advance(Duration::from_secs(1800));
    assert_eq!(register(&app, None, &web_app()).await.status, 201);
    assert_eq!(client_count(&app).await, 3);
}

/// `web_app()` with `key` set to `value` (`null` removes it).
fn with(key: &str, value: Value) -> Value {
    let mut m = web_app();
    if value.is_null() {
        m.as_object_mut().unwrap().remove(key);
    } else {
        m[key] = value;
    }
    m
}

#[tokio::test]
async fn bad_metadata_gets_the_rfc_7591_error_naming_the_field_and_stores_nothing() {
    let app = app_in("open", "open_registrations_per_ip_per_hour = 0\n").await;
    let jwk = json!({"keys": [{"kty": "EC", "crv": "P-256",
        "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]});
    let private = json!({"keys": [{"kty": "EC", "crv": "P-256",
        "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}]});
    let pkj = |extra: Value| {
        let mut m = with("token_endpoint_auth_method", json!("private_key_jwt"));
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        m
    };
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "fragment",
            with("redirect_uris", json!(["https://rp.example.com/cb#x"])),
            "invalid_redirect_uri",
            "redirect_uris",
        ),
        (
            "http on a public host",
            with("redirect_uris", json!(["http://rp.example.com/cb"])),
            "invalid_redirect_uri",
            "redirect_uris",
        ),
        (
            "no redirect uri for the code grant",
            with("redirect_uris", Value::Null),
            "invalid_redirect_uri",
            "redirect_uris",
        ),
        (
            "private_key_jwt without keys",
            pkj(json!({})),
            "invalid_client_metadata",
            "jwks",
        ),
        (
            "jwks and jwks_uri both",
            pkj(json!({"jwks": jwk, "jwks_uri": "https://printer.example.com/jwks"})),
            "invalid_client_metadata",
            "jwks",
        ),
        (
            "a private key in jwks",
            pkj(json!({"jwks": private})),
            "invalid_client_metadata",
            "jwks",
        ),
        (
            "jwks without private_key_jwt",
            with("jwks", jwk.clone()),
            "invalid_client_metadata",
            "jwks",
        ),
        (
            "an unknown auth method",
            with("token_endpoint_auth_method", json!("client_secret_jwt")),
            "invalid_client_metadata",
            "token_endpoint_auth_method",
        ),
        (
            "an unknown grant type",
            with("grant_types", json!(["password"])),
            "invalid_client_metadata",
            "grant_types",
        ),
        (
            "a public client with client_credentials",
            pkj(json!({"token_endpoint_auth_method": "none",
                "grant_types": ["client_credentials"]})),
            "invalid_client_metadata",
            "client_credentials",
        ),
        (
            "an implicit response type",
            with("response_types", json!(["id_token token"])),
            "invalid_client_metadata",
            "response_types",
        ),
        (
            "a response type without its grant",
            pkj(json!({"token_endpoint_auth_method": "client_secret_basic",
                "grant_types": ["client_credentials"], "response_types": ["code"]})),
            "invalid_client_metadata",
            "response_types",
        ),
        (
            "a scope beyond allowed_scopes",
            with("scope", json!("openid roles")),
            "invalid_client_metadata",
            "scope",
        ),
        (
            "an unknown id token algorithm",
            with("id_token_signed_response_alg", json!("HS256")),
            "invalid_client_metadata",
            "id_token_signed_response_alg",
        ),
        (
            "a logo over http",
            with("logo_uri", json!("http://printer.example.com/logo.png")),
            "invalid_client_metadata",
            "logo_uri",
        ),
        (
            "a policy that is not a URL",
            with("policy_uri", json!("privacy")),
            "invalid_client_metadata",
            "policy_uri",
        ),
        (
            "a client_uri over http",
            with("client_uri", json!("http://printer.example.com")),
            "invalid_client_metadata",
            "client_uri",
        ),
        (
            "an empty contact",
            with("contacts", json!([" "])),
            "invalid_client_metadata",
            "contacts",
        ),
        (
            "a backchannel logout uri over http",
            with("backchannel_logout_uri", json!("http://rp.example.com/bc")),
            "invalid_client_metadata",
            "backchannel_logout_uri",
        ),
        (
            "redirect_uris not a list",
            with("redirect_uris", json!(REDIRECT)),
            "invalid_client_metadata",
            "redirect_uris",
        ),
        (
            "a name of control characters",
            with("client_name", json!("\u{7}")),
            "invalid_client_metadata",
            "client_name",
        ),
        (
            "a post-logout redirect with a fragment",
            with(
                "post_logout_redirect_uris",
                json!(["https://rp.example.com/#x"]),
            ),
            "invalid_client_metadata",
            "post_logout_redirect_uris",
        ),
    ];
    for (what, metadata, error, field) in cases {
        let a = register(&app, None, &metadata).await;
        assert_eq!((a.status, a.error()), (400, error), "{what}: {}", a.body);
        assert!(
            a.description().contains(field),
            "{what}: {}",
            a.description()
        );
    }
    let not_json = send(
        reqwest::Client::new()
            .post(app.url("/register"))
            .header("content-type", "application/json")
            .body("{\"redirect_uris\": "),
    )
    .await;
    assert_eq!(
        (not_json.status, not_json.error()),
        (400, "invalid_client_metadata")
    );
    let a_form = send(
        reqwest::Client::new()
            .post(app.url("/register"))
            .form(&[("redirect_uris", REDIRECT)]),
    )
    .await;
    assert_eq!(
        (a_form.status, a_form.error()),
        (400, "invalid_client_metadata")
    );
    assert_eq!(client_count(&app).await, 0);
}

#[tokio::test]
async fn a_megabyte_of_metadata_is_refused_and_stores_nothing() {
    let app = app_in("open", "").await;
    let huge = with("client_name", json!("x".repeat(1 << 20)));
    let a = register(&app, None, &huge).await;
    assert_eq!(a.status, 413);
    assert_eq!(client_count(&app).await, 0);
}

#[tokio::test]
async fn the_registration_access_token_reads_replaces_and_deletes_only_its_own_client() {
    let app = app_in("open", "").await;
    let a = register(
        &app,
        None,
        &json!({"client_name": "Robot", "grant_types": ["client_credentials"],
            "response_types": [], "scope": "openid"}),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let b = register(&app, None, &web_app()).await;
    let id = a.body["client_id"].as_str().unwrap().to_string();
    let secret = a.body["client_secret"].as_str().unwrap().to_string();
    let token = a.body["registration_access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let uri = a.body["registration_client_uri"]
        .as_str()
        .unwrap()
        .to_string();
    let b_token = b.body["registration_access_token"].as_str().unwrap();
    let http = reqwest::Client::new();

    // RFC 7592 §2.1: read with its own token; another client's token, none, or an unknown
    // client are all invalid_token.
    let read = send(http.get(&uri).bearer_auth(&token)).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["client_name"], "Robot");
    assert!(read.body.get("client_secret").is_none());
    assert_eq!(read.body["registration_client_uri"], uri.as_str());
    for req in [
        http.get(&uri).bearer_auth(b_token),
        http.get(&uri),
        http.get(app.url("/register/nobody")).bearer_auth(&token),
        http.delete(&uri).bearer_auth(b_token),
    ] {
        let a = send(req).await;
        assert_eq!((a.status, a.error()), (401, "invalid_token"), "{}", a.body);
    }

    // §2.2: the whole metadata replaces it; the client_id must be its own.
    let mut update = json!({"client_id": id, "client_name": "Robot 2",
        "grant_types": ["client_credentials"], "response_types": [], "scope": "openid"});
    let put = send(http.put(&uri).bearer_auth(&token).json(&update)).await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["client_name"], "Robot 2");
    assert!(
        put.body.get("client_secret").is_none(),
        "the secret is kept"
    );
    update["client_id"] = json!("someone-else");
    let a = send(http.put(&uri).bearer_auth(&token).json(&update)).await;
    assert_eq!((a.status, a.error()), (400, "invalid_client_metadata"));
    update["client_id"] = json!(id);
    update["scope"] = json!("openid roles");
    let a = send(http.put(&uri).bearer_auth(&token).json(&update)).await;
    assert_eq!((a.status, a.error()), (400, "invalid_client_metadata"));
    let list = app.cli_json(&["client", "list", "--json"], None).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == id.as_str())
        .expect("listed");
    assert_eq!(row["name"], "Robot 2");
    assert_eq!(row["scope"], "openid");

    // §2.3: deleted, it stops working at once.
    app.client_credentials_token(&id, &secret).await;
    let del = send(http.delete(&uri).bearer_auth(&token)).await;
    assert_eq!(del.status, 204);
    let t = app
        .post_form(
            "/token",
            Some((&id, &secret)),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!((t.status, t.error()), (401, "invalid_client"));
    let a = send(http.get(&uri).bearer_auth(&token)).await;
    assert_eq!(a.status, 401);
    assert_eq!(client_count(&app).await, 1);
}

#[tokio::test]
async fn operator_clients_cannot_be_managed_over_http_and_the_cli_manages_dynamic_ones() {
    let app = app_in("open", "").await;
    let (operator_id, _) = app.service_client(&[]).await;
    let a = send(
        reqwest::Client::new()
            .get(app.url(&format!("/register/{operator_id}")))
            .bearer_auth("anything"),
    )
    .await;
    assert_eq!((a.status, a.error()), (401, "invalid_token"));
    let reg = register(&app, None, &web_app()).await;
    let id = reg.body["client_id"].as_str().unwrap();
    app.cli_json(&["client", "delete", "--client-id", id, "--json"], None)
        .await;
    assert_eq!(client_count(&app).await, 1);
}

#[tokio::test]
async fn a_client_deleted_over_rfc_7592_is_refused_by_every_instance() {
    let app = app_in("open", "").await;
    let peer = crate::common::cluster::spawn_peer(&app, "[registration]\nmode = \"open\"\n").await;
    let a = register(
        &app,
        None,
        &json!({"grant_types": ["client_credentials"], "response_types": [], "scope": "openid"}),
    )
    .await;
    let id = a.body["client_id"].as_str().unwrap();
    let secret = a.body["client_secret"].as_str().unwrap();
    let token_at_peer = || async {
        peer.http
            .post(peer.url("/token"))
            .basic_auth(id, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    // The peer has the client in its cache.
    assert_eq!(token_at_peer().await, 200);
    let del = send(
        reqwest::Client::new()
            .delete(a.body["registration_client_uri"].as_str().unwrap())
            .bearer_auth(a.body["registration_access_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(del.status, 204);
    // Its next read of the change counter (every `cache.refresh_interval`) drops it.
    peer.catch_up().await;
    assert_eq!(token_at_peer().await, 401);
}

/// A service that exchanges tokens (RFC 8693) asks for the grant and its audiences in the
/// metadata: honoured when the operator authorized the registration, refused from a client that
/// registered itself, and never changed by the client afterwards.
#[tokio::test]
async fn only_an_operator_authorized_registration_names_token_exchange_audiences() {
    let service = json!({
        "client_name": "Orders gateway",
        "grant_types": ["urn:ietf:params:oauth:grant-type:token-exchange"],
        "token_endpoint_auth_method": "client_secret_basic",
        "token_exchange_audiences": ["https://reports.example.com"],
    });

    let app = app_in("token", "").await;
    let token = initial_token(&app, &[]).await;
    let a = register(&app, Some(&token), &service).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    assert_eq!(
        a.body["token_exchange_audiences"],
        json!(["https://reports.example.com"])
    );
    let id = a.body["client_id"].as_str().unwrap().to_string();
    let listed = app.cli_json(&["client", "list", "--json"], None).await;
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == id.as_str())
        .expect("listed");
    assert_eq!(
        row["token_exchange_audiences"],
        json!(["https://reports.example.com"])
    );

    // The client may not widen them itself (RFC 7592 PUT).
    let rat = a.body["registration_access_token"].as_str().unwrap();
    let mut wider = service.clone();
    wider["client_id"] = json!(id);
    wider["token_exchange_audiences"] = json!(["https://billing.example.com"]);
    let put = send(
        reqwest::Client::new()
            .put(app.url(&format!("/register/{id}")))
            .bearer_auth(rat)
            .json(&wider),
    )
    .await;
    assert_eq!(put.status, 400);
    assert_eq!(put.error(), "invalid_client_metadata");
    assert!(
        put.description().contains("token_exchange_audiences"),
        "{}",
        put.description()
    );

    // In open mode nobody vouched for the client: no audiences, nothing stored.
    let open = app_in("open", "").await;
    let before = client_count(&open).await;
    let refused = register(&open, None, &service).await;
    assert_eq!(refused.status, 400, "{:?}", refused.body);
    assert_eq!(refused.error(), "invalid_client_metadata");
    assert!(refused.description().contains("token_exchange_audiences"));
    assert_eq!(client_count(&open).await, before);
}
