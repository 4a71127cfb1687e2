//! The token endpoint (`POST /token`, RFC 6749 §3.2): authenticate the client, dispatch on
//! `grant_type`, answer JSON with `Cache-Control: no-store` (RFC 6749 §5.1).
//! One file per grant.

mod authorization_code;
mod client_credentials;
mod device_code;
mod refresh_token;
mod token_exchange;

pub use token_exchange::issued_audience;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::GrantType;
use crate::error::{ErrorCode, OAuthError};
use crate::http::client_ip::ClientIp;
use crate::http::form::Params;
use crate::http::form::require_form;
use crate::http::paths;
use crate::oauth::client_auth::{AuthenticatedClient, authenticate};
use crate::oauth::cors::CorsSubject;
use crate::oauth::dpop::{self, Audience, DPOP_NONCE_HEADER};
use crate::services::dpop::Proof;
use crate::services::rate_limit::Limited;
use crate::state::AppState;

/// A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// RFC 8693 §2.2.1: what kind of token a token exchange issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_token_type: Option<&'static str>,
}

impl IntoResponse for TokenResponse {
    fn into_response(self) -> Response {
        let mut resp = Json(self).into_response();
        let h = resp.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        resp
    }
}

/// `token_type` of an access token (RFC 9449 §5): `DPoP` when bound to a proof's key.
pub fn token_type(proof: Option<&Proof>) -> &'static str {
    if proof.is_some() { "DPoP" } else { "Bearer" }
}

/// `POST /token`.
pub async fn token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    cors: CorsSubject,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    require_form(&headers)?;
    let params = Params::parse(&body)?;
    let grant_type = params.require("grant_type")?;
    let client = authenticate(&state, &headers, &params).await?;
    cors.set(&client.client_id);
    rate_limit(&state, &client, ip)?;
    let grant = supported(grant_type)?;
    // RFC 9449 §5: a proof, when sent, is checked whatever the grant; its key binds the tokens.
    let proof = dpop::optional_proof(
        &state,
        &headers,
        "POST",
        paths::TOKEN,
        None,
        Audience::AuthorizationServer,
    )
    .await?;
    require_dpop_if_registered(&state, &client, proof.as_ref())?;
    let proof = proof.as_ref();
    let answer = match grant {
        GrantType::ClientCredentials => {
            client_credentials::handle(&state, &client, &params, proof).await
        }
        GrantType::AuthorizationCode => {
            authorization_code::handle(&state, &client, &params, proof).await
        }
        GrantType::RefreshToken => refresh_token::handle(&state, &client, &params, proof).await,
        GrantType::DeviceCode => device_code::handle(&state, &client, &params, proof).await,
        GrantType::TokenExchange => token_exchange::handle(&state, &client, &params, proof).await,
    }?;
    let mut resp = answer.into_response();
    // RFC 9449 §8: a fresh nonce with every answer, so the next proof can carry it.
    if let Some(nonce) = state.dpop.fresh_nonce(state.now())
        && let Ok(v) = HeaderValue::from_str(&nonce)
    {
        resp.headers_mut().insert(DPOP_NONCE_HEADER, v);
    }
    Ok(resp)
}

/// RFC 9449 §5.2: a client registered with `dpop_bound_access_tokens` must send a proof with
/// every token request, and so must a FAPI 2.0 client (its tokens must be sender-constrained;
/// DPoP is the only method here, no mTLS). The RFC names no error code for a missing proof;
/// `invalid_dpop_proof` tells the client exactly what is wrong.
fn require_dpop_if_registered(
    state: &AppState,
    client: &AuthenticatedClient,
    proof: Option<&Proof>,
) -> Result<(), OAuthError> {
    let fapi2 = client
        .request_policy
        .fapi2(state.config.authorization.profile);
    if (client.dpop_bound_access_tokens || fapi2) && proof.is_none() {
        let why = if fapi2 {
            "FAPI 2.0: this client must send a DPoP proof (sender-constrained tokens)"
        } else {
            "this client must send a DPoP proof (dpop_bound_access_tokens)"
        };
        return Err(OAuthError::new(ErrorCode::InvalidDpopProof, why)
            .with_dpop_nonce(state.dpop.fresh_nonce(state.now())));
    }
    Ok(())
}

/// The per-client request budget of the token endpoint (and of the device authorization
/// endpoint, which takes the same client authentication).
pub fn rate_limit(
    state: &AppState,
    client: &AuthenticatedClient,
    ip: std::net::IpAddr,
) -> Result<(), OAuthError> {
    if client.is_confidential() {
        state.rate_limits.check(Limited::Token, &client.client_id)?;
    } else {
        // Anyone can name a public client: its budget is counted per address too.
        state
            .rate_limits
            .check_public_token(&client.client_id, ip)?;
    }
    Ok(())
}

/// RFC 6749 §5.2 `unsupported_grant_type` for any `grant_type` Tessera does not serve. Checked
/// after client authentication: an unauthenticated caller gets `invalid_client`, whatever it names.
fn supported(grant_type: &str) -> Result<GrantType, OAuthError> {
    GrantType::parse(grant_type).ok_or_else(|| {
        OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            format!(
                "grant_type `{}` is not supported",
                grant_type.chars().take(64).collect::<String>()
            ),
        )
    })
}
