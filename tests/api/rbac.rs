//! Roles and permissions (issue 8): CLI round trips and the claims tokens carry.

use crate::common::flow::{PASSWORD, jwt_claims};
use crate::common::{TestApp, spawn_app};

/// The claims of a client_credentials token once a role change has reached the client cache
/// (which follows the database's change counter every `cache.refresh_interval`).
async fn claims_after_change(app: &TestApp, id: &str, secret: &str) -> serde_json::Value {
    app.catch_up().await;
    jwt_claims(&app.client_credentials_token(id, secret).await)
}

#[tokio::test]
async fn roles_and_permissions_round_trip_through_the_cli() {
    let app = spawn_app().await;
    let v = app
        .cli_json(
            &[
                "role",
                "create",
                "--name",
                "analyst",
                "--description",
                "Reads reports",
                "--permission",
                "reports:read",
                "--json",
            ],
            None,
        )
        .await;
    assert_eq!(v["permissions"], serde_json::json!(["reports:read"]));
    app.cli_json(
        &[
            "role",
            "grant",
            "--name",
            "analyst",
            "--permission",
            "reports:export",
            "--json",
        ],
        None,
    )
    .await;
    let list = app.cli_json(&["role", "list", "--json"], None).await;
    let role = &list.as_array().unwrap()[0];
    assert_eq!(role["name"], "analyst");
    assert_eq!(role["description"], "Reads reports");
    assert_eq!(
        role["permissions"],
        serde_json::json!(["reports:export", "reports:read"])
    );
    assert_eq!(role["holders"], 0);

    let dup = app
        .cli(&["role", "create", "--name", "analyst"], None)
        .await;
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    let bad = app
        .cli(
            &["role", "create", "--name", "x", "--permission", "no-colon"],
            None,
        )
        .await;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("resource:action"));
    let missing = app
        .cli(
            &["role", "grant", "--name", "nobody", "--permission", "a:b"],
            None,
        )
        .await;
    assert!(!missing.status.success());
}

#[tokio::test]
async fn deleting_a_role_in_use_needs_force() {
    let app = spawn_app().await;
    app.create_user("alice", PASSWORD).await;
    app.create_role("admin", &[]).await;
    app.add_user_role("alice", "admin").await;
    let out = app.cli(&["role", "delete", "--name", "admin"], None).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    let list = app.cli_json(&["role", "list", "--json"], None).await;
    assert_eq!(list[0]["holders"], 1, "nothing deleted");
    app.cli_json(
        &["role", "delete", "--name", "admin", "--force", "--json"],
        None,
    )
    .await;
    assert_eq!(
        app.cli_json(&["role", "list", "--json"], None).await,
        serde_json::json!([])
    );
}

#[tokio::test]
async fn assigning_unknown_roles_or_users_fails_clearly() {
    let app = spawn_app().await;
    app.create_user("alice", PASSWORD).await;
    let out = app
        .cli(
            &["user", "add-role", "--username", "alice", "--role", "ghost"],
            None,
        )
        .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no role named `ghost`"));
    app.create_role("admin", &[]).await;
    let out = app
        .cli(
            &["user", "add-role", "--username", "bob", "--role", "admin"],
            None,
        )
        .await;
    assert!(!out.status.success());
    let out = app
        .cli(
            &[
                "client",
                "add-role",
                "--client-id",
                "nope",
                "--role",
                "admin",
            ],
            None,
        )
        .await;
    assert!(!out.status.success());
    let out = app
        .cli(
            &[
                "user",
                "remove-role",
                "--username",
                "alice",
                "--role",
                "admin",
            ],
            None,
        )
        .await;
    assert!(!out.status.success(), "alice never held admin");
}

#[tokio::test]
async fn client_credentials_tokens_carry_the_clients_roles_and_permissions() {
    let app = spawn_app().await;
    let (id, secret) = app.service_client(&["--scope", "billing"]).await;
    let before = jwt_claims(&app.client_credentials_token(&id, &secret).await);
    assert!(
        before.get("roles").is_none() && before.get("permissions").is_none(),
        "{before}"
    );

    app.create_role("reporter", &["reports:read", "reports:write"])
        .await;
    app.create_role("reader", &["reports:read"]).await;
    app.add_client_role(&id, "reporter").await;
    app.add_client_role(&id, "reader").await;
    let with = claims_after_change(&app, &id, &secret).await;
    assert_eq!(with["roles"], serde_json::json!(["reader", "reporter"]));
    assert_eq!(
        with["permissions"],
        serde_json::json!(["reports:read", "reports:write"]),
        "flattened, no duplicates"
    );
    assert_eq!(with["scope"], "billing", "roles never widen the scope");

    app.remove_client_role(&id, "reporter").await;
    let after = claims_after_change(&app, &id, &secret).await;
    assert_eq!(after["roles"], serde_json::json!(["reader"]));
    assert_eq!(
        after["permissions"],
        serde_json::json!(["reports:read"]),
        "a removed role's permissions are gone with it"
    );
}

