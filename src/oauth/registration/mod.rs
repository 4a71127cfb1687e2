//! Dynamic client registration: `POST /register` (RFC 7591 §3) and the client configuration
//! endpoint `GET|PUT|DELETE /register/{client_id}` (RFC 7592), served when `[registration] mode`
//! is `token` or `open`.
//!
//! The pipeline of a registration: who is asking (`access`), the metadata read and checked by
//! the same rules as `tessera client create` (`metadata`), then one transaction that spends the
//! initial access token and stores the client, so a refused registration stores nothing and a
//! token's uses can never be exceeded. A registered client is never first-party: consent is
//! asked of every person.

mod access;
mod management;
mod metadata;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::audit::AuditEvent;
use crate::crypto::{random_id, random_token, sha256_hex};
use crate::domain::RegisteredBy;
use crate::error::OAuthError;
use crate::http::client_ip::ClientIp;
use crate::state::AppState;
use crate::store::NewClient;

pub use access::CLIENTS_WRITE;
pub use management::{delete, get, put};

use access::Registrar;
use metadata::{Audiences, Metadata, check_sector, client_information, invalid_metadata};

/// `POST /register`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let registrar = access::registrar(&state, &headers, ip).await?;
    require_json(&headers)?;
    let client_id = random_id();
    let audiences = match &registrar {
        Registrar::Anyone => Audiences::None,
        Registrar::InitialToken(_) | Registrar::Automation { .. } => Audiences::MayName,
    };
    let valid = Metadata::parse(&body)?.validate(&state.config, &client_id, audiences)?;
    check_sector(&valid).await?;
    let secret = valid.auth_method.uses_secret().then(|| random_token(32));
    let registration_token = random_token(32);
    let client = NewClient::from_registration(
        client_id,
        valid,
        secret.as_deref().map(sha256_hex),
        RegisteredBy::Dynamic,
        Some(sha256_hex(&registration_token)),
    );
    let initial_token = match &registrar {
        Registrar::InitialToken(hash) => Some(hash.as_str()),
        Registrar::Automation { .. } | Registrar::Anyone => None,
    };
    if !state.store.register_client(&client, initial_token).await? {
        // Spent by a concurrent registration since it was checked.
        return Err(OAuthError::invalid_token(
            "the initial access token has been used up",
        ));
    }
    let row = state
        .store
        .client(&client.client_id)
        .await?
        .ok_or_else(OAuthError::server_error)?;
    AuditEvent::ClientRegistered {
        client_id: &row.client_id,
        by: registrar.name(),
        ip,
    }
    .emit();
    let info = client_information(&state.config, &row, secret.as_deref(), &registration_token);
    Ok(json_answer(StatusCode::CREATED, &info))
}

/// RFC 7591 §3.1: the metadata is sent as `application/json`.
fn require_json(headers: &HeaderMap) -> Result<(), OAuthError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if json {
        Ok(())
    } else {
        Err(invalid_metadata(
            "the client metadata must be sent as application/json (RFC 7591 §3.1)",
        ))
    }
}

/// A JSON answer that no cache keeps (it carries secrets: RFC 7591 §3.2.1).
fn json_answer(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut resp = (status, Json(body)).into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}
