//! The schema of a migrated SQLite database, from `sqlite_master` and the `pragma_*` functions.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;

use super::{Column, ForeignKey, Index, Schema, Table};
use crate::migrations::sql::{expression_key, fold_case, tokens};

pub async fn schema(url: &str) -> anyhow::Result<Schema> {
    let mut db = SqliteConnection::connect(url).await?;
    let mut schema = Schema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' \
         ESCAPE '\\' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await?;
    for name in tables {
        let table = Table {
            columns: columns(&mut db, &name).await?,
            primary_key: primary_key(&mut db, &name).await?,
            indexes: indexes(&mut db, &name).await?,
            foreign_keys: foreign_keys(&mut db, &name).await?,
        };
        schema.tables.insert(name, table);
    }
    let triggers: Vec<(String, String)> =
        sqlx::query_as("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            .fetch_all(&mut db)
            .await?;
    for (table, sql) in triggers {
        schema.triggers.insert(trigger(table, &sql)?);
    }
    db.close().await?;
    Ok(schema)
}

async fn columns(db: &mut SqliteConnection, table: &str) -> sqlx::Result<Vec<Column>> {
    let rows: Vec<(String, String, i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid",
    )
    .bind(table)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, r#type, not_null, default, pk)| Column {
            name,
            r#type: r#type.to_ascii_uppercase(),
            // SQLite's catalog marks only declared NOT NULL; PostgreSQL implies it for keys.
            not_null: not_null == 1 || pk > 0,
            default: default.map(|d| expression_key(&d)),
        })
        .collect())
}

async fn primary_key(db: &mut SqliteConnection, table: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk")
        .bind(table)
        .fetch_all(db)
        .await
}

/// Every index but the primary key's.
async fn indexes(db: &mut SqliteConnection, table: &str) -> sqlx::Result<BTreeSet<Index>> {
    let list: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT name, \"unique\", origin FROM pragma_index_list(?)")
            .bind(table)
            .fetch_all(&mut *db)
            .await?;
    let mut indexes = BTreeSet::new();
    // origin: `c` made by CREATE INDEX, `u` by a UNIQUE constraint, `pk` by the primary key.
    for (name, unique, origin) in list.into_iter().filter(|(_, _, o)| o != "pk") {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                .bind(&name)
                .fetch_all(&mut *db)
                .await?;
        let sql: Option<String> =
            sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = ?")
                .bind(&name)
                .fetch_one(&mut *db)
                .await?;
        indexes.insert(Index {
            name: (origin == "c").then_some(name),
            columns,
            unique: unique == 1,
            predicate: sql.as_deref().and_then(predicate),
        });
    }
    Ok(indexes)
}

async fn foreign_keys(
    db: &mut SqliteConnection,
    table: &str,
) -> sqlx::Result<BTreeSet<ForeignKey>> {
    let rows: Vec<(i64, String, String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete \
         FROM pragma_foreign_key_list(?) ORDER BY id, seq",
    )
    .bind(table)
    .fetch_all(&mut *db)
    .await?;
    let mut keys: BTreeMap<i64, ForeignKey> = BTreeMap::new();
    for (id, references, from, to, on_update, on_delete) in rows {
        let key = keys.entry(id).or_insert_with(|| ForeignKey {
            columns: Vec::new(),
            references,
            referenced_columns: Vec::new(),
            on_update,
            on_delete,
        });
        key.columns.push(from);
        key.referenced_columns.extend(to);
    }
    for key in keys.values_mut() {
        // `to` is NULL when the reference names no columns: the referenced table's primary key.
        if key.referenced_columns.is_empty() {
            key.referenced_columns = primary_key(db, &key.references).await?;
        }
    }
    Ok(keys.into_values().collect())
}

/// The `WHERE` of a partial index's `CREATE INDEX`.
fn predicate(sql: &str) -> Option<String> {
    let tokens = tokens(sql);
    let at = tokens.iter().position(|t| fold_case(t) == "WHERE")?;
    Some(expression_key(&tokens[at + 1..].join(" ")))
}

/// (table, timing, event) of a `CREATE TRIGGER`: `BEFORE`, `AFTER` or `INSTEAD OF`, then
/// `INSERT`, `DELETE` or `UPDATE [OF columns]`.
fn trigger(table: String, sql: &str) -> anyhow::Result<(String, String, String)> {
    let words: Vec<String> = tokens(sql).iter().map(|t| fold_case(t)).collect();
    let at = words
        .iter()
        .position(|w| ["BEFORE", "AFTER", "INSTEAD"].contains(&w.as_str()))
        .ok_or_else(|| anyhow::anyhow!("a trigger without BEFORE/AFTER/INSTEAD OF: {sql}"))?;
    let (timing, event) = match words[at].as_str() {
        "INSTEAD" => ("INSTEAD OF".to_string(), words.get(at + 2)),
        timing => (timing.to_string(), words.get(at + 1)),
    };
    let event = event.ok_or_else(|| anyhow::anyhow!("a trigger without an event: {sql}"))?;
    Ok((table, timing, event.clone()))
}
