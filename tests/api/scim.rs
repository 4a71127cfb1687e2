//! SCIM 2.0 (issue 21): provisioning over HTTP, authorised by a client_credentials token of a
//! service account holding a role with `scim:read` / `scim:write`. Every rule of the issue and
//! every item of its "Bad input" list, asserted on what comes back over HTTP.

use serde_json::{Value, json};

use crate::common::flow::{AuthRequest, Pkce, location};
use crate::common::grants::Answer;
use crate::common::{Options, TestApp, spawn_app, spawn_app_with};

const SCIM_JSON: &str = "application/scim+json";
const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const PASSWORD: &str = "a long provisioned passphrase 7Q";

/// A service account holding `permissions`, and its access token.
async fn token_with(app: &TestApp, role: &str, permissions: &[&str]) -> String {
    app.create_role(role, permissions).await;
    let (id, secret) = app.service_client(&[]).await;
    app.add_client_role(&id, role).await;
    app.catch_up().await;
    app.client_credentials_token(&id, &secret).await
}

/// A token holding both SCIM permissions.
async fn admin(app: &TestApp) -> String {
    token_with(app, "provisioner", &["scim:read", "scim:write"]).await
}

/// One SCIM request; `body` goes as application/scim+json.
async fn call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut req = app
        .http
        .request(method, app.url(&format!("/scim/v2{path}")))
        .bearer_auth(token);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.header("content-type", SCIM_JSON).body(b.to_string());
    }
    Answer::read(req.send().await.expect("SCIM request")).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> Answer {
    call(app, token, reqwest::Method::GET, path, None, &[]).await
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Answer {
    call(app, token, reqwest::Method::POST, path, Some(&body), &[]).await
}

async fn patch(
    app: &TestApp,
    token: &str,
    path: &str,
    ops: Value,
    headers: &[(&str, &str)],
) -> Answer {
    let body = json!({"schemas": [PATCH_SCHEMA], "Operations": ops});
    call(
        app,
        token,
        reqwest::Method::PATCH,
        path,
        Some(&body),
        headers,
    )
    .await
}

/// Asserts a SCIM error response (RFC 7644 §3.12).
fn assert_error(a: &Answer, status: u16, scim_type: Option<&str>) {
    assert_eq!(a.status, status, "{}", a.body);
    assert_eq!(a.body["schemas"], json!([ERROR_SCHEMA]), "{}", a.body);
    assert_eq!(a.body["status"], status.to_string(), "{}", a.body);
    assert!(a.body["detail"].is_string(), "{}", a.body);
    match scim_type {
        Some(t) => assert_eq!(a.body["scimType"], t, "{}", a.body),
        None => assert!(a.body.get("scimType").is_none(), "{}", a.body),
    }
    assert_eq!(content_type(a), SCIM_JSON);
}

fn content_type(a: &Answer) -> &str {
    a.headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn user(name: &str) -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "userName": name,
        "name": {"givenName": "Barbara", "familyName": "Jensen", "formatted": "Barbara Jensen"},
        "displayName": "Babs",
        "emails": [{"value": format!("{name}@example.com"), "type": "work", "primary": true}],
        "externalId": format!("ext-{name}"),
    })
}

async fn create_user(app: &TestApp, token: &str, name: &str) -> String {
    let a = post(app, token, "/Users", user(name)).await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["id"].as_str().expect("id").to_string()
}

async fn total(app: &TestApp, token: &str, resource: &str) -> i64 {
    get(app, token, resource).await.body["totalResults"]
        .as_i64()
        .expect("totalResults")
}

