//! Protocol endpoints, one module per endpoint.

pub mod authorize;
pub mod client_auth;
pub mod discovery;
pub mod form;
pub mod health;
pub mod jwks;
pub mod private_key_jwt;
pub mod token;
pub mod userinfo;
