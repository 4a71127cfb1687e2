//! A bad configuration stops start-up with a message naming the file and the key.

use std::process::Stdio;

async fn run_with(config_text: &str, env: &[(&str, &str)]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tessera.toml");
    std::fs::write(&path, config_text).unwrap();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_tessera"));
    cmd.arg("--config")
        .arg(&path)
        .arg("migrate")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().await.unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn base(db: &str) -> String {
    format!(
        "issuer = \"http://127.0.0.1:8080\"\n[server]\nbind = \"127.0.0.1:8080\"\n[database]\nurl = \"{db}\"\n[keys]\ndir = \"keys\"\n"
    )
}

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display())
}

#[tokio::test]
async fn unknown_key_is_named() {
    let d = tempfile::tempdir().unwrap();
    let (ok, err) = run_with(
        &format!(
            "{}[tokens]\naccess_token_lifetime = \"5m\"\n",
            base(&sqlite_url(&d))
        ),
        &[],
    )
    .await;
    assert!(!ok);
    assert!(
        err.contains("tessera.toml") && err.contains("access_token_lifetime"),
        "{err}"
    );
}

#[tokio::test]
async fn wrong_type_is_named() {
    let d = tempfile::tempdir().unwrap();
    let (ok, err) = run_with(
        &base(&sqlite_url(&d)).replace("[database]\n", "[database]\nmax_connections = \"ten\"\n"),
        &[],
    )
    .await;
    assert!(!ok);
    assert!(err.contains("database.max_connections"), "{err}");
}

#[tokio::test]
async fn absurd_worker_thread_count_is_named() {
    let d = tempfile::tempdir().unwrap();
    let (ok, err) = run_with(
        &base(&sqlite_url(&d)).replace("[database]\n", "worker_threads = 100000\n[database]\n"),
        &[],
    )
    .await;
    assert!(!ok);
    assert!(
        err.contains("tessera.toml") && err.contains("server.worker_threads"),
        "{err}"
    );
    // Within bounds it is accepted (the command here is `migrate`, on that runtime).
    let (ok, err) = run_with(
        &base(&sqlite_url(&d)).replace("[database]\n", "worker_threads = 3\n[database]\n"),
        &[],
    )
    .await;
    assert!(ok, "{err}");
}

#[tokio::test]
async fn unparsable_duration_is_named() {
    let d = tempfile::tempdir().unwrap();
    let (ok, err) = run_with(
        &format!(
            "{}[tokens]\ncode_ttl = \"a minute\"\n",
            base(&sqlite_url(&d))
        ),
        &[],
    )
    .await;
    assert!(!ok);
    assert!(
        err.contains("tokens.code_ttl") && err.contains("a minute"),
        "{err}"
    );
}

#[tokio::test]
async fn relative_issuer_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let (ok, err) = run_with(
        &base(&sqlite_url(&d)).replace("http://127.0.0.1:8080\"", "/tessera\""),
        &[],
    )
    .await;
    assert!(!ok);
    assert!(
        err.contains("`issuer`") && err.contains("absolute URL"),
        "{err}"
    );
}

#[tokio::test]
async fn environment_overrides_name_the_variable() {
    let d = tempfile::tempdir().unwrap();
    let (ok, err) = run_with(
        &base(&sqlite_url(&d)),
        &[("TESSERA_KEYS_ROTATION_INTERVAL", "often")],
    )
    .await;
    assert!(!ok);
    assert!(
        err.contains("keys.rotation_interval") && err.contains("TESSERA_KEYS_ROTATION_INTERVAL"),
        "{err}"
    );
}

#[tokio::test]
async fn environment_overrides_the_database_url() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("from-env.db");
    let (ok, err) = run_with(
        &base("sqlite:///nonexistent-dir/never.db"),
        &[(
            "TESSERA_DATABASE_URL",
            &format!("sqlite://{}?mode=rwc", db.display()),
        )],
    )
    .await;
    assert!(ok, "{err}");
    assert!(db.exists());
}

#[tokio::test]
async fn missing_file_is_reported() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["--config", "/nonexistent/tessera.toml", "migrate"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/tessera.toml"));
}