#[tokio::test]
async fn discovery_documents_state_what_is_supported() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let spc = get(&app, &token, "/ServiceProviderConfig").await;
    assert_eq!(spc.status, 200);
    assert_eq!(content_type(&spc), SCIM_JSON);
    assert_eq!(spc.body["patch"]["supported"], true);
    assert_eq!(
        spc.body["filter"],
        json!({"supported": true, "maxResults": 200})
    );
    assert_eq!(spc.body["etag"]["supported"], true);
    assert_eq!(spc.body["sort"]["supported"], true);
    assert_eq!(spc.body["bulk"]["supported"], false);
    let types = get(&app, &token, "/ResourceTypes").await;
    assert_eq!(types.body["totalResults"], 2);
    assert_eq!(
        get(&app, &token, "/ResourceTypes/User").await.body["endpoint"],
        "/Users"
    );
    let schemas = get(&app, &token, "/Schemas").await;
    let ids: Vec<&str> = schemas.body["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [USER_SCHEMA, "urn:ietf:params:scim:schemas:core:2.0:Group"]
    );
    let one = get(&app, &token, &format!("/Schemas/{USER_SCHEMA}")).await;
    assert_eq!(one.body["name"], "User");
}

#[tokio::test]
async fn tokens_without_the_permission_get_scim_errors() {
    let app = spawn_app().await;
    let none = app
        .http
        .get(app.url("/scim/v2/Users"))
        .send()
        .await
        .unwrap();
    let none = Answer::read(none).await;
    assert_error(&none, 401, None);
    assert!(none.headers.contains_key("www-authenticate"));
    assert_error(&get(&app, "not-a-token", "/Users").await, 401, None);

    let (id, secret) = app.service_client(&[]).await;
    let plain = app.client_credentials_token(&id, &secret).await;
    assert_error(&get(&app, &plain, "/Users").await, 403, None);

    let reader = token_with(&app, "auditor", &["scim:read"]).await;
    assert_eq!(get(&app, &reader, "/Users").await.status, 200);
    assert_error(
        &post(&app, &reader, "/Users", user("bjensen")).await,
        403,
        None,
    );
    let writer = admin(&app).await;
    assert_eq!(
        total(&app, &writer, "/Users").await,
        0,
        "nothing was written"
    );
}

#[tokio::test]
async fn users_round_trip_and_passwords_are_never_returned() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    app.create_role("staff", &["reports:read"]).await;
    let mut body = user("bjensen");
    body["password"] = PASSWORD.into();
    body["roles"] = json!([{"value": "staff"}]);
    let created = post(&app, &token, "/Users", body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(content_type(&created), SCIM_JSON);
    let id = created.body["id"].as_str().unwrap().to_string();
    let loc = created.headers["location"].to_str().unwrap();
    assert_eq!(loc, format!("{}/scim/v2/Users/{id}", app.issuer));
    assert_eq!(created.body["meta"]["location"], loc);
    assert_eq!(created.body["meta"]["resourceType"], "User");
    assert_eq!(created.headers["etag"], "W/\"1\"");
    assert_eq!(created.body["meta"]["version"], "W/\"1\"");
    assert!(created.body.get("password").is_none());
    assert_eq!(created.body["name"]["givenName"], "Barbara");
    assert_eq!(created.body["emails"][0]["value"], "bjensen@example.com");
    assert_eq!(created.body["roles"], json!([{"value": "staff"}]));
    assert_eq!(created.body["active"], true);

    // The id is the OIDC subject: a token for the person carries it as `sub`.
    let fetched = get(&app, &token, &format!("/Users/{id}")).await;
    assert_eq!(fetched.body, created.body);

    let mut replacement = user("bjensen");
    replacement["displayName"] = "Barbara J.".into();
    replacement["id"] = "ignored-read-only".into();
    let put = call(
        &app,
        &token,
        reqwest::Method::PUT,
        &format!("/Users/{id}"),
        Some(&replacement),
        &[],
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["id"], id.as_str());
    assert_eq!(put.body["displayName"], "Barbara J.");
    assert_eq!(put.headers["etag"], "W/\"2\"");
    assert!(put.body.get("roles").is_none(), "PUT replaces roles too");

    let patched = patch(
        &app,
        &token,
        &format!("/Users/{id}"),
        json!([
            {"op": "replace", "path": "name.givenName", "value": "Babs"},
            {"op": "add", "path": "roles", "value": [{"value": "staff"}]},
            {"op": "remove", "path": "externalId"},
        ]),
        &[],
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["name"]["givenName"], "Babs");
    assert_eq!(patched.body["name"]["familyName"], "Jensen");
    assert_eq!(patched.body["roles"], json!([{"value": "staff"}]));
    assert!(patched.body.get("externalId").is_none());

    let deleted = call(
        &app,
        &token,
        reqwest::Method::DELETE,
        &format!("/Users/{id}"),
        None,
        &[],
    )
    .await;
    assert_eq!(deleted.status, 204);
    assert_error(&get(&app, &token, &format!("/Users/{id}")).await, 404, None);
}

