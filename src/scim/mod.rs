//! SCIM 2.0 (RFC 7643, RFC 7644) under `{issuer}/scim/v2`: people and groups provisioned and
//! administered over HTTP by an HR system or directory, authorised by Tessera's own access
//! tokens (`auth`: the `scim:read` and `scim:write` permissions).
//!
//! One module per concept: `auth` who may call; `error` SCIM's error format; `wire` the media
//! type, versions and list parameters; `users` and `groups` the resources; `patch` PATCH
//! operations; `discovery` the documents describing the service. Filters are parsed by
//! `domain::scim_filter` and become SQL with bound parameters in `store::scim_sql`.

pub mod auth;
pub mod discovery;
pub mod error;
pub mod groups;
mod patch;
mod user_resource;
pub mod users;
pub mod wire;

use crate::http::paths;
use crate::state::AppState;

pub use auth::{SCIM_READ, SCIM_WRITE};

/// `{issuer}/scim/v2`, the base of every `location` and `$ref`.
fn base_url(state: &AppState) -> String {
    format!(
        "{}{}",
        state.config.issuer.as_str().trim_end_matches('/'),
        paths::SCIM_BASE
    )
}
