//! OpenID Connect RP-Initiated Logout 1.0 (`GET` and `POST /logout`): the request checks and the
//! sign-out itself. The pages (confirmation, signed out) are in `pages::logout`.
//!
//! Rules (RP-Initiated Logout 1.0 §2, §3):
//! - `id_token_hint` must be an ID token Tessera signed (`typ` JWT, our `iss`); an expired one is
//!   accepted, since logging out is exactly what people do after their tokens expire.
//! - `client_id`, when given with a hint, must be the hint's `aud`.
//! - `post_logout_redirect_uri` is used only when it exactly matches one registered for the
//!   client named by `client_id` or the hint's `aud`; otherwise the signed-out page is shown.
//! - `state` is echoed on that redirect; `ui_locales` chooses the pages' language.

use std::net::IpAddr;

use crate::audit::{AuditEvent, FamilyRevocation};
use crate::error::PageError;
use crate::http::form::Params;
use crate::logout::backchannel;
use crate::services::session::{BrowserSession, SessionUser};
use crate::state::AppState;
use crate::tokens::id_token::{ID_TOKEN_TYP, IdTokenClaims};

impl LogoutRequest {
    /// Whether the hint proves the RP asks to end *this* session: an ID token issued in it to
    /// the signed-in person. A hint from an earlier session of the same person does not (hints
    /// travel in URLs and leak), so the person is asked.
    pub fn hint_names_session(&self, user: &SessionUser) -> bool {
        self.hint_sub.as_deref() == Some(user.user_id.as_str())
            && self.hint_sid.as_deref() == Some(user.sid.as_str())
    }
}

/// A checked logout request.
#[derive(Debug, Clone, Default)]
pub struct LogoutRequest {
    /// The person a valid `id_token_hint` names: its `sub` mapped back through the client it
    /// was issued to (a pairwise `sub`, OIDC Core §8.1, is not the person's id).
    pub hint_sub: Option<String>,
    /// The OP session (`sid`) that hint was issued in.
    pub hint_sid: Option<String>,
    /// The client named by `client_id` or the hint's `aud`.
    pub client_id: Option<String>,
    /// Where to send the browser afterwards (registered URI with `state`), if anywhere.
    pub redirect: Option<String>,
    /// The parameters as received, re-posted by the confirmation form.
    pub carried: Vec<(&'static str, String)>,
}

/// Parameters the confirmation form carries to its `POST`.
const CARRIED: [&str; 5] = [
    "id_token_hint",
    "client_id",
    "post_logout_redirect_uri",
    "state",
    "ui_locales",
];

/// The request pipeline: hint, client, redirect.
pub async fn validate(state: &AppState, params: &Params) -> Result<LogoutRequest, PageError> {
    let hint = match params.get("id_token_hint") {
        Some(token) => Some(check_hint(state, token)?),
        None => None,
    };
    let client_id = check_client_id(params.get("client_id"), hint.as_ref())?;
    let redirect = match (params.get("post_logout_redirect_uri"), &client_id) {
        (Some(uri), Some(id)) => registered_redirect(state, id, uri, params.get("state")).await?,
        _ => None,
    };
    let carried = CARRIED
        .iter()
        .filter_map(|&k| params.get(k).map(|v| (k, v.to_string())))
        .collect();
    let (hint_sub, hint_sid) = match hint {
        Some(h) => (hint_user(state, &h).await?, h.sid),
        None => (None, None),
    };
    Ok(LogoutRequest {
        hint_sub,
        hint_sid,
        client_id,
        redirect,
        carried,
    })
}

/// §2: the hint must be an ID token this OP issued; its expiry does not matter.
fn check_hint(state: &AppState, token: &str) -> Result<IdTokenClaims, PageError> {
    let invalid = || PageError::bad_request("logout-error-invalid-hint");
    let verified = state.keys.verify(token).map_err(|_| invalid())?;
    if verified.typ.as_deref() != Some(ID_TOKEN_TYP) {
        return Err(invalid());
    }
    let claims: IdTokenClaims = verified.claims().map_err(|_| invalid())?;
    if claims.iss != state.config.issuer {
        return Err(invalid());
    }
    Ok(claims)
}

/// The person the hint's `sub` names for the client it was issued to; `None` if the client is
/// gone or the `sub` names nobody.
async fn hint_user(state: &AppState, hint: &IdTokenClaims) -> Result<Option<String>, PageError> {
    let Some(client) = state.clients.client(&state.store, &hint.aud).await? else {
        return Ok(None);
    };
    Ok(state
        .tokens
        .subject_user(&state.store, &client, &hint.sub)
        .await?)
}

/// §2: "the OP MUST verify that it matches the `aud` of the ID Token Hint".
fn check_client_id(
    client_id: Option<&str>,
    hint: Option<&IdTokenClaims>,
) -> Result<Option<String>, PageError> {
    match (client_id, hint) {
        (Some(id), Some(h)) if id != h.aud => {
            Err(PageError::bad_request("logout-error-client-mismatch"))
        }
        (Some(id), _) => Ok(Some(id.to_string())),
        (None, Some(h)) => Ok(Some(h.aud.clone())),
        (None, None) => Ok(None),
    }
}

/// §3: exact match against the client's registered post-logout redirect URIs, with `state`.
async fn registered_redirect(
    state: &AppState,
    client_id: &str,
    uri: &str,
    rp_state: Option<&str>,
) -> Result<Option<String>, PageError> {
    let Some(client) = state.store.client(client_id).await? else {
        return Ok(None);
    };
    if !client.post_logout_redirect_uris.iter().any(|u| u == uri) {
        tracing::info!(
            client_id,
            "post_logout_redirect_uri not registered; no redirect"
        );
        return Ok(None);
    }
    let Ok(mut url) = url::Url::parse(uri) else {
        return Ok(None);
    };
    if let Some(s) = rp_state {
        url.query_pairs_mut().append_pair("state", s);
    }
    Ok(Some(url.into()))
}

/// Ends the person's session: optionally revokes the refresh tokens issued in it (config
/// `session.revoke_refresh_tokens_on_logout`), deletes the session, records the event, and
/// starts the Back-Channel Logout notifications (which the response does not wait for).
/// `client_id` is the client the sign-out came through, if any.
pub async fn end_session(
    state: &AppState,
    session: &BrowserSession,
    user: &SessionUser,
    client_id: Option<&str>,
    ip: IpAddr,
) -> Result<(), PageError> {
    if state.config.session.revoke_refresh_tokens_on_logout {
        for family in state.store.live_families_of_session(&user.sid).await? {
            if state
                .revocations
                .revoke_family(&state.store, &family)
                .await?
            {
                AuditEvent::RefreshFamilyRevoked {
                    reason: FamilyRevocation::Logout,
                    client_id: None,
                    sub: &user.user_id,
                    family: &family,
                }
                .emit();
            }
        }
    }
    session.end().await?;
    state.store.forget_user_session(&user.sid).await?;
    backchannel::notify_session_end(&state.backchannel, user);
    AuditEvent::Logout {
        sub: &user.user_id,
        client_id,
        ip,
    }
    .emit();
    Ok(())
}
