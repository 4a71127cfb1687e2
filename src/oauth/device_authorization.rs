//! The device authorization endpoint (`POST /device_authorization`, RFC 8628 §3.1–§3.2): a
//! device without a browser gets a device code to poll with and a user code for its person to
//! type on `/device`. The client authenticates as at the token endpoint (a public client names
//! itself with `client_id`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::crypto::{random_token, random_user_code, sha256_hex};
use crate::domain::{GrantType, Scope};
use crate::error::OAuthError;
use crate::http::client_ip::ClientIp;
use crate::http::form::{Params, require_form};
use crate::http::paths;
use crate::oauth::client_auth::{AuthenticatedClient, authenticate};
use crate::oauth::cors::CorsSubject;
use crate::oauth::token::rate_limit;
use crate::state::AppState;
use crate::store::{NewDeviceCode, StoreError};

/// The answer (RFC 8628 §3.2).
#[derive(Debug, Serialize)]
pub struct DeviceAuthorizationResponse {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    pub expires_in: i64,
    pub interval: i64,
}

impl IntoResponse for DeviceAuthorizationResponse {
    fn into_response(self) -> Response {
        let mut resp = Json(self).into_response();
        let h = resp.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        resp
    }
}

/// How often a new user code is drawn when the one drawn is taken (1 in ~10^10 per live code).
const USER_CODE_DRAWS: usize = 5;

/// `POST /device_authorization`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn device_authorization(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    cors: CorsSubject,
    headers: HeaderMap,
    body: Bytes,
) -> Result<DeviceAuthorizationResponse, OAuthError> {
    require_form(&headers)?;
    let params = Params::parse(&body)?;
    let client = authenticate(&state, &headers, &params).await?;
    // CORS as at the token endpoint: the answer is readable from this client's origins only.
    cors.set(&client.client_id);
    rate_limit(&state, &client, ip)?;
    client.require_grant(GrantType::DeviceCode)?;
    let scope = requested_scope(&client, &params)?.to_string();
    let now = state.now();
    let ttl = state.config.device.code_ttl.as_secs() as i64;
    let interval = state.config.device.interval.as_secs() as i64;
    // RFC 8628 §5.2: the device code is a bearer secret of 256 random bits, stored hashed.
    let device_code = random_token(32);
    for _ in 0..USER_CODE_DRAWS {
        let user_code = random_user_code();
        let stored = state
            .store
            .create_device_code(&NewDeviceCode {
                device_code_hash: &sha256_hex(&device_code),
                user_code_hash: &sha256_hex(user_code.as_str()),
                client_id: &client.client_id,
                scope: &scope,
                now,
                expires_at: now + ttl,
                interval_secs: interval,
            })
            .await;
        match stored {
            Ok(()) => {
                let verification_uri = format!("{}{}", state.config.issuer, paths::DEVICE);
                let shown = user_code.display();
                return Ok(DeviceAuthorizationResponse {
                    device_code,
                    verification_uri_complete: format!("{verification_uri}?user_code={shown}"),
                    user_code: shown,
                    verification_uri,
                    expires_in: ttl,
                    interval,
                });
            }
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(OAuthError::server_error())
}

/// RFC 8628 §3.1 `scope`: within what the client is registered for; when absent, the
/// registered scope (RFC 6749 §3.3).
fn requested_scope(client: &AuthenticatedClient, params: &Params) -> Result<Scope, OAuthError> {
    let allowed = client.allowed_scope();
    let scope = match params.get("scope") {
        Some(s) => Scope::parse(s).map_err(OAuthError::invalid_scope)?,
        None => allowed.clone(),
    };
    if !scope.is_subset(&allowed) {
        return Err(OAuthError::invalid_scope(format!(
            "scope not allowed for this client: {}",
            scope.difference(&allowed).join(" ")
        )));
    }
    Ok(scope)
}
