//! The UserInfo endpoint (OIDC Core §5.3; `GET` and `POST`): claims about the token's user, by
//! the token's scopes. The bearer token comes in the `Authorization` header or, for `POST`, the
//! form body (RFC 6750 §2.1, §2.2), never both. A DPoP-bound token (RFC 9449 §7) comes only as
//! `Authorization: DPoP <token>`, with a proof by its key that names it (`ath`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::crypto::constant_time_eq;
use crate::domain::Scope;
use crate::error::{Challenge, ErrorCode, OAuthError};
use crate::http::form::Params;
use crate::http::form::require_form;
use crate::http::paths;
use crate::oauth::cors::CorsSubject;
use crate::oauth::dpop::{self, Audience, DPOP_NONCE_HEADER};
use crate::state::AppState;
use crate::tokens::id_token::UserClaims;
use crate::tokens::{AccessClaims, Entitlements, user_entitlements};

#[derive(Serialize)]
struct UserInfo {
    sub: String,
    #[serde(flatten)]
    claims: UserClaims,
    #[serde(flatten)]
    entitlements: Entitlements,
}

/// How the access token was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    /// `Authorization: Bearer`, or the form body (RFC 6750).
    Bearer,
    /// `Authorization: DPoP` (RFC 9449 §7.1).
    Dpop,
}

/// One request to the endpoint: the token, how it came, and the request's headers and method
/// (for the DPoP proof).
struct Presented<'a> {
    token: String,
    scheme: Scheme,
    headers: &'a HeaderMap,
    method: &'static str,
}

/// `GET /userinfo`.
pub async fn get(
    State(state): State<AppState>,
    cors: CorsSubject,
    headers: HeaderMap,
) -> Result<Response, OAuthError> {
    let (token, scheme) = authorization(&headers)?.ok_or_else(missing)?;
    let presented = Presented {
        token,
        scheme,
        headers: &headers,
        method: "GET",
    };
    answer(&state, &cors, &presented).await
}

/// `POST /userinfo`.
pub async fn post(
    State(state): State<AppState>,
    cors: CorsSubject,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let header_token = authorization(&headers)?;
    let body_token = if body.is_empty() {
        None
    } else {
        require_form(&headers)?;
        Params::parse(&body)?
            .get("access_token")
            .map(str::to_string)
    };
    let token = match (header_token, body_token) {
        (Some(_), Some(_)) => {
            // RFC 6750 §2: a client MUST NOT use more than one method.
            return Err(OAuthError::invalid_request(
                "the access token was sent twice",
            ));
        }
        (Some((t, scheme)), None) => (t, scheme),
        (None, Some(t)) => (t, Scheme::Bearer),
        (None, None) => return Err(missing()),
    };
    let presented = Presented {
        token: token.0,
        scheme: token.1,
        headers: &headers,
        method: "POST",
    };
    answer(&state, &cors, &presented).await
}

fn missing() -> OAuthError {
    OAuthError::invalid_token("an access token is required")
}

/// The token of an `Authorization: Bearer` header, if any.
pub(crate) fn bearer(headers: &HeaderMap) -> Result<Option<String>, OAuthError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| OAuthError::invalid_token("malformed Authorization header"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(OAuthError::invalid_token(
            "the Authorization header must be Bearer",
        )),
    }
}

/// The token of an `Authorization: Bearer` or `Authorization: DPoP` header, if any.
fn authorization(headers: &HeaderMap) -> Result<Option<(String, Scheme)>, OAuthError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| OAuthError::invalid_token("malformed Authorization header"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("dpop") && !token.trim().is_empty() =>
        {
            Ok(Some((token.trim().to_string(), Scheme::Dpop)))
        }
        _ => Ok(bearer(headers)?.map(|t| (t, Scheme::Bearer))),
    }
}

