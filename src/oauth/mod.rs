//! Protocol endpoints, one module per endpoint, and client authentication, which the token,
//! revocation and introspection endpoints share.

pub mod authorize;
pub mod client_auth;
pub mod cors;
pub mod device_authorization;
pub mod discovery;
pub mod dpop;
pub mod introspect;
pub mod jwks;
pub mod par;
pub mod registration;
pub mod request_object;
pub mod revoke;
pub mod token;
pub mod userinfo;
