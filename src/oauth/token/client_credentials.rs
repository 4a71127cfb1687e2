//! The client_credentials grant (RFC 6749 §4.4): a confidential client gets an access token for
//! itself. No refresh token (§4.4.3), no ID token; `sub` is the client_id.

use crate::audit::{AuditEvent, Grant};
use crate::domain::{GrantType, Scope};
use crate::error::OAuthError;
use crate::http::form::Params;
use crate::oauth::client_auth::AuthenticatedClient;
use crate::services::dpop::Proof;
use crate::state::AppState;
use crate::tokens::{AccessGrant, Entitlements};

use super::TokenResponse;

/// Issues an access token for the client itself.
#[tracing::instrument(level = "debug", skip_all, fields(client_id = %client.client_id))]
pub async fn handle(
    state: &AppState,
    client: &AuthenticatedClient,
    params: &Params,
    proof: Option<&Proof>,
) -> Result<TokenResponse, OAuthError> {
    if !client.is_confidential() {
        return Err(OAuthError::unauthorized_client(
            "client_credentials is for confidential clients only",
        ));
    }
    client.require_grant(GrantType::ClientCredentials)?;
    let allowed = client.allowed_scope();
    // RFC 6749 §3.3: no scope requested → the client's registered (default) scope.
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
    let scope = scope.to_string();
    let client_id = &client.client_id;
    // A service account's token carries its roles and permissions.
    let authz = state.clients.client_authz(&state.store, client_id).await?;
    let entitlements = Entitlements::of_client(&authz);
    let minted = state.tokens.mint_access_token(
        &AccessGrant {
            sub: client_id,
            client_id,
            scope: &scope,
            auth_time: None,
            sid: None,
            entitlements: &entitlements,
            jkt: proof.map(|p| p.jkt.as_str()),
        },
        state.now(),
    )?;
    AuditEvent::TokenIssued {
        grant: Grant::ClientCredentials,
        client_id,
        jti: &minted.jti,
    }
    .emit();
    Ok(TokenResponse {
        access_token: minted.token,
        token_type: super::token_type(proof),
        expires_in: minted.expires_in,
        refresh_token: None,
        id_token: None,
        scope,
        issued_token_type: None,
    })
}
