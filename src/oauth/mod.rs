//! Protocol endpoints, one module per endpoint.

pub mod discovery;
pub mod health;
pub mod jwks;
