//! Token revocation (`POST /revoke`, RFC 7009).
//!
//! The client authenticates as at the token endpoint. Refresh tokens revoke their whole family
//! and the access tokens issued in it (RFC 7009 §2.1); access tokens go on the revocation list
//! until they expire. Unknown, invalid or already-expired tokens, and tokens of another client,
//! get the same empty 200 (§2.2): the answer tells nothing about the token.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::audit::{AuditEvent, Revoked};
use crate::crypto::sha256_hex;
use crate::error::OAuthError;
use crate::oauth::client_auth::{AuthenticatedClient, authenticated_form};
use crate::oauth::cors::CorsSubject;
use crate::state::AppState;

/// `POST /revoke`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke(
    State(state): State<AppState>,
    cors: CorsSubject,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let (params, client) = authenticated_form(&state, &headers, &body).await?;
    cors.set(&client.client_id);
    let token = params.require("token")?;
    // §2.1: the hint only decides which lookup goes first; an unknown hint is ignored.
    if params.get("token_type_hint") == Some("refresh_token") {
        if !revoke_refresh(&state, &client, token).await? {
            revoke_access(&state, &client, token).await?;
        }
    } else if !revoke_access(&state, &client, token).await? {
        revoke_refresh(&state, &client, token).await?;
    }
    Ok(no_store(StatusCode::OK.into_response()))
}

/// Revokes `token` if it is one of the client's access tokens; true when it was an access token.
async fn revoke_access(
    state: &AppState,
    client: &AuthenticatedClient,
    token: &str,
) -> Result<bool, OAuthError> {
    // Expired or foreign-signed tokens need no revocation: nothing accepts them anyway.
    let Ok(claims) = state.tokens.verify_issued_access_token(token, state.now()) else {
        return Ok(false);
    };
    if claims.client_id == client.client_id {
        state
            .revocations
            .revoke_access_token(&state.store, &claims.jti, claims.exp)
            .await?;
        AuditEvent::TokenRevoked {
            token: Revoked::AccessToken { jti: &claims.jti },
            client_id: &claims.client_id,
            sub: &claims.sub,
        }
        .emit();
    }
    Ok(true)
}

/// Revokes the family of `token` if it is one of the client's refresh tokens; true when it was
/// a refresh token.
async fn revoke_refresh(
    state: &AppState,
    client: &AuthenticatedClient,
    token: &str,
) -> Result<bool, OAuthError> {
    let Some(row) = state.store.refresh_token(&sha256_hex(token)).await? else {
        return Ok(false);
    };
    if row.client_id == client.client_id
        && state
            .revocations
            .revoke_family(&state.store, &row.family_id)
            .await?
    {
        AuditEvent::TokenRevoked {
            token: Revoked::RefreshToken {
                family: &row.family_id,
            },
            client_id: &row.client_id,
            sub: &row.user_id,
        }
        .emit();
    }
    Ok(true)
}

/// RFC 7009 §2.2 / RFC 6749 §5.1: protocol answers are never cached.
pub fn no_store(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}
