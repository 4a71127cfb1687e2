//! Tessera: an OAuth 2.0 / OpenID Connect authorization server.
//!
//! Dependencies run one way: [`router`] → handlers ([`oauth`], [`pages`], [`logout`], [`ops`],
//! [`scim`])
//! → [`state`] → [`services`] and [`tokens`] → [`store`], [`keys`], [`domain`], [`i18n`], [`config`],
//! [`clock`] → [`audit`], which every layer may emit events to. [`http`] is the plumbing around every request; [`server`] starts and stops it all;
//! [`cli`] holds the admin commands.
#![deny(clippy::unwrap_used)]

pub mod account;
pub mod audit;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod error;
pub mod http;
pub mod i18n;
pub mod keys;
pub mod logout;
pub mod oauth;
pub mod ops;
pub mod pages;
pub mod router;
pub mod scim;
pub mod server;
pub mod services;
pub mod state;
pub mod store;
pub mod tokens;
