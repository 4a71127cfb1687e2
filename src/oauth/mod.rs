//! Protocol endpoints, one module per endpoint.

pub mod authorize;
pub mod backchannel;
pub mod client_auth;
pub mod client_jwks;
pub mod discovery;
pub mod form;
pub mod health;
pub mod introspect;
pub mod jwks;
pub mod logout;
pub mod private_key_jwt;
pub mod rate_limit;
pub mod revocation;
pub mod revoke;
pub mod token;
pub mod userinfo;
