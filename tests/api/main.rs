//! One integration-test binary (each file under tests/ would be a separate slow link).
//! Every test starts the real server on a random port against a fresh database: SQLite by
//! default, PostgreSQL when `TESSERA_TEST_DATABASE_URL` is set (see `.ci/run`).

mod common;

mod account;
mod audit;
mod authorize;
mod backchannel;
mod browser;
mod cli;
mod client_auth;
mod client_cache;
mod client_ip;
mod code_grant;
mod config;
mod consent_page;
mod cors;
mod device;
mod discovery;
mod email;
mod fapi;
mod hardening;
mod health;
mod hostile;
mod identifiers;
mod introspect;
mod jar;
mod key_revocation;
mod keys;
mod logout;
mod metrics;
mod mfa;
mod migrations;
mod oidc_rp;
mod par;
mod password_policy;
mod purge;
mod rate_limit;
mod rbac;
mod refresh;
mod registration;
mod resilience;
mod resource_server;
mod revoke;
mod sign_in_cost;
mod slow_clients;
mod spa;
mod throttle;
mod throttle_burst;
mod token;
mod token_claims;
mod token_errors;
mod token_exchange;
mod userinfo;
