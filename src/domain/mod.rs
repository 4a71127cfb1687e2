//! Domain newtypes that parse input once, so an unchecked string never reaches a handler.

mod redirect_uri;
mod scope;
mod username;

pub use redirect_uri::RedirectUri;
pub use scope::Scope;
pub use username::Username;
