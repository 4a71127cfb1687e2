//! The refresh_token grant (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2).
//!
//! Checks, in order: the token exists and belongs to the authenticated client; it was not used
//! before (a used token presented again is treated as theft: the whole family and the access
//! tokens issued in it are revoked); family not revoked, neither idle nor absolute lifetime over;
//! the user still exists and is enabled; the requested scope narrows the grant's, never widens
//! it. Then an access token is minted and the token rotated atomically: of many concurrent
//! refreshes with one token exactly one wins, the others are reuse.
//!
//! Grace window (`tokens.refresh_reuse_grace`, default 0 = off). Only hashes are stored, so a
//! retry cannot be answered with the successor it missed. Instead, a retry with the old token
//! within the window *supersedes* that successor: the successor is marked used and a new one is
//! issued. It is allowed only when it stays safe:
//! - confidential clients only: the old token alone is not enough, the thief also needs the
//!   client's credentials;
//! - the successor must never have been used (otherwise both parties hold live tokens);
//! - the superseded successor counts as used, so if someone else holds it and refreshes, that
//!   is reuse and the whole family is revoked, so theft is still detected at the next refresh.
//!
//! Anything else is reuse as without a window.

use crate::audit::{AuditEvent, FamilyRevocation, Grant};
use crate::crypto::{constant_time_eq, random_token, sha256_hex};
use crate::domain::{Amr, GrantType, Scope};
use crate::error::OAuthError;
use crate::http::form::Params;
use crate::oauth::client_auth::AuthenticatedClient;
use crate::services::dpop::Proof;
use crate::state::AppState;
use crate::store::{RefreshTokenRow, RotateOutcome, RotateRefresh};
use crate::tokens::id_token::IdTokenInput;
use crate::tokens::{AccessGrant, Entitlements, MintedAccessToken, user_entitlements};

use super::TokenResponse;

/// Exchanges a refresh token for a new access token and a new refresh token.
#[tracing::instrument(level = "debug", skip_all, fields(client_id = %client.client_id))]
pub async fn handle(
    state: &AppState,
    client: &AuthenticatedClient,
    params: &Params,
    proof: Option<&Proof>,
) -> Result<TokenResponse, OAuthError> {
    client.require_grant(GrantType::RefreshToken)?;
    let presented = params.require("refresh_token")?;
    let now = state.now();
    let (token, superseded) = live_token(state, client, presented, now).await?;
    check_dpop_binding(&token, proof)?;
    let scope = narrowed_scope(&token, params.get("scope"))?;
    let parsed_scope = Scope::parse(&scope).unwrap_or_default();
    // Roles are read again at every refresh; nothing is remembered from the old token.
    let entitlements = user_entitlements(&state.store, &token.user_id, &parsed_scope).await?;

    let sub = state
        .tokens
        .issue_subject(&state.store, client, &token.user_id)
        .await?;
    let minted = state.tokens.mint_access_token(
        &AccessGrant {
            sub: &sub,
            client_id: &token.client_id,
            scope: &scope,
            auth_time: Some(token.auth_time),
            sid: token.session_id.as_deref(),
            entitlements: &entitlements,
            jkt: proof.map(|p| p.jkt.as_str()),
        },
        now,
    )?;
    let new_refresh = rotate(state, &token, superseded.as_deref(), &minted, now).await?;
    AuditEvent::TokenIssued {
        grant: Grant::RefreshToken {
            sub: &token.user_id,
            family: &token.family_id,
        },
        client_id: &token.client_id,
        jti: &minted.jti,
    }
    .emit();
    let id_token = refreshed_id_token(
        state,
        client,
        &token,
        &parsed_scope,
        &entitlements,
        &minted,
        now,
    )
    .await?;
    Ok(TokenResponse {
        access_token: minted.token,
        token_type: super::token_type(proof),
        expires_in: minted.expires_in,
        refresh_token: Some(new_refresh),
        id_token,
        scope,
        issued_token_type: None,
    })
}

/// OIDC Core §12.2: with `openid`, a new ID token with the same iss, sub, aud and auth_time as
/// the original, and no nonce.
async fn refreshed_id_token(
    state: &AppState,
    client: &AuthenticatedClient,
    token: &RefreshTokenRow,
    scope: &Scope,
    entitlements: &Entitlements,
    access: &MintedAccessToken,
    now: i64,
) -> Result<Option<String>, OAuthError> {
    if !scope.contains("openid") {
        return Ok(None);
    }
    let Some(user) = state.store.user_by_id(&token.user_id).await? else {
        return Err(OAuthError::invalid_grant(
            "the refresh token is invalid or expired",
        ));
    };
    let input = IdTokenInput {
        user: &user,
        client,
        scope,
        nonce: None,
        auth_time: token.auth_time,
        amr: &Amr::from_stored(token.amr.as_deref()),
        sid: token.session_id.as_deref(),
        access_token: Some(&access.token),
        entitlements,
    };
    Ok(Some(state.tokens.mint_id_token(&input, now)?))
}

