//! Who may call the SCIM endpoints: a Bearer access token Tessera issued whose `permissions`
//! claim holds [`SCIM_READ`] (GET) or [`SCIM_WRITE`] (every change), e.g. a client_credentials
//! token of a service account holding a role with them. Tessera's RBAC protects its own API.

use axum::http::HeaderMap;

use crate::oauth::userinfo::bearer;
use crate::state::AppState;

use super::error::ScimError;

/// The permission to read users and groups.
pub const SCIM_READ: &str = "scim:read";
/// The permission to create, change and delete users and groups.
pub const SCIM_WRITE: &str = "scim:write";

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Write,
}

impl Need {
    fn permission(self) -> &'static str {
        match self {
            Need::Read => SCIM_READ,
            Need::Write => SCIM_WRITE,
        }
    }
}

/// The client a request acts for (the audit trail names it).
#[derive(Debug, Clone)]
pub struct Caller {
    pub client_id: String,
}

/// Checks the request's token: 401 without a valid, unrevoked Tessera access token, 403 when it
/// lacks the permission `need` asks.
pub fn authorize(state: &AppState, headers: &HeaderMap, need: Need) -> Result<Caller, ScimError> {
    let token = bearer(headers)
        .map_err(|_| ScimError::unauthorized("the Authorization header must be Bearer"))?
        .ok_or_else(|| ScimError::unauthorized("an access token is required"))?;
    let claims = state
        .tokens
        .verify_access_token(&token, state.now())
        .map_err(|_| ScimError::unauthorized("the access token is not valid"))?;
    if state.revocations.is_revoked(&claims.jti) {
        return Err(ScimError::unauthorized("the access token has been revoked"));
    }
    // RFC 9449 §7.1: a DPoP-bound token is never accepted as a plain Bearer token.
    if claims.cnf.is_some() {
        return Err(ScimError::unauthorized(
            "a DPoP-bound access token cannot be used here",
        ));
    }
    let permission = need.permission();
    let holds = claims
        .entitlements
        .permissions
        .as_ref()
        .is_some_and(|p| p.iter().any(|p| p == permission));
    if !holds {
        return Err(ScimError::forbidden(format!(
            "this needs the permission {permission}"
        )));
    }
    Ok(Caller {
        client_id: claims.client_id,
    })
}
