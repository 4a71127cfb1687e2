//! `private_key_jwt` client authentication (RFC 7523 §2.2, §3; OIDC Core §9).
//!
//! The rules, in order:
//! 1. the assertion verifies with a key from the client's registered `jwks` or its `jwks_uri`
//!    (cached; re-fetched once when the `kid` is unknown), the algorithm pinned to the key;
//! 2. `iss` = `sub` = client_id (RFC 7523 §3 items 1–2);
//! 3. `aud` contains the token endpoint URL or the issuer (§3 item 3);
//! 4. `exp` present, not passed, at most [`MAX_LIFETIME`] ahead (§3 item 4; a long-lived
//!    assertion would have to be remembered for as long); `nbf`, if present, passed;
//! 5. `jti` present (OIDC Core §9) and never seen before for this client: it is remembered until
//!    `exp`, so a replay fails (§3 item 7).
//!
//! Every failure is the same `invalid_client`; the reason is logged, never the assertion.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use crate::audit::AuditEvent;
use crate::domain::Alg;
use crate::error::OAuthError;
use crate::http::paths;
use crate::keys::{VerifyError, verify_with_jwk_set};
use crate::state::AppState;
use crate::store::ClientRow;

/// Longest accepted time between now and an assertion's `exp`.
pub const MAX_LIFETIME: i64 = 300;
/// Clock skew tolerated on `nbf` and `iat`.
const LEEWAY: i64 = 30;

/// The claims RFC 7523 §3 talks about.
#[derive(Debug, Deserialize)]
struct AssertionClaims {
    iss: Option<String>,
    sub: Option<String>,
    #[serde(default)]
    aud: Audience,
    exp: Option<i64>,
    nbf: Option<i64>,
    iat: Option<i64>,
    jti: Option<String>,
}

/// `aud` is a string or an array of strings (RFC 7519 §4.1.3).
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
pub(crate) enum Audience {
    One(String),
    Many(Vec<String>),
    #[default]
    None,
}

impl Audience {
    /// Whether `wanted` is the audience or one of them.
    pub(crate) fn contains(&self, wanted: &str) -> bool {
        match self {
            Audience::One(a) => a == wanted,
            Audience::Many(v) => v.iter().any(|a| a == wanted),
            Audience::None => false,
        }
    }
}

/// The `sub` of an assertion, read without verification, to find the client it claims to be.
pub fn unverified_subject(assertion: &str) -> Option<String> {
    let payload = assertion.split('.').nth(1)?;
    let raw = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: AssertionClaims = serde_json::from_slice(&raw).ok()?;
    claims.sub
}

/// Verifies a client assertion for `client`.
pub async fn verify(
    state: &AppState,
    client: &ClientRow,
    assertion: &str,
) -> Result<(), OAuthError> {
    let refuse = |why: &str| {
        tracing::info!(client_id = %client.client_id, reason = why, "client assertion refused");
        OAuthError::invalid_client("client authentication failed")
    };
    let verified = verify_signature(state, client, assertion, &Alg::ALL)
        .await
        .map_err(|e| refuse(&e))?;
    let claims: AssertionClaims = verified.claims().map_err(|_| refuse("malformed claims"))?;
    let now = state.now();
    let id = client.client_id.as_str();
    if claims.iss.as_deref() != Some(id) || claims.sub.as_deref() != Some(id) {
        return Err(refuse("iss and sub must both be the client_id"));
    }
    let token_endpoint = format!("{}{}", state.config.issuer, paths::TOKEN);
    if !(claims.aud.contains(&token_endpoint) || claims.aud.contains(&state.config.issuer)) {
        return Err(refuse("aud is neither the token endpoint nor the issuer"));
    }
    let exp = claims.exp.ok_or_else(|| refuse("exp missing"))?;
    if exp <= now {
        return Err(refuse("expired"));
    }
    if exp > now + MAX_LIFETIME + LEEWAY {
        return Err(refuse("exp too far in the future"));
    }
    if claims.nbf.is_some_and(|nbf| nbf > now + LEEWAY)
        || claims.iat.is_some_and(|iat| iat > now + LEEWAY)
    {
        return Err(refuse("not yet valid"));
    }
    let jti = claims.jti.filter(|j| !j.is_empty() && j.len() <= 256);
    let jti = jti.ok_or_else(|| refuse("jti missing"))?;
    if !state.store.remember_assertion(id, &jti, exp).await? {
        AuditEvent::ClientAssertionReplayed { client_id: id }.emit();
        return Err(refuse("jti already used"));
    }
    Ok(())
}

/// Checks the signature with the registered keys, with one of `allowed` algorithms; a
/// `jwks_uri` set is re-fetched once when the key is not in the cached copy (the client
/// rotated). Shared with request objects (RFC 9101).
pub(crate) async fn verify_signature(
    state: &AppState,
    client: &ClientRow,
    assertion: &str,
    allowed: &[Alg],
) -> Result<crate::keys::Verified, String> {
    if let Some(jwks) = &client.jwks {
        return verify_with_jwk_set(assertion, jwks, allowed).map_err(|e| e.to_string());
    }
    let uri = client.jwks_uri.as_deref().ok_or("no registered keys")?;
    let set = state
        .client_jwks
        .get(uri, false)
        .await
        .map_err(|e| e.to_string())?;
    match verify_with_jwk_set(assertion, &set, allowed) {
        Err(VerifyError::UnknownKey) => {
            let set = state
                .client_jwks
                .get(uri, true)
                .await
                .map_err(|e| e.to_string())?;
            verify_with_jwk_set(assertion, &set, allowed).map_err(|e| e.to_string())
        }
        other => other.map_err(|e| e.to_string()),
    }
}
