//! The two migration trees, statement by statement: the same files, and in each file the same
//! statements once comments, whitespace, letter case and the spellings in [`DIALECT`] are set
//! aside. A statement that must be written differently is listed in [`EXCEPTIONS`] with the
//! reason; any other difference fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::sql::{Statement, statements, tokens};

/// Spellings that differ between the dialects and mean the same, as (PostgreSQL, SQLite, what
/// it is). Matched on whole tokens; the PostgreSQL spelling is rewritten to SQLite's.
const DIALECT: &[(&str, &str, &str)] = &[
    (
        "BIGSERIAL PRIMARY KEY",
        "INTEGER PRIMARY KEY AUTOINCREMENT",
        "a 64-bit key the database assigns",
    ),
    ("BYTEA", "BLOB", "a byte string"),
];

/// Statements of one migration file that are written differently in the two trees, on purpose.
struct Exception {
    file: &'static str,
    why: &'static str,
    /// The statements, by their first tokens (case-insensitive): each must match exactly one.
    sqlite: &'static [&'static str],
    postgres: &'static [&'static str],
}

const EXCEPTIONS: &[Exception] = &[
    Exception {
        file: "0008_change_epochs.sql",
        why: "trigger syntax: SQLite has no trigger functions and one event per trigger, so each \
          (table, event) pair is its own trigger with the UPDATE inline; PostgreSQL runs one \
          plpgsql function from one statement-level trigger per table. The catalog comparison \
          checks that both fire on the same tables and events.",
        sqlite: &[
            "CREATE TRIGGER clients_epoch_update",
            "CREATE TRIGGER clients_epoch_delete",
            "CREATE TRIGGER client_roles_epoch_insert",
            "CREATE TRIGGER client_roles_epoch_delete",
            "CREATE TRIGGER role_permissions_epoch_insert",
            "CREATE TRIGGER role_permissions_epoch_delete",
            "CREATE TRIGGER roles_epoch_delete",
            "CREATE TRIGGER permissions_epoch_delete",
        ],
        postgres: &[
            "CREATE FUNCTION bump_clients_epoch",
            "CREATE TRIGGER clients_epoch",
            "CREATE TRIGGER client_roles_epoch",
            "CREATE TRIGGER role_permissions_epoch",
            "CREATE TRIGGER roles_epoch",
            "CREATE TRIGGER permissions_epoch",
        ],
    },
    Exception {
        file: "0023_code_session_clients.sql",
        why: "trigger syntax: SQLite writes the INSERT inline in the trigger; PostgreSQL runs it from \
          a plpgsql function. The catalog comparison checks that both fire after an INSERT on \
          auth_codes.",
        sqlite: &["CREATE TRIGGER auth_codes_session_client"],
        postgres: &[
            "CREATE FUNCTION record_session_client",
            "CREATE TRIGGER auth_codes_session_client",
        ],
    },
    Exception {
        file: "0024_sign_on_version.sql",
        why: "trigger syntax, as in 0008_change_epochs.sql: one SQLite trigger per (table, event) \
          with the UPDATE inline; plpgsql functions on PostgreSQL, one row-level trigger per \
          table. The catalog comparison checks that both fire on the same tables and events.",
        sqlite: &[
            "CREATE TRIGGER users_sign_on_version",
            "CREATE TRIGGER consents_sign_on_version_insert",
            "CREATE TRIGGER consents_sign_on_version_update",
            "CREATE TRIGGER consents_sign_on_version_delete",
        ],
        postgres: &[
            "CREATE FUNCTION bump_sign_on_version",
            "CREATE TRIGGER users_sign_on_version",
            "CREATE FUNCTION bump_consenting_sign_on_version",
            "CREATE TRIGGER consents_sign_on_version",
        ],
    },
];

const HOW_TO_FIX: &str = "Write the migration once per tree with the same statements in the \
    same order (migrations/README.md). If two spellings mean the same in both databases, add \
    them to DIALECT; if a statement has to differ, list it in EXCEPTIONS with the reason \
    (tests/api/migrations/text.rs).";

fn tree(dialect: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dialect)
}

fn migration_files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".sql"))
        .collect()
}

/// The statement's comparison key, with the PostgreSQL spellings of [`DIALECT`] as SQLite's.
fn key(statement: &Statement, postgres: bool) -> String {
    let mut key = format!(" {} ", statement.key());
    if postgres {
        for (pg, sqlite, _) in DIALECT {
            key = key.replace(&format!(" {pg} "), &format!(" {sqlite} "));
        }
    }
    key.trim().to_string()
}

/// Takes the statements `heads` name out of `list`; a head that names none, or more than one,
/// is an error (a stale or ambiguous exception).
fn take_exceptions(exception: &Exception, dialect: &str, list: &mut Vec<Statement>) {
    let heads = match dialect {
        "sqlite" => exception.sqlite,
        _ => exception.postgres,
    };
    for head in heads {
        let head_key = Statement {
            tokens: tokens(head),
        }
        .key();
        let matching: Vec<usize> = (0..list.len())
            .filter(|&i| {
                let key = list[i].key();
                key == head_key || key.starts_with(&format!("{head_key} "))
            })
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "EXCEPTIONS entry `{head}` for {dialect}/{} ({}) matches {} statements, not one",
            exception.file,
            exception.why,
            matching.len()
        );
        list.remove(matching[0]);
    }
}

#[test]
fn migration_trees_differ_only_in_listed_dialect_statements() {
    let (sqlite_dir, postgres_dir) = (tree("sqlite"), tree("postgres"));
    let files = migration_files(&sqlite_dir);
    let postgres_files = migration_files(&postgres_dir);
    assert_eq!(
        files, postgres_files,
        "migrations/sqlite and migrations/postgres must hold the same file names. {HOW_TO_FIX}"
    );
    for name in &files {
        let number_and_name = name.split_once('_').is_some_and(|(n, rest)| {
            n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()) && rest.len() > ".sql".len()
        });
        assert!(
            number_and_name,
            "{name}: migrations are named NNNN_what.sql"
        );
    }
    for exception in EXCEPTIONS {
        assert!(
            files.contains(exception.file),
            "EXCEPTIONS names {}, which is not a migration",
            exception.file
        );
    }

    for name in &files {
        let read = |dir: &Path| {
            let path = dir.join(name);
            statements(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}")))
        };
        let (mut sqlite, mut postgres) = (read(&sqlite_dir), read(&postgres_dir));
        for exception in EXCEPTIONS.iter().filter(|e| e.file == name) {
            take_exceptions(exception, "sqlite", &mut sqlite);
            take_exceptions(exception, "postgres", &mut postgres);
        }
        for i in 0..sqlite.len().max(postgres.len()) {
            let (s, p) = (sqlite.get(i), postgres.get(i));
            let same = match (s, p) {
                (Some(s), Some(p)) => key(s, false) == key(p, true),
                _ => false,
            };
            assert!(
                same,
                "{name} differs between the trees at statement {} not in EXCEPTIONS (comments \
                 and whitespace aside):\n  sqlite:   {}\n  postgres: {}\n{HOW_TO_FIX}",
                i + 1,
                s.map_or("(none)".into(), Statement::text),
                p.map_or("(none)".into(), Statement::text),
            );
        }
    }
}