#[tokio::test]
async fn bad_input_gets_scim_errors_and_writes_nothing() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let id = create_user(&app, &token, "bjensen").await;

    // A userName that differs only in case from an existing one.
    assert_error(
        &post(&app, &token, "/Users", user("BJensen")).await,
        409,
        Some("uniqueness"),
    );
    // A PATCH path into a read-only attribute.
    let ro = patch(
        &app,
        &token,
        &format!("/Users/{id}"),
        json!([{"op": "add", "path": "groups", "value": [{"value": "x"}]}]),
        &[],
    )
    .await;
    assert_error(&ro, 400, Some("mutability"));
    let ro = patch(
        &app,
        &token,
        &format!("/Users/{id}"),
        json!([{"op": "replace", "path": "meta.created", "value": "x"}]),
        &[],
    )
    .await;
    assert_error(&ro, 400, Some("mutability"));
    // A user id that does not exist.
    assert_error(&get(&app, &token, "/Users/no-such-user").await, 404, None);
    let missing = patch(
        &app,
        &token,
        "/Users/no-such-user",
        json!([{"op": "replace", "path": "displayName", "value": "x"}]),
        &[],
    )
    .await;
    assert_error(&missing, 404, None);
    // An unknown role, a malformed address, a weak password, invalid JSON.
    let mut bad = user("role-less");
    bad["roles"] = json!([{"value": "no-such-role"}]);
    assert_error(
        &post(&app, &token, "/Users", bad).await,
        400,
        Some("invalidValue"),
    );
    let mut bad = user("bad-mail");
    bad["emails"] = json!([{"value": "not an address"}]);
    assert_error(
        &post(&app, &token, "/Users", bad).await,
        400,
        Some("invalidValue"),
    );
    let mut bad = user("weak");
    bad["password"] = "password".into();
    let weak = post(&app, &token, "/Users", bad).await;
    assert_error(&weak, 400, Some("invalidValue"));
    assert!(!weak.body.to_string().contains("\"password\""));
    let raw = app
        .http
        .post(app.url("/scim/v2/Users"))
        .bearer_auth(&token)
        .header("content-type", SCIM_JSON)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_error(&Answer::read(raw).await, 400, Some("invalidSyntax"));
    // A 1 MB body.
    let mut huge = user("huge");
    huge["displayName"] = "x".repeat(1 << 20).into();
    assert_error(&post(&app, &token, "/Users", huge).await, 413, None);
    // An unknown PATCH op and a remove without a path.
    let op = patch(
        &app,
        &token,
        &format!("/Users/{id}"),
        json!([{"op": "move", "path": "displayName"}]),
        &[],
    )
    .await;
    assert_error(&op, 400, Some("invalidSyntax"));
    let op = patch(
        &app,
        &token,
        &format!("/Users/{id}"),
        json!([{"op": "remove"}]),
        &[],
    )
    .await;
    assert_error(&op, 400, Some("noTarget"));

    assert_eq!(
        total(&app, &token, "/Users").await,
        1,
        "nothing half-written stays"
    );
    let still = get(&app, &token, &format!("/Users/{id}")).await;
    assert_eq!(still.headers["etag"], "W/\"1\"", "the user did not change");
}