/// RFC 9449 §7.1: a DPoP-bound token only with the `DPoP` scheme and a proof by its key
/// (§4.3 item 12: `ath` names the token, the proof's key is the token's `cnf.jkt`); a token
/// that is not bound only as a bearer token.
async fn check_sender(
    state: &AppState,
    presented: &Presented<'_>,
    bound_to: Option<&str>,
) -> Result<(), OAuthError> {
    let dpop_refusal = |code, why: &str| {
        OAuthError::new(code, why)
            .with_challenge(Challenge::Dpop)
            .with_dpop_nonce(state.dpop.fresh_nonce(state.now()))
    };
    match (presented.scheme, bound_to) {
        (Scheme::Bearer, None) => Ok(()),
        (Scheme::Bearer, Some(_)) => Err(dpop_refusal(
            ErrorCode::InvalidToken,
            "the token is DPoP-bound: present it with the DPoP scheme and a proof",
        )),
        (Scheme::Dpop, None) => Err(dpop_refusal(
            ErrorCode::InvalidToken,
            "the token is not DPoP-bound: present it as a Bearer token",
        )),
        (Scheme::Dpop, Some(jkt)) => {
            let proof = dpop::optional_proof(
                state,
                presented.headers,
                presented.method,
                paths::USERINFO,
                Some(&presented.token),
                Audience::Resource,
            )
            .await?
            .ok_or_else(|| dpop_refusal(ErrorCode::InvalidDpopProof, "a DPoP proof is required"))?;
            if !constant_time_eq(&proof.jkt, jkt) {
                return Err(dpop_refusal(
                    ErrorCode::InvalidDpopProof,
                    "the DPoP proof's key is not the one the token is bound to",
                ));
            }
            Ok(())
        }
    }
}

async fn answer(
    state: &AppState,
    cors: &CorsSubject,
    presented: &Presented<'_>,
) -> Result<Response, OAuthError> {
    let now = state.now();
    let claims = state
        .tokens
        .verify_access_token(&presented.token, now)
        .map_err(|e| token_refusal(presented.scheme, e.to_string()))?;
    // The browser origins of the client the token was issued to may read the answer.
    cors.set(&claims.client_id);
    if state.revocations.is_revoked(&claims.jti) {
        return Err(token_refusal(
            presented.scheme,
            "the token has been revoked".into(),
        ));
    }
    check_sender(state, presented, claims.jkt()).await?;
    let scope = Scope::parse(&claims.scope).unwrap_or_default();
    if !scope.contains("openid") {
        // OIDC Core §5.3.3 / RFC 6750 §3.1.
        return Err(OAuthError::new(
            ErrorCode::InsufficientScope,
            "the token lacks the openid scope",
        )
        .with_challenge(Challenge::Bearer));
    }
    let user = match token_user_id(state, &claims).await? {
        Some(id) => state.store.user_by_id(&id).await?,
        None => None,
    }
    .filter(|u| !u.disabled)
    .ok_or_else(|| OAuthError::invalid_token("the token's user no longer exists"))?;
    let body = UserInfo {
        // The `sub` of the token, the same as in the client's ID token (OIDC Core §5.3.2).
        sub: claims.sub.clone(),
        claims: UserClaims::for_scope(&user, &scope),
        entitlements: user_entitlements(&state.store, &user.id, &scope).await?,
    };
    let mut resp = Json(body).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // RFC 9449 §9: a fresh nonce for the client's next proof.
    if let Some(nonce) = state.dpop.fresh_nonce(now)
        && let Ok(v) = HeaderValue::from_str(&nonce)
    {
        resp.headers_mut().insert(DPOP_NONCE_HEADER, v);
    }
    Ok(resp)
}

/// `invalid_token`, challenged in the scheme the token came in.
fn token_refusal(scheme: Scheme, why: String) -> OAuthError {
    match scheme {
        Scheme::Bearer => OAuthError::invalid_token(why),
        Scheme::Dpop => OAuthError::invalid_token(why).with_challenge(Challenge::Dpop),
    }
}

/// The person an access token names: its `sub` as seen by the client it was issued to
/// (pairwise subjects are mapped back, OIDC Core §8.1). `None` when a pairwise `sub` was never
/// issued. A client deleted since is taken as public (a pairwise `sub` is no person's id).
pub async fn token_user_id(
    state: &AppState,
    claims: &AccessClaims,
) -> Result<Option<String>, OAuthError> {
    let Some(client) = state
        .clients
        .client(&state.store, &claims.client_id)
        .await?
    else {
        return Ok(Some(claims.sub.clone()));
    };
    Ok(state
        .tokens
        .subject_user(&state.store, &client, &claims.sub)
        .await?)
}
