//! A fresh database per test: a SQLite file in a temp folder, or a new PostgreSQL database
//! (dropped again when the test ends) when `TESSERA_TEST_DATABASE_URL` names a server.

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// A database that lives as long as the test.
pub struct TestDb {
    pub url: String,
    /// (maintenance URL, database name) for PostgreSQL.
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Creates the database the environment asks for.
    pub async fn create() -> TestDb {
        match std::env::var("TESSERA_TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => Self::postgres(base).await,
            _ => {
                let dir = tempfile::tempdir().expect("tempdir");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("tessera.db").display()
                );
                TestDb {
                    url,
                    pg: None,
                    _dir: Some(dir),
                }
            }
        }
    }

    async fn postgres(base: String) -> TestDb {
        let mut admin = PgConnection::connect(&base)
            .await
            .expect("connect to TESSERA_TEST_DATABASE_URL");
        let base_name = base
            .rsplit('/')
            .next()
            .unwrap_or("test")
            .split('?')
            .next()
            .unwrap_or("test")
            .to_string();
        let name = format!("{base_name}_{}", uuid::Uuid::new_v4().simple())
            .chars()
            .take(63)
            .collect::<String>();
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create database");
        admin.close().await.ok();
        let (prefix, _) = base.rsplit_once('/').expect("database URL has a path");
        TestDb {
            url: format!("{prefix}/{name}"),
            pg: Some((base, name)),
            _dir: None,
        }
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, name)) = self.pg.take() else {
            return;
        };
        // Drop from a thread of its own: Drop cannot await, and the test's runtime may be gone.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(mut c) = PgConnection::connect(&base).await {
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .execute(&mut c)
                            .await;
                }
            });
        })
        .join();
    }
}
