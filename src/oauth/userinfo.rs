//! The UserInfo endpoint (OIDC Core §5.3; `GET` and `POST`): claims about the token's user, by
//! the token's scopes. The bearer token comes in the `Authorization` header or, for `POST`, the
//! form body (RFC 6750 §2.1, §2.2), never both.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::Scope;
use crate::error::{Challenge, ErrorCode, OAuthError};
use crate::http::form::Params;
use crate::http::form::require_form;
use crate::oauth::cors::CorsSubject;
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

/// `GET /userinfo`.
pub async fn get(
    State(state): State<AppState>,
    cors: CorsSubject,
    headers: HeaderMap,
) -> Result<Response, OAuthError> {
    let token = bearer(&headers)?.ok_or_else(missing)?;
    answer(&state, &cors, &token).await
}

/// `POST /userinfo`.
pub async fn post(
    State(state): State<AppState>,
    cors: CorsSubject,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let header_token = bearer(&headers)?;
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
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => return Err(missing()),
    };
    answer(&state, &cors, &token).await
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

async fn answer(state: &AppState, cors: &CorsSubject, token: &str) -> Result<Response, OAuthError> {
    let now = state.now();
    let claims = state
        .tokens
        .verify_access_token(token, now)
        .map_err(|e| OAuthError::invalid_token(e.to_string()))?;
    // The browser origins of the client the token was issued to may read the answer.
    cors.set(&claims.client_id);
    if state.revocations.is_revoked(&claims.jti) {
        return Err(OAuthError::invalid_token("the token has been revoked"));
    }
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
    Ok(resp)
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