#[tokio::test]
async fn roles_and_groups_scopes_are_advertised() {
    let app = spawn_app().await;
    let d: serde_json::Value = app.get_json("/.well-known/openid-configuration").await;
    for s in ["roles", "groups"] {
        assert!(
            d["scopes_supported"]
                .as_array()
                .unwrap()
                .contains(&s.into()),
            "{s}"
        );
    }
    for c in ["roles", "permissions", "groups"] {
        assert!(
            d["claims_supported"]
                .as_array()
                .unwrap()
                .contains(&c.into()),
            "{c}"
        );
    }
}

mod user_claims {
    use crate::common::flow::{AuthRequest, PASSWORD, Pkce, USERNAME, jwt_claims};
    use crate::common::spawn_app;

    #[tokio::test]
    async fn roles_and_groups_scopes_put_claims_in_id_token_access_token_and_userinfo() {
        let app = spawn_app().await;
        app.create_user(USERNAME, PASSWORD).await;
        app.create_role("analyst", &["reports:read"]).await;
        app.create_role("auditor", &["reports:read", "audit:read"])
            .await;
        for role in ["analyst", "auditor"] {
            app.add_user_role(USERNAME, role).await;
        }
        app.add_user_group(USERNAME, "finance").await;
        let rp = app
            .rp(&[
                "--first-party",
                "--scope",
                "openid profile roles groups offline_access",
            ])
            .await;

        let pkce = Pkce::new();
        let req = AuthRequest::new(&rp, &pkce).set("scope", Some("openid roles groups"));
        let cb = app.code_via_login(&req).await;
        let (status, tokens) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
        assert_eq!(status, 200, "{tokens}");
        let id = jwt_claims(tokens["id_token"].as_str().unwrap());
        let at = jwt_claims(tokens["access_token"].as_str().unwrap());
        let info = app.userinfo(tokens["access_token"].as_str().unwrap()).await;
        for (what, c) in [
            ("id token", &id),
            ("access token", &at),
            ("userinfo", &info),
        ] {
            assert_eq!(
                c["roles"],
                serde_json::json!(["analyst", "auditor"]),
                "{what}: {c}"
            );
            assert_eq!(
                c["permissions"],
                serde_json::json!(["audit:read", "reports:read"]),
                "{what}: {c}"
            );
            assert_eq!(c["groups"], serde_json::json!(["finance"]), "{what}: {c}");
        }

        // Without the scopes, none of the claims appear.
        let pkce = Pkce::new();
        let req = AuthRequest::new(&rp, &pkce).set("scope", Some("openid profile"));
        let code = app.code_via_login_again(&req).await;
        let (status, tokens) = app.exchange(&rp, &code, Some(&pkce.verifier)).await;
        assert_eq!(status, 200, "{tokens}");
        let id = jwt_claims(tokens["id_token"].as_str().unwrap());
        let at = jwt_claims(tokens["access_token"].as_str().unwrap());
        let info = app.userinfo(tokens["access_token"].as_str().unwrap()).await;
        for c in [&id, &at, &info] {
            for claim in ["roles", "permissions", "groups"] {
                assert!(
                    c.get(claim).is_none(),
                    "{claim} leaked without its scope: {c}"
                );
            }
        }
    }

    #[tokio::test]
    async fn a_role_change_applies_to_the_next_token() {
        let app = spawn_app().await;
        app.create_user(USERNAME, PASSWORD).await;
        app.create_role("analyst", &["reports:read"]).await;
        app.add_user_role(USERNAME, "analyst").await;
        let rp = app
            .rp(&["--first-party", "--scope", "openid roles offline_access"])
            .await;
        let pkce = Pkce::new();
        let req = AuthRequest::new(&rp, &pkce).set("scope", Some("openid roles offline_access"));
        let cb = app.code_via_login(&req).await;
        let (_, tokens) = app.exchange(&rp, &cb["code"], Some(&pkce.verifier)).await;
        assert_eq!(
            jwt_claims(tokens["access_token"].as_str().unwrap())["permissions"],
            serde_json::json!(["reports:read"])
        );
        let refresh_token = tokens["refresh_token"]
            .as_str()
            .expect("refresh token")
            .to_string();

        app.remove_user_role(USERNAME, "analyst").await;
        let pkce = Pkce::new();
        let req = AuthRequest::new(&rp, &pkce).set("scope", Some("openid roles"));
        let code = app.code_via_login_again(&req).await;
        let (_, tokens) = app.exchange(&rp, &code, Some(&pkce.verifier)).await;
        let at = jwt_claims(tokens["access_token"].as_str().unwrap());
        assert_eq!(at["roles"], serde_json::json!([]));
        assert_eq!(
            at["permissions"],
            serde_json::json!([]),
            "the removed role is not remembered"
        );

        // The refresh grant re-reads roles: the token issued before the removal does not
        // carry its permissions into the refreshed tokens.
        let refreshed = app
            .refresh(&rp.client_id, rp.secret.as_deref().unwrap(), &refresh_token)
            .await;
        assert_eq!(refreshed.status, 200, "{}", refreshed.body);
        for token in ["access_token", "id_token"] {
            let c = jwt_claims(refreshed.body[token].as_str().unwrap());
            assert_eq!(c["roles"], serde_json::json!([]), "{token}: {c}");
            assert_eq!(c["permissions"], serde_json::json!([]), "{token}: {c}");
        }
    }
}
