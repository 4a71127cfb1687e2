//! Domain newtypes that parse input once, so an unchecked string never reaches a handler, and
//! the closed sets of protocol names (grant types, auth methods, algorithms, key states).

mod closed_set;

mod alg;
mod key_state;
mod permission;
mod redirect_uri;
mod scope;
mod username;

pub use alg::Alg;
pub use closed_set::UnknownName;
pub use key_state::KeyState;
pub use permission::{Permission, parse_role_name};
pub use redirect_uri::RedirectUri;
pub use scope::Scope;
pub use username::Username;
