//! Token introspection (`POST /introspect`, RFC 7662).
//!
//! Only confidential clients may ask (§2.1: the endpoint must not become a token-scanning
//! oracle). An access token is described only to the client it was issued to, to a resource
//! server it is meant for (the client whose client_id is the token's `aud`), and to clients
//! holding the permission [`INTROSPECT_ANY`]; anyone else is told `{"active": false}` (§4: the
//! server may answer so to a caller not allowed to know). Refresh tokens are only ever meant for
//! the client holding them, so only that client sees one as active. A token that is unknown,
//! malformed, expired or revoked is exactly `{"active": false}` (§2.2).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::crypto::sha256_hex;
use crate::error::{Challenge, OAuthError};
use crate::oauth::client_auth::{AuthenticatedClient, authenticated_form};
use crate::oauth::revoke::no_store;
use crate::oauth::token::issued_audience;
use crate::services::rate_limit::Limited;
use crate::state::AppState;
use crate::tokens::Confirmation;

/// The permission (granted through a client role) to introspect any access token.
pub const INTROSPECT_ANY: &str = "introspect:any";

/// An introspection answer (RFC 7662 §2.2); everything but `active` only when active.
#[derive(Debug, Serialize, Default)]
pub struct Introspection {
    pub active: bool,
    #[serde(flatten)]
    pub details: Option<Details>,
}

/// What is said about an active token.
#[derive(Debug, Serialize)]
pub struct Details {
    pub scope: String,
    pub client_id: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub iss: String,
    pub aud: String,
    /// `DPoP` for a DPoP-bound access token (the `token_type` it was issued with, RFC 9449 §5).
    pub token_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// The key a DPoP-bound token is bound to (RFC 9449 §6.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cnf: Option<Confirmation>,
}

/// `POST /introspect`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let (params, client) = authenticated_form(&state, &headers, &body).await?;
    state
        .rate_limits
        .check(Limited::Introspect, &client.client_id)?;
    if !client.is_confidential() {
        let e = OAuthError::invalid_client("introspection is for confidential clients only");
        return Err(if client.used_basic {
            e.with_challenge(Challenge::Basic)
        } else {
            e
        });
    }
    let token = params.require("token")?;
    let now = state.now();
    // §2.1: the hint is only an optimisation; both kinds are tried.
    let details = match access_token(&state, token, now).await? {
        Some(d) if may_see(&state, &client, &d).await? => Some(d),
        Some(_) => None,
        None => refresh_token(&state, &client, token, now).await?,
    };
    let answer = Introspection {
        active: details.is_some(),
        details,
    };
    Ok(no_store(Json(answer).into_response()))
}

/// A valid, unexpired, unrevoked JWT access token signed by this server, for an audience it
/// issues tokens for (an exchanged token's audience included).
async fn access_token(
    state: &AppState,
    token: &str,
    now: i64,
) -> Result<Option<Details>, OAuthError> {
    let Ok(claims) = state.tokens.verify_issued_access_token(token, now) else {
        return Ok(None);
    };
    if state.revocations.is_revoked(&claims.jti) || !issued_audience(state, &claims).await? {
        return Ok(None);
    }
    Ok(Some(Details {
        scope: claims.scope,
        client_id: claims.client_id,
        sub: claims.sub,
        exp: claims.exp,
        iat: claims.iat,
        iss: claims.iss,
        aud: claims.aud,
        token_type: if claims.cnf.is_some() {
            "DPoP"
        } else {
            "Bearer"
        },
        jti: Some(claims.jti),
        cnf: claims.cnf,
    }))
}

/// Whether `client` may learn about the access token `details` describes (see the module doc).
async fn may_see(
    state: &AppState,
    client: &AuthenticatedClient,
    details: &Details,
) -> Result<bool, OAuthError> {
    let id = &client.client.client_id;
    if &details.client_id == id || &details.aud == id {
        return Ok(true);
    }
    let authz = state.clients.client_authz(&state.store, id).await?;
    Ok(authz.permissions.iter().any(|p| p == INTROSPECT_ANY))
}

/// A live refresh token of the asking client.
async fn refresh_token(
    state: &AppState,
    client: &AuthenticatedClient,
    token: &str,
    now: i64,
) -> Result<Option<Details>, OAuthError> {
    let Some(row) = state.store.refresh_token(&sha256_hex(token)).await? else {
        return Ok(None);
    };
    let live = row.client_id == client.client_id
        && row.used_at.is_none()
        && row.family_revoked_at.is_none()
        && row.effective_expiry() > now
        && row.user_disabled == Some(false);
    if !live {
        return Ok(None);
    }
    Ok(Some(Details {
        exp: row.effective_expiry(),
        iat: row.created_at,
        iss: state.config.issuer.to_string(),
        aud: row.client_id.clone(),
        // Normalised (sorted) as access tokens carry it.
        scope: crate::domain::Scope::parse(&row.scope)
            .unwrap_or_default()
            .to_string(),
        sub: state.tokens.subject(client, &row.user_id),
        client_id: row.client_id,
        token_type: "refresh_token",
        jti: None,
        cnf: None,
    }))
}
