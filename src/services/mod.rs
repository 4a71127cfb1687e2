//! The services handlers call, below the application state: each takes only what it uses
//! (`&Store`, `&KeyManager`, its own config section, the clock), so each can be tested without
//! a server.

pub mod client_cache;
pub mod client_documents;
pub mod client_jwks;
pub mod dpop;
mod dpop_replay;
pub mod email;
pub mod login_throttle;
pub mod metadata;
pub mod metrics;
pub mod passkeys;
pub mod people_cache;
pub mod rate_limit;
pub mod revocation_list;
pub mod second_factor;
pub mod sector_identifier;
pub mod session;
pub mod session_activity;
pub mod upstream;
pub mod user_code_throttle;
