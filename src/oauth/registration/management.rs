//! The client configuration endpoint (RFC 7592): read, replace or delete a dynamically
//! registered client with its registration access token.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::metadata::{Audiences, Metadata, client_information, invalid_metadata};
use super::{json_answer, require_json};
use crate::audit::AuditEvent;
use crate::crypto::{constant_time_eq, random_token, sha256_hex};
use crate::domain::RegisteredBy;
use crate::error::OAuthError;
use crate::oauth::userinfo::bearer;
use crate::state::AppState;
use crate::store::{ClientRow, NewClient};

/// `GET /register/{client_id}` (RFC 7592 §2.1).
pub async fn get(
    State(state): State<AppState>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, OAuthError> {
    let (client, token) = managed_client(&state, &client_id, &headers).await?;
    let info = client_information(&state.config, &client, None, &token);
    Ok(json_answer(StatusCode::OK, &info))
}

/// `PUT /register/{client_id}` (RFC 7592 §2.2): the whole metadata replaces the registration.
/// A client that now needs a secret and had none gets one; one that keeps a secret keeps it.
pub async fn put(
    State(state): State<AppState>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let (client, token) = managed_client(&state, &client_id, &headers).await?;
    require_json(&headers)?;
    let metadata = Metadata::parse(&body)?;
    // RFC 7592 §2.2: the request names the client, and a secret it sends must be its own.
    if metadata.client_id.as_deref() != Some(client.client_id.as_str()) {
        return Err(invalid_metadata(
            "client_id: must be the client's own (RFC 7592 §2.2)",
        ));
    }
    if let Some(sent) = &metadata.client_secret {
        let own = client.secret_hash.as_deref().unwrap_or("");
        if !constant_time_eq(&sha256_hex(sent), own) {
            return Err(invalid_metadata("client_secret: not the client's secret"));
        }
    }
    let kept = Audiences::Kept(&client.token_exchange_audiences);
    let valid = metadata.validate(&state.config, &client.client_id, kept)?;
    super::metadata::check_sector(&valid).await?;
    let (secret, secret_hash) = match (valid.auth_method.uses_secret(), &client.secret_hash) {
        (true, Some(_)) => (None, None),
        (true, None) => {
            let secret = random_token(32);
            let hash = sha256_hex(&secret);
            (Some(secret), Some(Some(hash)))
        }
        (false, _) => (None, Some(None)),
    };
    let replacement = NewClient::from_registration(
        client.client_id.clone(),
        valid,
        None,
        RegisteredBy::Dynamic,
        client.registration_token_hash.clone(),
    );
    if !state
        .store
        .replace_client_registration(&replacement, secret_hash)
        .await?
    {
        return Err(OAuthError::invalid_token("the client no longer exists"));
    }
    state.clients.forget(&client.client_id);
    let row = state
        .store
        .client(&client.client_id)
        .await?
        .ok_or_else(|| OAuthError::invalid_token("the client no longer exists"))?;
    AuditEvent::ClientRegistrationUpdated {
        client_id: &row.client_id,
    }
    .emit();
    let info = client_information(&state.config, &row, secret.as_deref(), &token);
    Ok(json_answer(StatusCode::OK, &info))
}

/// `DELETE /register/{client_id}` (RFC 7592 §2.3): the client and everything issued to it go;
/// this instance forgets it at once, the others at their next change-counter read.
pub async fn delete(
    State(state): State<AppState>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, OAuthError> {
    let (client, _) = managed_client(&state, &client_id, &headers).await?;
    state.store.delete_client(&client.client_id).await?;
    state.clients.forget(&client.client_id);
    AuditEvent::ClientRegistrationDeleted {
        client_id: &client.client_id,
    }
    .emit();
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The dynamically registered client `client_id` and the registration access token that
/// manages it. RFC 7592 §2.1: a missing or wrong token, another client's token, or an unknown
/// client are all 401 `invalid_token`, so nobody learns which client ids exist.
async fn managed_client(
    state: &AppState,
    client_id: &str,
    headers: &HeaderMap,
) -> Result<(ClientRow, String), OAuthError> {
    let token = bearer(headers)?
        .ok_or_else(|| OAuthError::invalid_token("a registration access token is required"))?;
    let refused = || OAuthError::invalid_token("the registration access token is not valid");
    let client = state.store.client(client_id).await?.ok_or_else(refused)?;
    let own = client
        .registration_token_hash
        .as_deref()
        .ok_or_else(refused)?;
    if !constant_time_eq(&sha256_hex(&token), own) {
        return Err(refused());
    }
    Ok((client, token))
}
