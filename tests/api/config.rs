//! A bad configuration stops start-up with a message naming the file and the key.

use std::path::{Path, PathBuf};

use crate::common::{ConfigFile, run_cli_with_env};

/// A config file for `tessera migrate`: issuer and bind on port 8080 (never bound), the
/// database `db`, keys in `keys/`; `edit` changes it before it is written.
fn config(
    dir: &tempfile::TempDir,
    db: &str,
    edit: impl FnOnce(ConfigFile) -> ConfigFile,
) -> PathBuf {
    let keys = Path::new("keys");
    let file = ConfigFile::new("http://127.0.0.1:8080", db, keys);
    edit(file).write(dir.path())
}

/// Runs `tessera migrate` with `config` and `env`: (whether it succeeded, its stderr).
async fn migrate(config: &Path, env: &[(&str, &str)]) -> (bool, String) {
    let out = run_cli_with_env(config, &["migrate"], None, env).await;
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display())
}

/// Whether `err` names the config file at `path`.
fn names_file(err: &str, path: &Path) -> bool {
    err.contains(&path.display().to_string())
}

#[tokio::test]
async fn unknown_key_is_named() {
    let d = tempfile::tempdir().unwrap();
    let db = sqlite_url(&d);
    let path = config(&d, &db, |c| {
        c.extra("[tokens]\naccess_token_lifetime = \"5m\"\n")
    });
    let (ok, err) = migrate(&path, &[]).await;
    assert!(!ok);
    assert!(
        names_file(&err, &path) && err.contains("access_token_lifetime"),
        "{err}"
    );
}

#[tokio::test]
async fn wrong_type_is_named() {
    let d = tempfile::tempdir().unwrap();
    let db = sqlite_url(&d);
    let path = config(&d, &db, |c| ConfigFile {
        database: "max_connections = \"ten\"\n",
        ..c
    });
    let (ok, err) = migrate(&path, &[]).await;
    assert!(!ok);
    assert!(err.contains("database.max_connections"), "{err}");
}

#[tokio::test]
async fn absurd_worker_thread_count_is_named() {
    let d = tempfile::tempdir().unwrap();
    let db = sqlite_url(&d);
    let path = config(&d, &db, |c| ConfigFile {
        server: "worker_threads = 100000\n",
        ..c
    });
    let (ok, err) = migrate(&path, &[]).await;
    assert!(!ok);
    assert!(
        names_file(&err, &path) && err.contains("server.worker_threads"),
        "{err}"
    );
    // Within bounds it is accepted (the command here is `migrate`, on that runtime).
    let path = config(&d, &db, |c| ConfigFile {
        server: "worker_threads = 3\n",
        ..c
    });
    let (ok, err) = migrate(&path, &[]).await;
    assert!(ok, "{err}");
}

#[tokio::test]
async fn unparsable_duration_is_named() {
    let d = tempfile::tempdir().unwrap();
    let db = sqlite_url(&d);
    let path = config(&d, &db, |c| c.extra("[tokens]\ncode_ttl = \"a minute\"\n"));
    let (ok, err) = migrate(&path, &[]).await;
    assert!(!ok);
    assert!(
        err.contains("tokens.code_ttl") && err.contains("a minute"),
        "{err}"
    );
}

#[tokio::test]
async fn relative_issuer_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let db = sqlite_url(&d);
    let path = config(&d, &db, |c| ConfigFile {
        issuer: "/tessera",
        ..c
    });
    let (ok, err) = migrate(&path, &[]).await;
    assert!(!ok);
    assert!(
        err.contains("`issuer`") && err.contains("absolute URL"),
        "{err}"
    );
}

#[tokio::test]
async fn environment_overrides_name_the_variable() {
    let d = tempfile::tempdir().unwrap();
    let db = sqlite_url(&d);
    let path = config(&d, &db, |c| c);
    let (ok, err) = migrate(&path, &[("TESSERA_KEYS_ROTATION_INTERVAL", "often")]).await;
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
    let path = config(&d, "sqlite:///nonexistent-dir/never.db", |c| c);
    let (ok, err) = migrate(
        &path,
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
    let (ok, err) = migrate(Path::new("/nonexistent/tessera.toml"), &[]).await;
    assert!(!ok);
    assert!(err.contains("/nonexistent/tessera.toml"), "{err}");
}
