//! Who may register a client at `POST /register`, by `[registration] mode` (RFC 7591 §3: the
//! endpoint may be open or protected by an initial access token).

use std::net::IpAddr;

use axum::http::HeaderMap;

use crate::config::RegistrationMode;
use crate::crypto::sha256_hex;
use crate::error::{ErrorCode, OAuthError};
use crate::oauth::userinfo::bearer;
use crate::state::AppState;
use crate::store::InitialTokenState;

/// The permission (granted through a role) whose access tokens may register clients: automation
/// through RBAC instead of initial access tokens.
pub const CLIENTS_WRITE: &str = "clients:write";

/// Who is registering, once allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registrar {
    /// The holder of an initial access token (its SHA-256 hex), spent when the client is stored.
    InitialToken(String),
    /// A Tessera access token carrying [`CLIENTS_WRITE`], issued to this client.
    Automation { client_id: String },
    /// Anyone (`open` mode).
    Anyone,
}

/// Checks the caller may register: in `token` mode a Bearer initial access token or an access
/// token with [`CLIENTS_WRITE`] (401 `invalid_token` otherwise, RFC 6750 §3.1); in `open` mode
/// the caller's IP within its hourly budget (429).
pub async fn registrar(
    state: &AppState,
    headers: &HeaderMap,
    ip: IpAddr,
) -> Result<Registrar, OAuthError> {
    if state.config.registration.mode == RegistrationMode::Open {
        state.rate_limits.check_registration(ip)?;
        return Ok(Registrar::Anyone);
    }
    let token = bearer(headers)?.ok_or_else(|| {
        OAuthError::invalid_token("an initial access token is required to register a client")
    })?;
    let now = state.now();
    // A JWT Tessera signed is an access token; anything else can only be an initial one.
    if let Ok(claims) = state.tokens.verify_access_token(&token, now) {
        if state.revocations.is_revoked(&claims.jti) {
            return Err(OAuthError::invalid_token("the token has been revoked"));
        }
        let may = claims
            .entitlements
            .permissions
            .as_ref()
            .is_some_and(|p| p.iter().any(|p| p == CLIENTS_WRITE));
        if !may {
            return Err(OAuthError::new(
                ErrorCode::InsufficientScope,
                format!("registering a client needs the permission {CLIENTS_WRITE}"),
            )
            .with_challenge(crate::error::Challenge::Bearer));
        }
        return Ok(Registrar::Automation {
            client_id: claims.client_id,
        });
    }
    let hash = sha256_hex(&token);
    match state.store.initial_access_token_state(&hash, now).await? {
        InitialTokenState::Usable => Ok(Registrar::InitialToken(hash)),
        InitialTokenState::Unknown => Err(OAuthError::invalid_token(
            "the initial access token is not valid",
        )),
        InitialTokenState::Expired => Err(OAuthError::invalid_token(
            "the initial access token has expired",
        )),
        InitialTokenState::UsedUp => Err(OAuthError::invalid_token(
            "the initial access token has been used up",
        )),
    }
}

impl Registrar {
    /// How the registrar was allowed, as the audit trail names it.
    pub fn name(&self) -> &'static str {
        match self {
            Registrar::InitialToken(_) => "initial_access_token",
            Registrar::Automation { .. } => "access_token",
            Registrar::Anyone => "open",
        }
    }
}
