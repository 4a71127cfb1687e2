//! One schema truth for both databases. `migrations/sqlite/` and `migrations/postgres/` are
//! written by hand, one file per change in each; these tests fail when the two trees say
//! different things, and the failure says where:
//! - `text`: the files, statement by statement, apart from comments, whitespace, a short table of
//!   dialect spellings, and the statements listed as exceptions with their reason;
//! - `catalog`: both trees applied to fresh databases (SQLite always, PostgreSQL when one is
//!   reachable), and the resulting tables, columns, keys, indexes and triggers compared.
//!
//! `migrations/README.md` says how to add a migration.

mod catalog;
mod sql;
mod text;
