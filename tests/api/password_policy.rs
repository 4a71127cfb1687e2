//! The password policy (NIST SP 800-63B §5.1.1.2) at the CLI: length counted after NFKC,
//! common and account-derived passwords refused with a reason, `[password]` settings, and
//! existing hashes that keep signing in whatever the policy says now.

use std::time::{Duration, Instant};

use crate::common::flow::{PASSWORD, USERNAME, assert_signed_in};
use crate::common::{Options, TestApp, run_cli_with_env, spawn_app, spawn_app_with};

/// `tessera user create --username U --email U@example.com --name "Zephyrine Quillfeather"
/// --password-stdin`: (succeeded, stderr).
async fn create(app: &TestApp, username: &str, password: &str) -> (bool, String) {
    let email = format!("{username}@example.com");
    let args = [
        "user",
        "create",
        "--username",
        username,
        "--email",
        &email,
        "--name",
        "Zephyrine Quillfeather",
        "--password-stdin",
    ];
    let out = app.cli(&args, Some(&format!("{password}\n"))).await;
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `tessera user set-password --username U --password-stdin`: (succeeded, stderr).
async fn set_password(app: &TestApp, username: &str, password: &str) -> (bool, String) {
    let args = [
        "user",
        "set-password",
        "--username",
        username,
        "--password-stdin",
    ];
    let out = app.cli(&args, Some(&format!("{password}\n"))).await;
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The usernames `user list` shows.
async fn usernames(app: &TestApp) -> Vec<String> {
    let list = app.cli_json(&["user", "list", "--json"], None).await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn user_create_refuses_common_passwords_and_says_why() {
    let app = spawn_app().await;
    for (password, why) in [
        ("password", "too easy to guess"),
        ("iloveyou", "common password"),
        ("P@ssw0rd!", "too easy to guess"),
        ("qwertyuiop", "too easy to guess"),
        ("football2024", "too easy to guess"),
        ("short", "too short: it needs at least 8 characters"),
    ] {
        let (ok, err) = create(&app, "alice", password).await;
        assert!(!ok, "{password} was accepted");
        assert!(
            err.contains("password refused") && err.contains(why),
            "{password}: {err}"
        );
        if password.len() > 6 && password != "password" {
            assert!(!err.contains(password), "the password is not echoed: {err}");
        }
    }
    assert!(usernames(&app).await.is_empty(), "no user was created");
    let (ok, err) = create(&app, "alice", PASSWORD).await;
    assert!(ok, "a passphrase is accepted: {err}");
    assert_eq!(usernames(&app).await, ["alice"]);
}

#[tokio::test]
async fn a_password_built_from_the_account_is_refused() {
    let app = spawn_app().await;
    // From the username, from the name given with --name, from the email's local part.
    for (username, password) in [
        ("zephyrine", "zephyrine2026"),
        ("zephyrine", "quillfeather2026"),
        ("zq", "Zephyrinequillfeather"),
    ] {
        let (ok, err) = create(&app, username, password).await;
        assert!(!ok, "{password} was accepted for {username}");
        assert!(err.contains("username, name or email"), "{err}");
    }
    // The same password is fine for an account it says nothing about.
    let out = app
        .cli(
            &["user", "create", "--username", "bob", "--password-stdin"],
            Some("zephyrine2026\n"),
        )
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn set_password_applies_the_policy_and_a_refusal_changes_nothing() {
    let app = spawn_app().await;
    let rp = app.rp(&["--first-party"]).await;
    app.create_user(USERNAME, PASSWORD).await;
    for weak in ["password123", "alice2026", "abc"] {
        let (ok, err) = set_password(&app, "ALICE", weak).await;
        assert!(!ok, "{weak} was set");
        assert!(err.contains("password refused"), "{err}");
    }
    assert_signed_in(&app.fresh_sign_in(&rp, USERNAME, PASSWORD).await);
    let (ok, err) = set_password(&app, USERNAME, "quarry nimbus tinfoil larkspur").await;
    assert!(ok, "{err}");
    assert_signed_in(
        &app.fresh_sign_in(&rp, USERNAME, "quarry nimbus tinfoil larkspur")
            .await,
    );
}

#[tokio::test]
async fn lengths_are_counted_in_characters_after_nfkc() {
    let app = spawn_app_with(Options::toml(
        "[password]\nmin_length = 10\nmax_length = 16\nmin_score = 0\n",
    ))
    .await;
    let rp = app.rp(&["--first-party"]).await;
    // Nine fullwidth letters are nine characters (27 bytes), not enough.
    let (ok, err) = create(&app, "alice", "ａｂｃｄｅｆｇｈｉ").await;
    assert!(!ok);
    assert!(err.contains("at least 10 characters (it has 9)"), "{err}");
    // Sixteen é typed decomposed are 32 code points but sixteen characters: accepted, and the
    // same password as sixteen precomposed é at sign-in.
    let (ok, err) = create(&app, "alice", &"e\u{301}".repeat(16)).await;
    assert!(ok, "{err}");
    assert_signed_in(&app.fresh_sign_in(&rp, "alice", &"\u{e9}".repeat(16)).await);
    let (ok, err) = create(&app, "bob", &"\u{e9}".repeat(17)).await;
    assert!(!ok);
    assert!(err.contains("too long: at most 16 characters"), "{err}");
}

#[tokio::test]
async fn a_megabyte_password_is_refused_quickly() {
    let app = spawn_app().await;
    // The command's start-up (config, database, migrations) is most of the time; the check
    // refuses before normalising or scoring (a unit test in domain/password.rs times it alone).
    let started = Instant::now();
    let (ok, err) = create(&app, "alice", &"ab1!".repeat(256 * 1024)).await;
    assert!(!ok);
    assert!(err.contains("too long: at most 128 characters"), "{err}");
    assert!(
        err.len() < 300,
        "the password is not echoed: {} bytes",
        err.len()
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert!(usernames(&app).await.is_empty());
}

#[tokio::test]
async fn a_password_set_under_an_older_policy_still_signs_in() {
    let app = spawn_app().await;
    let rp = app.rp(&["--first-party"]).await;
    // Set while the policy allowed anything (as before it existed), then the server runs with
    // the default one: sign-in verifies the hash, it never re-applies the policy.
    let lenient = [
        ("TESSERA_PASSWORD_MIN_LENGTH", "1"),
        ("TESSERA_PASSWORD_MIN_SCORE", "0"),
    ];
    let out = run_cli_with_env(
        &app.config_path,
        &["user", "create", "--username", "alice", "--password-stdin"],
        Some("letmein\n"),
        &lenient,
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_signed_in(&app.fresh_sign_in(&rp, "alice", "letmein").await);
}

#[tokio::test]
async fn a_bad_password_setting_stops_the_command_naming_the_key() {
    let app = spawn_app().await;
    for (var, value, key) in [
        ("TESSERA_PASSWORD_MIN_SCORE", "5", "password.min_score"),
        ("TESSERA_PASSWORD_MIN_LENGTH", "0", "password.min_length"),
        ("TESSERA_PASSWORD_MAX_LENGTH", "4", "password.max_length"),
        (
            "TESSERA_PASSWORD_MAX_LENGTH",
            "100000",
            "password.max_length",
        ),
    ] {
        let out =
            run_cli_with_env(&app.config_path, &["user", "list"], None, &[(var, value)]).await;
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("config.toml") && err.contains(key), "{err}");
    }
}
