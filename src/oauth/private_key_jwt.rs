//! `private_key_jwt` client authentication (RFC 7523 §2.2, §3; OIDC Core §9).
//!
//! TODO(issue 5): verify the assertion against the client's registered JWKS / jwks_uri, check
//! iss = sub = client_id, aud, exp ≤ 5 min ahead, and remember `jti` until expiry. Until then
//! every assertion is refused, so no client can authenticate this way.

use crate::app::AppState;
use crate::error::OAuthError;
use crate::store::ClientRow;

/// The `sub` of an assertion, read without verification, to find the client it claims to be.
pub fn unverified_subject(_assertion: &str) -> Option<String> {
    None
}

/// Verifies a client assertion for `client`.
pub async fn verify(
    _state: &AppState,
    _client: &ClientRow,
    _assertion: &str,
) -> Result<(), OAuthError> {
    Err(OAuthError::invalid_client("client authentication failed"))
}
