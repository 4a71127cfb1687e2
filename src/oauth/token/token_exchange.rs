//! Token exchange (RFC 8693): a confidential service that received a person's access token
//! trades it for one aimed at another service, on the person's behalf. The checks, in order:
//! the client may exchange; the subject token is an active access token Tessera issued; the
//! actor token, if any, is the client's own; the target is one the client is allowed; the scope
//! only narrows. The new token names the subject's person by the `sub` the acting client knows
//! them by (the same unless a client is pairwise, OIDC Core §8.1), names the target in `aud` and the
//! acting client in `act` (nested over any earlier actor, §4.1), never outlives the subject
//! token, comes without a refresh token, and falls with the subject's refresh family.

use crate::audit::{AuditEvent, Grant};
use crate::domain::{GrantType, Scope};
use crate::error::{ErrorCode, OAuthError};
use crate::http::form::Params;
use crate::oauth::client_auth::AuthenticatedClient;
use crate::oauth::userinfo::token_user_id;
use crate::services::dpop::Proof;
use crate::state::AppState;
use crate::tokens::{
    AccessClaims, AccessGrant, Actor, Entitlements, Exchanged, GROUPS_SCOPE, ROLES_SCOPE,
};

use super::TokenResponse;

/// RFC 8693 §3: the one token type Tessera takes and issues.
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

/// Exchanges a subject token.
#[tracing::instrument(level = "debug", skip_all, fields(client_id = %client.client_id))]
pub async fn handle(
    state: &AppState,
    client: &AuthenticatedClient,
    params: &Params,
    proof: Option<&Proof>,
) -> Result<TokenResponse, OAuthError> {
    // The acting service is named in `act`: it must prove who it is.
    if !client.is_confidential() {
        return Err(OAuthError::unauthorized_client(
            "token exchange is for confidential clients only",
        ));
    }
    client.require_grant(GrantType::TokenExchange)?;
    check_requested_type(params)?;
    let now = state.now();
    let subject = active_token(
        state,
        params.require("subject_token")?,
        params.require("subject_token_type")?,
        "subject_token",
        now,
    )
    .await?;
    check_actor(state, client, params, now).await?;
    let audience = check_target(client, params)?;
    let scope = check_scope(&subject, params)?;
    let sub = subject_as_seen_by(state, client, &subject).await?;
    let act = Actor {
        sub: client.client_id.clone(),
        act: subject.act.clone().map(Box::new),
    };
    let scope_text = scope.to_string();
    let entitlements = narrowed(&subject.entitlements, &scope);
    let minted = state.tokens.mint_exchanged_access_token(
        &AccessGrant {
            sub: &sub,
            client_id: &client.client_id,
            scope: &scope_text,
            auth_time: subject.auth_time,
            sid: subject.sid.as_deref(),
            entitlements: &entitlements,
            jkt: proof.map(|p| p.jkt.as_str()),
        },
        Exchanged {
            aud: audience,
            act,
            not_after: subject.exp,
        },
        now,
    )?;
    if let Some(family) = state.store.family_of_access_jti(&subject.jti).await? {
        state
            .store
            .record_exchanged_token(&minted.jti, &family, minted.exp)
            .await?;
    }
    AuditEvent::TokenIssued {
        grant: Grant::TokenExchange { sub: &subject.sub },
        client_id: &client.client_id,
        jti: &minted.jti,
    }
    .emit();
    Ok(TokenResponse {
        access_token: minted.token,
        token_type: super::token_type(proof),
        expires_in: minted.expires_in,
        refresh_token: None,
        id_token: None,
        scope: scope_text,
        issued_token_type: Some(ACCESS_TOKEN_TYPE),
    })
}

/// RFC 8693 §2.1 `requested_token_type`: only an access token can be issued.
fn check_requested_type(params: &Params) -> Result<(), OAuthError> {
    match params.get("requested_token_type") {
        None | Some(ACCESS_TOKEN_TYPE) => Ok(()),
        Some(_) => Err(OAuthError::invalid_request(format!(
            "requested_token_type must be {ACCESS_TOKEN_TYPE}"
        ))),
    }
}

/// An access token Tessera issued, of the declared type, unexpired and unrevoked. An ID token
/// or anything else is `invalid_request` (RFC 8693 §2.2.2), whatever type it is declared as.
async fn active_token(
    state: &AppState,
    token: &str,
    token_type: &str,
    name: &str,
    now: i64,
) -> Result<AccessClaims, OAuthError> {
    if token_type != ACCESS_TOKEN_TYPE {
        return Err(OAuthError::invalid_request(format!(
            "{name}_type must be {ACCESS_TOKEN_TYPE}"
        )));
    }
    let claims = state
        .tokens
        .verify_issued_access_token(token, now)
        .map_err(|e| OAuthError::invalid_request(format!("{name} is not acceptable: {e}")))?;
    if state.revocations.is_revoked(&claims.jti) {
        return Err(OAuthError::invalid_request(format!(
            "{name} has been revoked"
        )));
    }
    if !issued_audience(state, &claims).await? {
        return Err(OAuthError::invalid_request(format!(
            "{name} has an audience Tessera does not issue"
        )));
    }
    Ok(claims)
}

