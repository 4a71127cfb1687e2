//! One identifier profile everywhere (issue 15 item 2): usernames and emails are one account
//! whatever their case or Unicode form, at the CLI, at sign-in and in the login throttle;
//! lookalike mixed-script names are refused; passwords are compared NFKC; and a database that
//! already holds two colliding users is reported at start-up, not merged.

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, USERNAME, assert_signed_in, location};
use crate::common::{ConfigFile, Options, TestApp, TestDb, spawn_app, spawn_app_with};

const FAILED: &str = "The username or password is incorrect.";

/// `tessera user create` with `password` on standard input: (succeeded, stderr).
async fn cli_create(app: &TestApp, username: &str, email: &str, password: &str) -> (bool, String) {
    let out = app
        .cli(
            &[
                "user",
                "create",
                "--username",
                username,
                "--email",
                email,
                "--password-stdin",
            ],
            Some(&format!("{password}\n")),
        )
        .await;
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_username_differing_only_in_case_or_width_is_taken() {
    let app = spawn_app().await;
    app.create_user("alice", PASSWORD).await;
    for taken in ["Alice", "ALICE", "ａｌｉｃｅ"] {
        let (ok, err) = cli_create(&app, taken, "other@example.com", PASSWORD).await;
        assert!(!ok, "{taken} was created beside alice");
        assert!(err.contains("a user named `alice` already exists"), "{err}");
    }
    let (ok, err) = cli_create(&app, "alice2", "ALICE@Example.com", PASSWORD).await;
    assert!(!ok, "the same email in capitals was accepted");
    assert!(err.contains("email address"), "{err}");
}

#[tokio::test]
async fn a_name_mixing_cyrillic_into_latin_is_refused() {
    let app = spawn_app().await;
    let (ok, err) = cli_create(&app, "\u{430}lice", "a@example.com", PASSWORD).await;
    assert!(!ok, "a Cyrillic а in a Latin name was accepted");
    assert!(err.contains("scripts"), "{err}");
    let (ok, err) = cli_create(&app, "алиса", "alisa@example.com", PASSWORD).await;
    assert!(ok, "an all-Cyrillic name is fine: {err}");
}

#[tokio::test]
async fn a_blank_password_is_refused_by_the_cli() {
    let app = spawn_app().await;
    let (ok, err) = cli_create(&app, "blank", "blank@example.com", "    ").await;
    assert!(!ok, "an all-spaces password was accepted");
    assert!(err.contains("only whitespace"), "{err}");
    app.create_user("bob", PASSWORD).await;
    let out = app
        .cli(
            &[
                "user",
                "set-password",
                "--username",
                "BOB",
                "--password-stdin",
            ],
            Some("\u{3000} \n"),
        )
        .await;
    assert!(!out.status.success(), "set-password took a blank password");
}

#[tokio::test]
async fn the_cli_finds_a_user_by_any_spelling_of_the_name() {
    let app = spawn_app().await;
    let rp = app.rp(&["--first-party"]).await;
    app.create_user(USERNAME, PASSWORD).await;
    let out = app
        .cli(
            &[
                "user",
                "set-password",
                "--username",
                "ALICE",
                "--password-stdin",
            ],
            Some("a lighthouse keeper's new password\n"),
        )
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_signed_in(
        &app.fresh_sign_in(&rp, USERNAME, "a lighthouse keeper's new password")
            .await,
    );
}

#[tokio::test]
async fn alice_signs_in_typing_her_name_in_capitals() {
    let app = spawn_app().await;
    let rp = app.rp(&["--first-party"]).await;
    let sub = app.create_user(USERNAME, PASSWORD).await;
    let pkce = Pkce::new();
    let r = app.authorize(&AuthRequest::new(&rp, &pkce)).await;
    assert_eq!(location(&r), "/login");
    let r = app.login("ALICE", PASSWORD).await;
    assert_signed_in(&r);
    let code = crate::common::flow::callback(&r)["code"].clone();
    let (status, body) = app.exchange(&rp, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");
    let claims = crate::common::flow::jwt_claims(body["id_token"].as_str().unwrap());
    assert_eq!(claims["sub"], sub.as_str(), "the same account");
}

#[tokio::test]
async fn a_refused_username_at_sign_in_is_an_ordinary_failure() {
    let app = spawn_app().await;
    let rp = app.rp(&["--first-party"]).await;
    app.create_user(USERNAME, PASSWORD).await;
    let r = app.fresh_sign_in(&rp, "\u{430}lice", PASSWORD).await;
    assert_eq!(r.status(), 401, "the same answer as a wrong password");
    assert!(r.text().await.unwrap().contains(FAILED));
}

#[tokio::test]
async fn every_spelling_of_a_name_counts_on_one_throttle_counter() {
    let app = spawn_app_with(Options::toml(
        "[throttle]\nmax_failures_per_user = 3\nbase_delay = \"60s\"\n",
    ))
    .await;
    let rp = app.rp(&["--first-party"]).await;
    app.create_user(USERNAME, PASSWORD).await;
    // A success under one spelling resets the failures of the others.
    for name in ["Alice", "alice"] {
        assert_eq!(app.fresh_sign_in(&rp, name, "wrong").await.status(), 401);
    }
    assert_signed_in(&app.fresh_sign_in(&rp, "ALICE", PASSWORD).await);
    for name in ["Alice", "alice", "ａｌｉｃｅ"] {
        assert_eq!(app.fresh_sign_in(&rp, name, "wrong").await.status(), 401);
    }
    let r = app.fresh_sign_in(&rp, "alice", PASSWORD).await;
    assert_eq!(
        r.status(),
        429,
        "three failures under three spellings are three"
    );
}

#[tokio::test]
async fn a_password_signs_in_typed_composed_or_decomposed() {
    let app = spawn_app().await;
    let rp = app.rp(&["--first-party"]).await;
    // Set with é decomposed (e + U+0301), typed with é precomposed, and the other way round.
    app.create_user(USERNAME, "cafe\u{301} au lait").await;
    assert_signed_in(&app.fresh_sign_in(&rp, USERNAME, "caf\u{e9} au lait").await);
    app.create_user("bob", "na\u{ef}ve password").await;
    assert_signed_in(&app.fresh_sign_in(&rp, "bob", "nai\u{308}ve password").await);
}

/// Users written before migration 0009 (folded columns NULL), inserted with SQL.
async fn insert_legacy_users(url: &str, users: &[(&str, &str)]) {
    let store = tessera::store::Store::connect(url, 1, std::time::Duration::from_secs(5))
        .await
        .expect("open");
    store.migrate().await.expect("migrate an empty database");
    store.close().await;
    let pool = sqlx::AnyPool::connect(url).await.expect("pool");
    for (i, (username, email)) in users.iter().enumerate() {
        sqlx::query(
            "INSERT INTO users (id, username, email, password_hash, disabled, created_at, updated_at)
             VALUES ($1, $2, $3, 'x', 0, $4, $4)",
        )
        .bind(format!("legacy-{i}"))
        .bind(*username)
        .bind(*email)
        .bind(i as i64)
        .execute(&pool)
        .await
        .expect("insert a legacy user");
    }
    pool.close().await;
}

/// Starts a server on `db`; the error it refused with, if it did.
async fn start_error(db: &TestDb) -> Option<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys");
    let path = ConfigFile::new("http://127.0.0.1:1", &db.url, &keys).write(dir.path());
    let config = tessera::config::Config::load(&path).expect("config");
    tessera::server::prepare(config, tessera::clock::Clock::system())
        .await
        .err()
        .map(|e| format!("{e:#}"))
}

#[tokio::test]
async fn colliding_users_already_stored_stop_the_server_and_are_named() {
    let db = TestDb::create().await;
    insert_legacy_users(
        &db.url,
        &[
            ("alice", "alice@example.com"),
            ("Alice", "alice2@example.com"),
            ("bob", "Bob@Example.com"),
            ("robert", "bob@example.com"),
        ],
    )
    .await;
    let err = start_error(&db).await.expect("the server refused to start");
    assert!(err.contains("`alice` and `Alice`"), "{err}");
    assert!(err.contains("`bob` and `robert`"), "{err}");
    assert!(err.contains("nothing was merged"), "{err}");
}

#[tokio::test]
async fn legacy_users_without_collisions_are_folded_and_sign_in() {
    let db = TestDb::create().await;
    insert_legacy_users(&db.url, &[("Carol", "carol@example.com")]).await;
    assert_eq!(start_error(&db).await, None);
    let store = tessera::store::Store::connect(&db.url, 1, std::time::Duration::from_secs(5))
        .await
        .expect("open");
    let carol = tessera::domain::Username::parse("CAROL").unwrap();
    let found = store.user_by_username(&carol).await.expect("look up");
    assert_eq!(found.map(|u| u.username).as_deref(), Some("Carol"));
}
