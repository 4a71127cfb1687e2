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
use crate::oauth::client_auth::{AuthenticatedClient, authenticate};
use crate::oauth::cors::CorsSubject;
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

/// `POST /token`.
pub async fn token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    cors: CorsSubject,
    headers: HeaderMap,
    body: Bytes,
) -> Result<TokenResponse, OAuthError> {
    require_form(&headers)?;
    let params = Params::parse(&body)?;
    let grant_type = params.require("grant_type")?;
    let client = authenticate(&state, &headers, &params).await?;
    cors.set(&client.client_id);
    rate_limit(&state, &client, ip)?;
    match supported(grant_type)? {
        GrantType::ClientCredentials => client_credentials::handle(&state, &client, &params).await,
        GrantType::AuthorizationCode => authorization_code::handle(&state, &client, &params).await,
        GrantType::RefreshToken => refresh_token::handle(&state, &client, &params).await,
        GrantType::DeviceCode => device_code::handle(&state, &client, &params).await,
        GrantType::TokenExchange => token_exchange::handle(&state, &client, &params).await,
    }
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
