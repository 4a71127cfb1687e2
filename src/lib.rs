//! Tessera: an OAuth 2.0 / OpenID Connect authorization server.
//!
//! Where things are: [`app`] holds the state and the whole route table; [`oauth`] one module per
//! protocol endpoint; [`keys`] signing keys and the JWKS; [`store`] the storage seam; [`pages`]
//! the HTML pages; [`cli`] the admin commands; [`config`] the typed configuration.
#![deny(clippy::unwrap_used)]

pub mod app;
pub mod cli;
pub mod client_cache;
pub mod client_ip;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod envelope;
pub mod error;
pub mod keys;
pub mod metrics;
pub mod oauth;
pub mod pages;
pub mod paths;
pub mod server;
pub mod session;
pub mod store;
pub mod throttle;
pub mod tokens;
