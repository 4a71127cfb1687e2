//! Domain newtypes that parse input once, so an unchecked string never reaches a handler.

mod email;
pub mod identifier;
pub mod password;
mod permission;
mod redirect_uri;
mod scope;
mod username;

pub use email::Email;
pub use permission::{Permission, parse_role_name};
pub use redirect_uri::RedirectUri;
pub use scope::Scope;
pub use username::Username;