/// Whether a verified access token's `aud` is one Tessera issues: its own, or, for a token
/// issued by exchange (it has `act`), one the client that exchanged it may ask for. A token
/// signed with Tessera's key that claims anything else was not made by Tessera.
pub async fn issued_audience(state: &AppState, claims: &AccessClaims) -> Result<bool, OAuthError> {
    if state.tokens.is_own_audience(&claims.aud) {
        return Ok(true);
    }
    if claims.act.is_none() {
        return Ok(false);
    }
    let exchanger = match state.clients.cached(&claims.client_id) {
        Some(c) => Some(c),
        None => state.clients.load(&state.store, &claims.client_id).await?,
    };
    Ok(exchanger.is_some_and(|c| {
        c.registered_for(GrantType::TokenExchange)
            && c.token_exchange_audiences.contains(&claims.aud)
    }))
}

/// RFC 8693 §2.1 `actor_token`: optional; when sent, it must be an active access token of the
/// authenticated client itself (its client_credentials token), since `act` names that client.
async fn check_actor(
    state: &AppState,
    client: &AuthenticatedClient,
    params: &Params,
    now: i64,
) -> Result<(), OAuthError> {
    let Some(token) = params.get("actor_token") else {
        if params.get("actor_token_type").is_some() {
            return Err(OAuthError::invalid_request(
                "actor_token_type without actor_token",
            ));
        }
        return Ok(());
    };
    let token_type = params.get("actor_token_type").ok_or_else(|| {
        OAuthError::invalid_request("actor_token_type is required with actor_token")
    })?;
    let actor = active_token(state, token, token_type, "actor_token", now).await?;
    if actor.sub != client.client_id {
        return Err(OAuthError::invalid_request(
            "actor_token must name the authenticated client",
        ));
    }
    Ok(())
}

/// RFC 8693 §2.1 `audience` / RFC 8707 `resource`: exactly one target (both may be sent when
/// they name the same), one the client is registered for; anything else is `invalid_target`.
fn check_target<'a>(
    client: &AuthenticatedClient,
    params: &'a Params,
) -> Result<&'a str, OAuthError> {
    let target = match (params.get("audience"), params.get("resource")) {
        (Some(a), Some(r)) if a != r => {
            return Err(OAuthError::new(
                ErrorCode::InvalidTarget,
                "audience and resource name different targets; ask for one per exchange",
            ));
        }
        (Some(t), _) | (None, Some(t)) => t,
        (None, None) => {
            return Err(OAuthError::invalid_request(
                "audience or resource is required: name the service the token is for",
            ));
        }
    };
    if !client.token_exchange_audiences.iter().any(|a| a == target) {
        return Err(OAuthError::new(
            ErrorCode::InvalidTarget,
            "the client may not ask for a token for this audience",
        ));
    }
    Ok(target)
}

/// `scope` may narrow the subject token's scope, never widen it (RFC 8693 §2.1); absent, the
/// subject's scope is kept.
fn check_scope(subject: &AccessClaims, params: &Params) -> Result<Scope, OAuthError> {
    let held = Scope::parse(&subject.scope).unwrap_or_default();
    let Some(asked) = params.get("scope") else {
        return Ok(held);
    };
    let asked = Scope::parse(asked).map_err(OAuthError::invalid_scope)?;
    if !asked.is_subset(&held) {
        return Err(OAuthError::invalid_scope(format!(
            "scope wider than the subject token's: {}",
            asked.difference(&held).join(" ")
        )));
    }
    Ok(asked)
}

/// The new token's `sub`: the person of the subject token as the acting client sees them
/// (its pairwise subject, OIDC Core §8.1), or the subject token's `sub` when it names no person.
/// A person's token is exchanged only while the person may still sign in.
async fn subject_as_seen_by(
    state: &AppState,
    client: &AuthenticatedClient,
    subject: &AccessClaims,
) -> Result<String, OAuthError> {
    let user = match token_user_id(state, subject).await? {
        Some(id) => state.store.user_by_id(&id).await?,
        None => None,
    };
    match user {
        Some(user) if user.disabled => Err(OAuthError::invalid_request(
            "the subject token's user can no longer sign in",
        )),
        Some(user) => Ok(state
            .tokens
            .issue_subject(&state.store, client, &user.id)
            .await?),
        None => Ok(subject.sub.clone()),
    }
}

/// The subject's roles, permissions and groups, kept only where the new scope still allows them.
fn narrowed(held: &Entitlements, scope: &Scope) -> Entitlements {
    let roles = scope.contains(ROLES_SCOPE);
    Entitlements {
        roles: held.roles.clone().filter(|_| roles),
        permissions: held.permissions.clone().filter(|_| roles),
        groups: held.groups.clone().filter(|_| scope.contains(GROUPS_SCOPE)),
    }
}
