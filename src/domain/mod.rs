//! Domain newtypes that parse input once, so an unchecked string never reaches a handler.

mod issuer;
mod permission;
mod redirect_uri;
mod scope;
mod username;

pub use issuer::Issuer;
pub use permission::{Permission, parse_role_name};
pub use redirect_uri::RedirectUri;
pub use scope::Scope;
pub use username::Username;
