//! The admin CLI contract, round-tripped against a real database.

use crate::common::spawn_app;

#[tokio::test]
async fn help_lists_the_commands() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("--help")
        .output()
        .await
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in ["serve", "migrate", "user", "client", "keys"] {
        assert!(help.contains(cmd), "{cmd} missing from --help:\n{help}");
    }
}

#[tokio::test]
async fn client_create_json_prints_exactly_id_and_secret() {
    let app = spawn_app().await;
    let out = app
        .cli(
            &[
                "client",
                "create",
                "--name",
                "Demo",
                "--redirect-uri",
                "https://app.example.com/cb",
                "--json",
            ],
            None,
        )
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.trim().lines().count(),
        1,
        "one JSON object on one line: {stdout}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 2, "{v}");
    let id = obj["client_id"].as_str().unwrap();
    let secret = obj["client_secret"].as_str().unwrap();
    assert!(secret.len() >= 43, "256-bit secret, base64url");

    let list = app.cli_json(&["client", "list", "--json"], None).await;
    let c = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == id)
        .expect("listed");
    assert_eq!(c["name"], "Demo");
    assert_eq!(
        c["redirect_uris"],
        serde_json::json!(["https://app.example.com/cb"])
    );
    assert!(
        !list.to_string().contains(secret),
        "the secret is never shown again"
    );
}

#[tokio::test]
async fn public_and_private_key_jwt_clients_have_null_secret() {
    let app = spawn_app().await;
    let (_, secret) = app
        .create_client(&[
            "--name",
            "SPA",
            "--public",
            "--redirect-uri",
            "http://127.0.0.1:3000/cb",
        ])
        .await;
    assert_eq!(secret, None);
    let jwks = app.dir.path().join("client-jwks.json");
    std::fs::write(&jwks, r#"{"keys":[{"kty":"EC","crv":"P-256","x":"ChDzayaCCKsGQxYqAmn6gqGXJdObuMGa9n69Vm9KEqc","y":"MDLjyRX58MMP5bBX8tcg5BslLQ80esZmh1OkXHOYrkA","kid":"k1","alg":"ES256","use":"sig"}]}"#).unwrap();
    let (_, secret) = app
        .create_client(&[
            "--name",
            "Svc",
            "--auth-method",
            "private_key_jwt",
            "--jwks-file",
            jwks.to_str().unwrap(),
            "--grant-type",
            "client_credentials",
        ])
        .await;
    assert_eq!(secret, None);
}

#[tokio::test]
async fn invalid_registrations_are_refused_with_a_message() {
    let app = spawn_app().await;
    for (args, needle) in [
        (
            vec![
                "--name",
                "X",
                "--redirect-uri",
                "http://evil.example.com/cb",
            ],
            "http",
        ),
        (
            vec![
                "--name",
                "X",
                "--redirect-uri",
                "https://a.example.com/cb#frag",
            ],
            "fragment",
        ),
        (vec!["--name", "X", "--redirect-uri", "cb"], "absolute"),
        (vec!["--name", "X"], "redirect-uri"),
        (
            vec![
                "--name",
                "X",
                "--public",
                "--grant-type",
                "client_credentials",
            ],
            "confidential",
        ),
        (
            vec![
                "--name",
                "X",
                "--auth-method",
                "private_key_jwt",
                "--grant-type",
                "client_credentials",
            ],
            "jwks",
        ),
    ] {
        let mut full = vec!["client", "create"];
        full.extend(args.iter());
        let out = app.cli(&full, None).await;
        assert!(!out.status.success(), "{args:?} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    let list = app.cli_json(&["client", "list", "--json"], None).await;
    assert_eq!(list, serde_json::json!([]), "nothing half-written");
}

#[tokio::test]
async fn insecure_redirect_needs_the_explicit_override() {
    let app = spawn_app().await;
    let (id, _) = app
        .create_client(&[
            "--name",
            "Dev",
            "--redirect-uri",
            "http://dev.internal/cb",
            "--allow-insecure-redirect",
        ])
        .await;
    assert!(!id.is_empty());
}

#[tokio::test]
async fn client_rotate_secret_and_delete() {
    let app = spawn_app().await;
    let (id, old) = app
        .create_client(&["--name", "Svc", "--grant-type", "client_credentials"])
        .await;
    let v = app
        .cli_json(
            &["client", "rotate-secret", "--client-id", &id, "--json"],
            None,
        )
        .await;
    assert_eq!(v["client_id"], id.as_str());
    assert_ne!(v["client_secret"].as_str(), old.as_deref());
    let out = app
        .cli(&["client", "delete", "--client-id", &id], None)
        .await;
    assert!(out.status.success());
    let out = app
        .cli(&["client", "delete", "--client-id", &id], None)
        .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&id));
}

#[tokio::test]
async fn user_create_list_disable_and_duplicates() {
    let app = spawn_app().await;
    let sub = app
        .create_user("alice", "correct horse battery staple")
        .await;
    let out = app
        .cli(
            &["user", "create", "--username", "alice", "--password-stdin"],
            Some("another horse battery staple\n"),
        )
        .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));

    let list = app.cli_json(&["user", "list", "--json"], None).await;
    let users = list.as_array().unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["id"], sub.as_str());
    assert_eq!(users[0]["email"], "alice@example.com");
    assert_eq!(users[0]["disabled"], false);
    assert!(!list.to_string().contains("argon2"), "hashes never printed");

    let out = app
        .cli(&["user", "disable", "--username", "alice"], None)
        .await;
    assert!(out.status.success());
    let list = app.cli_json(&["user", "list", "--json"], None).await;
    assert_eq!(list[0]["disabled"], true);

    let out = app
        .cli(
            &[
                "user",
                "set-password",
                "--username",
                "alice",
                "--password-stdin",
            ],
            Some("an entirely new lighthouse password\n"),
        )
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = app
        .cli(
            &[
                "user",
                "set-password",
                "--username",
                "bob",
                "--password-stdin",
            ],
            Some("x\n"),
        )
        .await;
    assert!(!out.status.success());
}

#[tokio::test]
async fn password_is_required_on_stdin() {
    let app = spawn_app().await;
    let out = app
        .cli(
            &["user", "create", "--username", "carol", "--password-stdin"],
            Some(""),
        )
        .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
    let out = app
        .cli(&["user", "create", "--username", "carol"], None)
        .await;
    assert!(!out.status.success(), "--password-stdin is required");
}
