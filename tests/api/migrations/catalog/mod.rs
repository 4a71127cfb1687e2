//! Both trees applied, by the server's own `Store::migrate`, to fresh databases, and the schemas
//! read back from the catalogs (`sqlite_master` and the `pragma_*` functions; PostgreSQL's
//! `information_schema` and `pg_catalog`) must be the same: tables, columns (name, type,
//! nullability, default, in order), primary keys, other indexes (unique or not, columns,
//! partial-index predicate; the name when made by `CREATE INDEX`), foreign keys with their
//! actions, and which (table, timing, event) fire a trigger.
//!
//! Normalised before comparing, the ways the engines report the same thing differently:
//! PostgreSQL's type names (`bigint` → `BIGINT`, `bytea` → `BLOB`, a `bigint` defaulting to
//! `nextval(..)` → SQLite's auto-assigned `INTEGER` key); primary-key columns are NOT NULL
//! (PostgreSQL implies it; SQLite's catalog does not say it); casts and parentheses in defaults
//! and predicates; the names of indexes that back a UNIQUE or PRIMARY KEY constraint (each
//! engine makes up its own). Trigger bodies and row versus statement level are not compared:
//! they differ by design (see `text.rs`).
//!
//! PostgreSQL is the server of `TESSERA_TEST_DATABASE_URL`, else of `TESSERA_CI_POSTGRES` (as
//! in `.ci/run`), else `postgres://postgres@127.0.0.1:5432`. A fresh database is created there
//! and dropped afterwards. When nothing answers the test says so and passes, unless a URL was
//! given in `TESSERA_TEST_DATABASE_URL` or `CI=true`: then it fails.

mod postgres;
mod sqlite;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use tessera::store::Store;

/// A schema as both engines can describe it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Schema {
    tables: BTreeMap<String, Table>,
    /// (table, timing, event) of every trigger, e.g. ("clients", "AFTER", "DELETE").
    triggers: BTreeSet<(String, String, String)>,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    columns: Vec<Column>,
    primary_key: Vec<String>,
    indexes: BTreeSet<Index>,
    foreign_keys: BTreeSet<ForeignKey>,
}

#[derive(Debug, PartialEq, Eq)]
struct Column {
    name: String,
    r#type: String,
    not_null: bool,
    default: Option<String>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    /// `None` for an index that backs a UNIQUE constraint: each engine names it its own way.
    name: Option<String>,
    columns: Vec<String>,
    unique: bool,
    predicate: Option<String>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    columns: Vec<String>,
    references: String,
    referenced_columns: Vec<String>,
    on_update: String,
    on_delete: String,
}

#[tokio::test]
async fn migrated_schemas_match_in_sqlite_and_postgres() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite_url = format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display());
    migrate(&sqlite_url).await.expect("migrate SQLite");
    let sqlite = sqlite::schema(&sqlite_url)
        .await
        .expect("read the SQLite schema");
    assert!(
        sqlite.tables.contains_key("clients"),
        "the SQLite schema was not read: {sqlite:#?}"
    );

    let Some(server) = postgres_server().await else {
        return;
    };
    let (url, name) = server.create_database().await;
    // Errors come back as values, so the database is dropped before anything is asserted.
    let postgres = async {
        migrate(&url).await?;
        postgres::schema(&url).await
    }
    .await;
    server.drop_database(&name).await;
    let postgres = postgres.expect("migrate PostgreSQL and read its schema");

    let names = |s: &Schema| s.tables.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&sqlite), names(&postgres), "tables differ");
    for (name, table) in &sqlite.tables {
        assert_eq!(
            table, &postgres.tables[name],
            "table `{name}` differs (left: SQLite, right: PostgreSQL)"
        );
    }
    assert_eq!(
        sqlite.triggers, postgres.triggers,
        "triggers fire on different tables or events (left: SQLite, right: PostgreSQL)"
    );
}

/// Runs the server's own migrations on `url`.
async fn migrate(url: &str) -> anyhow::Result<()> {
    let store = Store::connect(url, 2, Duration::from_secs(10)).await?;
    let migrated = store.migrate().await;
    store.close().await;
    migrated
}

/// The PostgreSQL server the comparison runs on, as an administrative connection URL.
struct PostgresServer {
    admin_url: String,
}

/// Finds PostgreSQL, or says why the comparison is skipped (outside CI, when none was asked for).
async fn postgres_server() -> Option<PostgresServer> {
    let given = std::env::var("TESSERA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let required = given.is_some() || std::env::var("CI").as_deref() == Ok("true");
    let admin_url = given.unwrap_or_else(|| {
        let server = std::env::var("TESSERA_CI_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        format!("{server}/postgres")
    });
    let reachable = tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(&admin_url))
        .await
        .map_err(|_| "no answer within 5 s".to_string())
        .and_then(|c| c.map_err(|e| e.to_string()));
    match reachable {
        Ok(c) => {
            let _ = c.close().await;
            Some(PostgresServer { admin_url })
        }
        Err(e) if required => panic!(
            "PostgreSQL at {} is required here (TESSERA_TEST_DATABASE_URL or CI=true): {e}",
            redact(&admin_url)
        ),
        Err(e) => {
            eprintln!(
                "migrated_schemas_match_in_sqlite_and_postgres: only SQLite checked, PostgreSQL \
                 at {} is unreachable ({e}); set TESSERA_TEST_DATABASE_URL to compare",
                redact(&admin_url)
            );
            None
        }
    }
}

impl PostgresServer {
    /// A new, empty database: its URL and name. The name starts with the administrative
    /// database's, so `.ci/run`'s clean-up also finds one a crashed test left behind.
    async fn create_database(&self) -> (String, String) {
        let mut url = url::Url::parse(&self.admin_url).expect("PostgreSQL URL");
        let base = url.path().trim_start_matches('/').to_string();
        let name: String = format!("{base}_schema_{}", uuid::Uuid::new_v4().simple())
            .chars()
            .take(63)
            .collect();
        let mut admin = PgConnection::connect(&self.admin_url)
            .await
            .expect("connect");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create database");
        let _ = admin.close().await;
        url.set_path(&name);
        (url.to_string(), name)
    }

    async fn drop_database(&self, name: &str) {
        let mut admin = PgConnection::connect(&self.admin_url)
            .await
            .expect("connect");
        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .expect("drop database");
        let _ = admin.close().await;
    }
}

/// `url` without its password.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
