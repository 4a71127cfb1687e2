//! DPoP at the endpoints (RFC 9449): read the one `DPoP` header, have `services::dpop` check
//! it, and answer a refusal the way the endpoint must — `/token` (and `/par`) with 400
//! `invalid_dpop_proof` / `use_dpop_nonce` (§5, §8), a protected resource with 401 and a `DPoP`
//! challenge (§7.1, §9). Every refusal carries a fresh `DPoP-Nonce` when nonces are required.

use axum::http::HeaderMap;

use crate::error::{Challenge, ErrorCode, OAuthError};
use crate::services::dpop::{DpopError, Proof, ProofTarget};
use crate::state::AppState;

/// The header that carries the proof.
pub const DPOP_HEADER: &str = "dpop";
/// The header that carries a server nonce.
pub const DPOP_NONCE_HEADER: &str = "dpop-nonce";

/// Where a proof is checked: how a refusal is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The token endpoint (and PAR): 400, JSON (RFC 9449 §5).
    AuthorizationServer,
    /// A protected resource (userinfo): 401 with `WWW-Authenticate: DPoP` (§7.1).
    Resource,
}

/// Checks the request's proof, if it has one, for `method` on the endpoint at `path`.
/// `Ok(None)`: no `DPoP` header.
pub async fn optional_proof(
    state: &AppState,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    access_token: Option<&str>,
    audience: Audience,
) -> Result<Option<Proof>, OAuthError> {
    let refuse = |e: DpopError| refusal(state, e, audience);
    let Some(proof) = one_header(headers).map_err(refuse)? else {
        return Ok(None);
    };
    let url = format!("{}{path}", state.config.issuer);
    let target = ProofTarget {
        method,
        url: &url,
        access_token,
    };
    let proof = state
        .dpop
        .check(&state.store, proof, &target, state.now())
        .await
        .map_err(refuse)?;
    Ok(Some(proof))
}

/// RFC 9449 §4.3 item 1: at most one `DPoP` header, a visible-ASCII value.
fn one_header(headers: &HeaderMap) -> Result<Option<&str>, DpopError> {
    let mut values = headers.get_all(DPOP_HEADER).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(DpopError::Invalid("more than one DPoP header".into()));
    }
    first
        .to_str()
        .map(Some)
        .map_err(|_| DpopError::Invalid("the DPoP header is not a JWT".into()))
}

/// The answer to a refused proof at `audience`.
pub fn refusal(state: &AppState, e: DpopError, audience: Audience) -> OAuthError {
    let error = match e {
        DpopError::Invalid(why) => OAuthError::new(ErrorCode::InvalidDpopProof, why),
        DpopError::NonceRequired => OAuthError::new(
            ErrorCode::UseDpopNonce,
            "a DPoP nonce from the DPoP-Nonce header is required",
        ),
        DpopError::Store(s) => return s.into(),
    };
    let error = error.with_dpop_nonce(state.dpop.fresh_nonce(state.now()));
    match audience {
        Audience::AuthorizationServer => error,
        Audience::Resource => error.with_challenge(Challenge::Dpop),
    }
}