#[tokio::test]
async fn filters_sorting_paging_and_projection() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    for name in ["alice", "bob", "carol"] {
        create_user(&app, &token, name).await;
    }
    app.advance(std::time::Duration::from_secs(60));
    let dave = create_user(&app, &token, "dave").await;
    let q = |f: &str| format!("/Users?filter={}", urlencode(f));
    let names = |a: &Answer| -> Vec<String> {
        a.body["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["userName"].as_str().unwrap_or("-").to_string())
            .collect()
    };
    for (filter, want) in [
        (r#"userName eq "ALICE""#, vec!["alice"]),
        (r#"userName sw "c""#, vec!["carol"]),
        (
            r#"userName co "o" and not (userName eq "bob")"#,
            vec!["carol"],
        ),
        (
            r#"(userName eq "bob" or userName ew "ve") and active eq true"#,
            vec!["bob", "dave"],
        ),
        (r#"emails.value eq "Carol@Example.com""#, vec!["carol"]),
        (r#"emails[value sw "ali"]"#, vec!["alice"]),
        (
            r#"name.familyName eq "jensen" and externalId eq "ext-bob""#,
            vec!["bob"],
        ),
        (r#"userName eq "x' OR '1'='1""#, vec![]),
        (r#"userName co "%""#, vec![]),
    ] {
        let a = get(&app, &token, &q(filter)).await;
        assert_eq!(a.status, 200, "{filter}: {}", a.body);
        assert_eq!(names(&a), want, "{filter}");
        assert_eq!(a.body["totalResults"], want.len(), "{filter}");
    }
    let since = get(&app, &token, &format!("/Users/{dave}")).await.body["meta"]["created"]
        .as_str()
        .unwrap()
        .to_string();
    let later = get(
        &app,
        &token,
        &q(&format!("meta.lastModified ge \"{since}\"")),
    )
    .await;
    assert_eq!(names(&later), ["dave"]);

    let page = get(
        &app,
        &token,
        "/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=2",
    )
    .await;
    assert_eq!(names(&page), ["carol", "bob"]);
    assert_eq!(page.body["totalResults"], 4);
    assert_eq!(page.body["startIndex"], 2);
    assert_eq!(page.body["itemsPerPage"], 2);
    let capped = get(&app, &token, "/Users?count=100000").await;
    assert_eq!(capped.status, 200);

    let only = get(&app, &token, "/Users?attributes=userName&count=1").await;
    let r = &only.body["Resources"][0];
    assert!(
        r["id"].is_string() && r["userName"].is_string() && r.get("emails").is_none(),
        "{r}"
    );
    let without = get(
        &app,
        &token,
        "/Users?excludedAttributes=emails,name.givenName&count=1",
    )
    .await;
    let r = &without.body["Resources"][0];
    assert!(
        r.get("emails").is_none()
            && r["name"].get("givenName").is_none()
            && r["name"]["familyName"].is_string(),
        "{r}"
    );

    // An unknown attribute, a filter that does not parse, 1,000 nested parentheses.
    for bad in [
        r#"password eq "x""#.to_string(),
        r#"nickName eq "x""#.to_string(),
        r#"userName eq"#.to_string(),
        format!("{}userName pr{}", "(".repeat(1000), ")".repeat(1000)),
    ] {
        assert_error(
            &get(&app, &token, &q(&bad)).await,
            400,
            Some("invalidFilter"),
        );
    }
    assert_error(
        &get(&app, &token, "/Users?sortBy=password").await,
        400,
        Some("invalidValue"),
    );

    // The same query in a POST body (RFC 7644 §3.4.3).
    let search = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": "userName sw \"c\"",
        "attributes": ["userName"],
        "count": 10,
    });
    let found = post(&app, &token, "/Users/.search", search.clone()).await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(names(&found), ["carol"]);
    assert!(found.body["Resources"][0].get("emails").is_none());
    assert_error(&post(&app, &token, "/.search", search).await, 501, None);
    assert_error(&get(&app, &token, "/NoSuchThing").await, 404, None);
}

/// Past `[scim] max_rows_scanned` users, a filter no index narrows is refused rather than
/// reading every row; index look-ups (and an `and` holding one) are still served.
#[tokio::test]
async fn filters_that_would_read_every_row_are_refused_on_a_large_table() {
    let app = spawn_app_with(Options::toml("[scim]\nmax_rows_scanned = 2\n")).await;
    let token = admin(&app).await;
    let q = |f: &str| format!("/Users?filter={}", urlencode(f));
    create_user(&app, &token, "alice").await;
    create_user(&app, &token, "bob").await;
    // Two users: within the limit, a substring filter is served.
    assert_eq!(
        get(&app, &token, &q(r#"userName co "o""#)).await.status,
        200
    );
    create_user(&app, &token, "carol").await;
    for unindexed in [
        r#"userName co "o""#,
        r#"userName sw "c""#,
        r#"not (userName eq "alice")"#,
        r#"userName eq "alice" or displayName co "B""#,
        "externalId pr",
    ] {
        assert_error(
            &get(&app, &token, &q(unindexed)).await,
            400,
            Some("invalidFilter"),
        );
    }
    for indexed in [
        r#"userName eq "carol""#,
        r#"emails.value eq "bob@example.com""#,
        r#"userName eq "alice" and displayName co "B""#,
        r#"meta.lastModified gt "2000-01-01T00:00:00Z""#,
    ] {
        let a = get(&app, &token, &q(indexed)).await;
        assert_eq!(a.status, 200, "{indexed}: {}", a.body);
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn versions_guard_concurrent_changes() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let id = create_user(&app, &token, "bjensen").await;
    let path = format!("/Users/{id}");
    let fresh = call(
        &app,
        &token,
        reqwest::Method::GET,
        &path,
        None,
        &[("if-none-match", "W/\"1\"")],
    )
    .await;
    assert_eq!(fresh.status, 304);

    // Two PATCHes with the same If-Match: one wins, one gets 412.
    let ops = |n: &str| json!([{"op": "replace", "path": "displayName", "value": n}]);
    let (a, b) = tokio::join!(
        patch(&app, &token, &path, ops("A"), &[("if-match", "W/\"1\"")]),
        patch(&app, &token, &path, ops("B"), &[("if-match", "W/\"1\"")]),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 412], "{} / {}", a.body, b.body);
    let loser = if a.status == 412 { &a } else { &b };
    assert_error(loser, 412, None);
    let now = get(&app, &token, &path).await;
    assert_eq!(now.headers["etag"], "W/\"2\"");
    let winner = if a.status == 200 { "A" } else { "B" };
    assert_eq!(now.body["displayName"], winner);

    let stale = call(
        &app,
        &token,
        reqwest::Method::PUT,
        &path,
        Some(&user("bjensen")),
        &[("if-match", "W/\"1\"")],
    )
    .await;
    assert_error(&stale, 412, None);
    let stale = call(
        &app,
        &token,
        reqwest::Method::DELETE,
        &path,
        None,
        &[("if-match", "W/\"1\"")],
    )
    .await;
    assert_error(&stale, 412, None);
    assert_eq!(get(&app, &token, &path).await.status, 200);
}

#[tokio::test]
async fn deactivating_a_user_ends_their_grants_and_sign_in_at_once() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let (client, secret) = app.refresh_client().await;
    let grant = app
        .grant_refresh_token(&client, "openid offline_access")
        .await;
    let refreshed = app.refresh(&client, &secret, &grant.refresh_token).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let access = refreshed.body["access_token"].as_str().unwrap().to_string();
    let refresh = refreshed.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.userinfo_status(&access).await, 200);

    let path = format!("/Users/{}", grant.user_id);
    let off = patch(
        &app,
        &token,
        &path,
        json!([{"op": "replace", "value": {"active": false}}]),
        &[],
    )
    .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(off.body["active"], false);
    assert_eq!(
        app.userinfo_status(&access).await,
        401,
        "the access token is revoked"
    );
    let again = app.refresh(&client, &secret, &refresh).await;
    assert_eq!(again.error(), "invalid_grant");
    let inactive = get(
        &app,
        &token,
        &format!("/Users?filter={}", urlencode("active eq false")),
    )
    .await;
    assert_eq!(inactive.body["totalResults"], 1);

    // A provisioned person with a password signs in until made inactive.
    let mut body = user("bjensen");
    body["password"] = PASSWORD.into();
    let id = post(&app, &token, "/Users", body).await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rp = app.rp(&[]).await;
    let r = app.fresh_sign_in(&rp, "bjensen", PASSWORD).await;
    assert_eq!(r.status(), 303, "signed in");
    let off = patch(
        &app,
        &token,
        &format!("/Users/{id}"),
        json!([{"op": "replace", "path": "active", "value": false}]),
        &[],
    )
    .await;
    assert_eq!(off.status, 200);
    let r = app.authorize(&AuthRequest::new(&rp, &Pkce::new())).await;
    assert_eq!(location(&r), "/login", "the session ended");
    let refused = app.login("bjensen", PASSWORD).await;
    assert_ne!(refused.status(), 303, "sign-in is refused");
}

#[tokio::test]
async fn deleting_a_user_removes_their_data_and_grants() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let (client, secret) = app.refresh_client().await;
    let grant = app
        .grant_refresh_token(&client, "openid offline_access")
        .await;
    let refreshed = app.refresh(&client, &secret, &grant.refresh_token).await;
    let access = refreshed.body["access_token"].as_str().unwrap().to_string();
    let refresh = refreshed.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.add_user_group(&grant.username, "editors").await;
    let path = format!("/Users/{}", grant.user_id);
    let gone = call(&app, &token, reqwest::Method::DELETE, &path, None, &[]).await;
    assert_eq!(gone.status, 204);
    assert_eq!(app.userinfo_status(&access).await, 401);
    assert_eq!(
        app.refresh(&client, &secret, &refresh).await.error(),
        "invalid_grant"
    );
    assert_error(&get(&app, &token, &path).await, 404, None);
    let group = get(
        &app,
        &token,
        &format!("/Groups?filter={}", urlencode("displayName eq \"editors\"")),
    )
    .await;
    assert_eq!(group.body["Resources"][0]["members"], json!([]));
    let store = app.store().await;
    assert!(store.user_by_id(&grant.user_id).await.unwrap().is_none());
    assert_error(
        &call(&app, &token, reqwest::Method::DELETE, &path, None, &[]).await,
        404,
        None,
    );
}

#[tokio::test]
async fn groups_and_their_members_feed_the_groups_claim() {
    let app = spawn_app().await;
    let token = admin(&app).await;
    let alice = create_user(&app, &token, "alice").await;
    let bob = create_user(&app, &token, "bob").await;
    let created = post(
        &app,
        &token,
        "/Groups",
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "editors", "members": [{"value": alice}]}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let gid = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(created.body["members"][0]["value"], alice.as_str());
    assert_eq!(created.body["members"][0]["type"], "User");
    let gpath = format!("/Groups/{gid}");

    let added = patch(
        &app,
        &token,
        &gpath,
        json!([{"op": "add", "path": "members", "value": [{"value": bob}]}]),
        &[],
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(added.body["members"].as_array().unwrap().len(), 2);
    let u = get(&app, &token, &format!("/Users/{bob}")).await;
    assert_eq!(u.body["groups"][0]["value"], gid.as_str());
    assert_eq!(u.body["groups"][0]["display"], "editors");

    let removed = patch(
        &app,
        &token,
        &gpath,
        json!([{"op": "remove", "path": format!("members[value eq \"{alice}\"]")}]),
        &[],
    )
    .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(
        removed.body["members"],
        json!([{"value": bob, "type": "User", "$ref": format!("{}/scim/v2/Users/{bob}", app.issuer)}])
    );
    let members = get(
        &app,
        &token,
        &format!(
            "/Groups?filter={}",
            urlencode(&format!("members[value eq \"{bob}\"]"))
        ),
    )
    .await;
    assert_eq!(members.body["totalResults"], 1);

    // The groups claim carries the group (userinfo of a token for bob).
    let store = app.store().await;
    assert_eq!(store.user_authz(&bob).await.unwrap().groups, ["editors"]);
    let renamed = patch(
        &app,
        &token,
        &gpath,
        json!([{"op": "replace", "path": "displayName", "value": "writers"}]),
        &[],
    )
    .await;
    assert_eq!(renamed.status, 200);
    assert_eq!(store.user_authz(&bob).await.unwrap().groups, ["writers"]);

    let dup = post(&app, &token, "/Groups", json!({"displayName": "WRITERS"})).await;
    assert_eq!(
        dup.status, 201,
        "group names are compared as written: {}",
        dup.body
    );
    let dup = post(&app, &token, "/Groups", json!({"displayName": "writers"})).await;
    assert_error(&dup, 409, Some("uniqueness"));
    let ghost = post(
        &app,
        &token,
        "/Groups",
        json!({"displayName": "ghosts", "members": [{"value": "no-such-user"}]}),
    )
    .await;
    assert_error(&ghost, 400, Some("invalidValue"));
    let none = patch(
        &app,
        &token,
        &gpath,
        json!([{"op": "remove", "path": "members[value eq \"nobody\"]"}]),
        &[],
    )
    .await;
    assert_error(&none, 400, Some("noTarget"));
    assert_error(&get(&app, &token, "/Groups/no-such-group").await, 404, None);
    let slim = get(&app, &token, "/Groups?excludedAttributes=members").await;
    assert!(slim.body["Resources"][0].get("members").is_none());
    assert_eq!(
        call(&app, &token, reqwest::Method::DELETE, &gpath, None, &[])
            .await
            .status,
        204
    );
    assert!(store.user_authz(&bob).await.unwrap().groups.is_empty());
}

#[tokio::test]
async fn every_change_is_an_audit_event_naming_the_client() {
    let app = crate::common::process::spawn_served(
        crate::common::Options::default(),
        &["--log-format", "json"],
    )
    .await;
    app.create_role("provisioner", &["scim:read", "scim:write"])
        .await;
    let (client, secret) = app.service_client(&[]).await;
    // The role is in place before the server first reads the client: nothing to catch up.
    app.add_client_role(&client, "provisioner").await;
    let token = app.client_credentials_token(&client, &secret).await;
    let id = create_user(&app, &token, "bjensen").await;
    let path = format!("/Users/{id}");
    let ops = json!([{"op": "replace", "path": "displayName", "value": "B"}]);
    assert_eq!(patch(&app, &token, &path, ops, &[]).await.status, 200);
    let gone = call(&app, &token, reqwest::Method::DELETE, &path, None, &[]).await;
    assert_eq!(gone.status, 204);
    // The log is written in the background: wait for the three events.
    let scim_events = || {
        app.process()
            .audit_events()
            .into_iter()
            .filter(|e| e["event"] == "scim_changed")
            .collect::<Vec<Value>>()
    };
    crate::common::eventually(30, || async { (scim_events().len() >= 3).then_some(()) }).await;
    let events = scim_events();
    let seen: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| {
            assert_eq!(e["client_id"], client.as_str(), "{e}");
            assert_eq!(e["resource"], "User", "{e}");
            (
                e["id"].as_str().unwrap_or("-"),
                e["operation"].as_str().unwrap_or("-"),
                e["client_id"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    let ops: Vec<&str> = seen.iter().map(|s| s.1).collect();
    assert_eq!(ops, ["created", "patched", "deleted"], "{events:#?}");
    assert!(seen.iter().all(|s| s.0 == id));
}
