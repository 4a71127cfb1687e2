//! The schema of a migrated PostgreSQL database, from `information_schema` and `pg_catalog`.
//! Rows are decoded into tuples, so a surprise comes back as an error, never a panic.

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use super::{Column, ForeignKey, Index, Schema, Table};
use crate::migrations::sql::expression_key;

/// `$1` is a table of the current schema, aliased `t`.
const OF_TABLE: &str = "t.relname = $1 AND t.relnamespace = current_schema()::regnamespace";

pub async fn schema(url: &str) -> anyhow::Result<Schema> {
    let mut db = PgConnection::connect(url).await?;
    let mut schema = Schema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = \
         current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await?;
    for name in tables {
        let mut table = Table {
            columns: columns(&mut db, &name).await?,
            foreign_keys: foreign_keys(&mut db, &name).await?,
            ..Table::default()
        };
        for (index, primary, unique, of_constraint, predicate, columns) in
            indexes(&mut db, &name).await?
        {
            if primary {
                table.primary_key = columns;
                continue;
            }
            table.indexes.insert(Index {
                name: (!of_constraint).then_some(index),
                columns,
                unique,
                predicate: predicate.map(|p| expression_key(&p)),
            });
        }
        schema.tables.insert(name, table);
    }
    let triggers: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT event_object_table::text, action_timing::text, event_manipulation::text \
         FROM information_schema.triggers WHERE trigger_schema = current_schema()",
    )
    .fetch_all(&mut db)
    .await?;
    schema.triggers = triggers.into_iter().collect();
    db.close().await?;
    Ok(schema)
}

async fn columns(db: &mut PgConnection, table: &str) -> sqlx::Result<Vec<Column>> {
    let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text, is_nullable::text, column_default::text \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, data_type, nullable, default)| {
            // BIGSERIAL: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT (text.rs, DIALECT).
            let serial = default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
            Column {
                name,
                r#type: match data_type.as_str() {
                    _ if serial => "INTEGER".into(),
                    "bytea" => "BLOB".into(),
                    other => other.to_ascii_uppercase(),
                },
                not_null: nullable == "NO",
                default: default.filter(|_| !serial).map(|d| expression_key(&d)),
            }
        })
        .collect())
}

/// Columns of an index or a constraint, in key order.
fn columns_of(relation: &str, keys: &str) -> String {
    format!(
        "ARRAY(SELECT a.attname::text FROM unnest({keys}) WITH ORDINALITY AS k(attnum, n) \
         JOIN pg_attribute a ON a.attrelid = {relation} AND a.attnum = k.attnum ORDER BY k.n)"
    )
}

/// An index: name, primary, unique, backs a constraint, predicate, columns.
type IndexRow = (String, bool, bool, bool, Option<String>, Vec<String>);

async fn indexes(db: &mut PgConnection, table: &str) -> sqlx::Result<Vec<IndexRow>> {
    sqlx::query_as(&format!(
        "SELECT ic.relname::text, i.indisprimary, i.indisunique, \
         EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid \
                 AND k.conrelid = i.indrelid AND k.contype IN ('u', 'p', 'x')), \
         pg_get_expr(i.indpred, i.indrelid), {} \
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid \
         JOIN pg_class ic ON ic.oid = i.indexrelid WHERE {OF_TABLE}",
        columns_of("i.indrelid", "i.indkey::int2[]")
    ))
    .bind(table)
    .fetch_all(db)
    .await
}

/// A foreign key: columns, referenced table, referenced columns, update and delete actions.
type ForeignKeyRow = (Vec<String>, String, Vec<String>, String, String);

async fn foreign_keys(
    db: &mut PgConnection,
    table: &str,
) -> sqlx::Result<std::collections::BTreeSet<ForeignKey>> {
    let rows: Vec<ForeignKeyRow> = sqlx::query_as(&format!(
        "SELECT {}, r.relname::text, {}, c.confupdtype::text, c.confdeltype::text \
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
             JOIN pg_class r ON r.oid = c.confrelid WHERE c.contype = 'f' AND {OF_TABLE}",
        columns_of("c.conrelid", "c.conkey"),
        columns_of("c.confrelid", "c.confkey"),
    ))
    .bind(table)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(columns, references, referenced_columns, on_update, on_delete)| ForeignKey {
                columns,
                references,
                referenced_columns,
                on_update: action(&on_update),
                on_delete: action(&on_delete),
            },
        )
        .collect())
}

/// `pg_constraint.confupdtype`/`confdeltype` in the words SQLite's catalog uses.
fn action(code: &str) -> String {
    match code {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        other => other,
    }
    .to_string()
}
