//! The device code grant (RFC 8628 §3.4–§3.5): a device polls with its device code until the
//! person has answered on `/device`. Each answer a poll can get is one branch below; an approved
//! code is spent by one conditional `UPDATE` (`store/device_codes.rs`), so it yields tokens at
//! most once, as the code grant does.

use crate::audit::{AuditEvent, Grant};
use crate::crypto::{random_token, sha256_hex};
use crate::domain::{Amr, GrantType, Scope};
use crate::error::{ErrorCode, OAuthError};
use crate::http::form::Params;
use crate::oauth::client_auth::AuthenticatedClient;
use crate::services::dpop::Proof;
use crate::state::AppState;
use crate::store::{DeviceCodeRow, DevicePoll};
use crate::tokens::id_token::IdTokenInput;
use crate::tokens::{AccessGrant, user_entitlements};

use super::TokenResponse;
use super::authorization_code::{RefreshFor, issue_refresh, refresh_binding};

/// Answers one poll.
#[tracing::instrument(level = "debug", skip_all, fields(client_id = %client.client_id))]
pub async fn handle(
    state: &AppState,
    client: &AuthenticatedClient,
    params: &Params,
    proof: Option<&Proof>,
) -> Result<TokenResponse, OAuthError> {
    client.require_grant(GrantType::DeviceCode)?;
    let hash = sha256_hex(params.require("device_code")?);
    let now = state.now();
    let code = match state
        .store
        .poll_device_code(&hash, &client.client_id, now)
        .await?
    {
        DevicePoll::Approved(code) => code,
        DevicePoll::Pending => {
            return Err(OAuthError::new(
                ErrorCode::AuthorizationPending,
                "the user has not answered yet",
            ));
        }
        DevicePoll::SlowDown => {
            return Err(OAuthError::slow_down(
                "polled too soon: wait 5 seconds more between polls from now on",
            ));
        }
        DevicePoll::Denied => {
            return Err(OAuthError::new(
                ErrorCode::AccessDenied,
                "the user denied the request",
            ));
        }
        DevicePoll::Expired => {
            return Err(OAuthError::new(
                ErrorCode::ExpiredToken,
                "the device code has expired",
            ));
        }
        DevicePoll::AlreadyUsed => {
            return Err(OAuthError::invalid_grant(
                "the device code has already been used",
            ));
        }
        // Another client's code is neither spent nor slowed down by this poll.
        DevicePoll::OtherClient => {
            return Err(OAuthError::invalid_grant(
                "the device code was issued to another client",
            ));
        }
        DevicePoll::Unknown => {
            return Err(OAuthError::invalid_grant("the device code is not valid"));
        }
    };
    issue(state, client, &code, proof, now).await
}

/// The usual tokens for an approved code: an access token, an ID token for `openid`, and a
/// refresh token for `offline_access` when the client may refresh.
async fn issue(
    state: &AppState,
    client: &AuthenticatedClient,
    code: &DeviceCodeRow,
    proof: Option<&Proof>,
    now: i64,
) -> Result<TokenResponse, OAuthError> {
    let (Some(user_id), Some(auth_time)) = (code.user_id.as_deref(), code.auth_time) else {
        return Err(OAuthError::server_error());
    };
    let user = state
        .store
        .user_by_id(user_id)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| OAuthError::invalid_grant("the user can no longer sign in"))?;
    let scope = Scope::parse(&code.scope).unwrap_or_default();
    let sid = code.session_id.as_deref();
    let amr = Amr::from_stored(code.amr.as_deref());
    let entitlements = user_entitlements(&state.store, &user.id, &scope).await?;
    let sub = state
        .tokens
        .issue_subject(&state.store, client, &user.id)
        .await?;
    let access = state.tokens.mint_access_token(
        &AccessGrant {
            sub: &sub,
            client_id: &client.client_id,
            scope: &code.scope,
            auth_time: Some(auth_time),
            sid,
            entitlements: &entitlements,
            jkt: proof.map(|p| p.jkt.as_str()),
        },
        now,
    )?;
    let id_token = scope
        .contains("openid")
        .then(|| {
            let input = IdTokenInput {
                user: &user,
                client,
                scope: &scope,
                nonce: None,
                auth_time,
                sid,
                access_token: Some(&access.token),
                entitlements: &entitlements,
                amr: &amr,
            };
            state.tokens.mint_id_token(&input, now)
        })
        .transpose()?;
    let stored_amr = amr.to_stored();
    let refresh_for = RefreshFor {
        user_id: &user.id,
        scope: &code.scope,
        auth_time,
        amr: &stored_amr,
        session_id: sid,
        dpop_jkt: refresh_binding(client, proof),
    };
    let family_id = random_token(16);
    let refresh = issue_refresh(
        state,
        client,
        &refresh_for,
        &scope,
        &family_id,
        &access,
        now,
    )
    .await?;
    AuditEvent::TokenIssued {
        grant: Grant::DeviceCode {
            sub: &user.id,
            refresh: refresh.is_some(),
        },
        client_id: &client.client_id,
        jti: &access.jti,
    }
    .emit();
    Ok(TokenResponse {
        access_token: access.token,
        token_type: super::token_type(proof),
        expires_in: access.expires_in,
        refresh_token: refresh,
        id_token,
        scope: code.scope.clone(),
        issued_token_type: None,
    })
}