/// Replaces the presented token (or, on a retry within the grace window, the successor it got
/// last time) with a new one, atomically; returns the new token. Losing a race is reuse.
async fn rotate(
    state: &AppState,
    token: &RefreshTokenRow,
    superseded: Option<&str>,
    minted: &MintedAccessToken,
    now: i64,
) -> Result<String, OAuthError> {
    let new_refresh = random_token(32);
    let new_hash = sha256_hex(&new_refresh);
    let idle = state.config.tokens.refresh_idle_ttl.as_secs() as i64;
    let rotation = RotateRefresh {
        old_hash: &token.token_hash,
        family_id: &token.family_id,
        new_hash: &new_hash,
        new_expires_at: (now + idle).min(token.family_expires_at),
        access_jti: &minted.jti,
        access_expires_at: minted.exp,
        now,
    };
    let outcome = match superseded {
        None => state.store.rotate_refresh_token(&rotation).await?,
        Some(successor) => {
            let outcome = state
                .store
                .supersede_successor(&rotation, successor)
                .await?;
            // The superseded successor's access token was revoked: make it show here at once.
            state.revocations.refresh(&state.store, false).await?;
            outcome
        }
    };
    if outcome == RotateOutcome::NotLive {
        // Lost a race with another use of the same token (or a revocation): reuse.
        return Err(reuse_detected(state, token).await);
    }
    Ok(new_refresh)
}

/// Finds the presented token and checks it may be used now; with it, the successor to
/// supersede when this is a retry within the grace window. Every refusal is `invalid_grant`
/// (RFC 6749 §5.2), with no hint of which check failed beyond a generic description.
async fn live_token(
    state: &AppState,
    client: &AuthenticatedClient,
    presented: &str,
    now: i64,
) -> Result<(RefreshTokenRow, Option<String>), OAuthError> {
    let invalid = || OAuthError::invalid_grant("the refresh token is invalid or expired");
    let Some(token) = state.store.refresh_token(&sha256_hex(presented)).await? else {
        return Err(invalid());
    };
    // RFC 6749 §6: the refresh token is bound to the client it was issued to.
    if token.client_id != client.client_id {
        return Err(invalid());
    }
    if token.family_revoked_at.is_some() {
        return Err(invalid());
    }
    let superseded = match token.used_at {
        None => None,
        Some(used_at) => match retry_within_grace(state, client, &token, used_at, now) {
            Some(successor) => Some(successor),
            None => return Err(reuse_detected(state, &token).await),
        },
    };
    if token.effective_expiry() <= now {
        return Err(invalid());
    }
    if token.user_disabled != Some(false) {
        // The user was disabled or deleted: the grant ends with them.
        state
            .revocations
            .revoke_family(&state.store, &token.family_id)
            .await?;
        AuditEvent::RefreshFamilyRevoked {
            reason: FamilyRevocation::UserDisabled,
            client_id: Some(&token.client_id),
            sub: &token.user_id,
            family: &token.family_id,
        }
        .emit();
        return Err(invalid());
    }
    Ok((token, superseded))
}

/// RFC 9449 §5: a refresh token bound to a DPoP key (a public client's) is used only with a
/// proof by that key. Refused as `invalid_grant` without spending the token: the grant is what
/// is bound, and whoever holds the token without the key gets nothing from it.
fn check_dpop_binding(token: &RefreshTokenRow, proof: Option<&Proof>) -> Result<(), OAuthError> {
    let Some(jkt) = &token.dpop_jkt else {
        return Ok(());
    };
    match proof {
        Some(p) if constant_time_eq(&p.jkt, jkt) => Ok(()),
        Some(_) => Err(OAuthError::invalid_grant(
            "the refresh token is bound to another DPoP key",
        )),
        None => Err(OAuthError::invalid_grant(
            "the refresh token is bound to a DPoP key: a DPoP proof is required",
        )),
    }
}

/// The successor to supersede when a used token comes back within the grace window from a
/// confidential client (see the module comment); `None` means reuse.
fn retry_within_grace(
    state: &AppState,
    client: &AuthenticatedClient,
    token: &RefreshTokenRow,
    used_at: i64,
    now: i64,
) -> Option<String> {
    let grace = state.config.tokens.refresh_reuse_grace.as_secs() as i64;
    if grace == 0 || !client.is_confidential() || now - used_at > grace {
        return None;
    }
    AuditEvent::RefreshRetryWithinGrace {
        client_id: &token.client_id,
        sub: &token.user_id,
        family: &token.family_id,
    }
    .emit();
    token.replaced_by.clone()
}

/// RFC 6749 §6: the requested scope "MUST NOT include any scope not originally granted";
/// omitted means the original scope. The grant's own scope is unchanged by narrowing.
fn narrowed_scope(token: &RefreshTokenRow, requested: Option<&str>) -> Result<String, OAuthError> {
    let granted = Scope::parse(&token.scope).unwrap_or_default();
    let Some(requested) = requested else {
        return Ok(granted.to_string());
    };
    let requested = Scope::parse(requested).map_err(OAuthError::invalid_scope)?;
    if !requested.is_subset(&granted) {
        return Err(OAuthError::invalid_scope(format!(
            "scope not granted to this refresh token: {}",
            requested.difference(&granted).join(" ")
        )));
    }
    Ok(requested.to_string())
}

/// A used refresh token came back: revoke the family and everything issued in it
/// (RFC 9700 §4.14.2), and answer `invalid_grant`.
async fn reuse_detected(state: &AppState, token: &RefreshTokenRow) -> OAuthError {
    AuditEvent::RefreshTokenReuse {
        client_id: &token.client_id,
        sub: &token.user_id,
        family: &token.family_id,
    }
    .emit();
    if let Err(e) = state
        .revocations
        .revoke_family(&state.store, &token.family_id)
        .await
    {
        return e.into();
    }
    OAuthError::invalid_grant("the refresh token is invalid or expired")
}
