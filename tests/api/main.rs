//! One integration-test binary (each file under tests/ would be a separate slow link).
//! Every test starts the real server on a random port against a fresh database: SQLite by
//! default, PostgreSQL when `TESSERA_TEST_DATABASE_URL` is set (see `.ci/run`).

mod common;

mod cli;
mod client_auth;
mod config;
mod discovery;
mod health;
mod introspect;
mod keys;
mod refresh;
mod revoke;
mod token;
mod token_errors;
