//! The consent page (`GET` and `POST /consent`): the person allows or denies the client the
//! scopes it asked for. Allowed scopes are remembered per user and client.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::audit::AuditEvent;
use crate::domain::Scope;
use crate::error::{ErrorCode, OAuthError, PageError};
use crate::oauth::authorize::{Pending, deny_device, proceed};
use crate::pages::render;
use crate::services::session::{BrowserSession, SessionUser};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    client_name: &'a str,
    scopes: Vec<String>,
    csrf_token: &'a str,
    request_id: &'a str,
    /// The user code of a device request, to compare with the device's screen.
    user_code: Option<&'a str>,
}

/// What the consent form posts.
#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    csrf_token: String,
    /// The request the page was shown for.
    #[serde(default)]
    request: String,
}

/// A scope in plain words.
pub fn describe(scope: &str) -> String {
    match scope {
        "openid" => "Confirm who you are when you sign in".into(),
        "profile" => "See your name and username".into(),
        "email" => "Read your email address".into(),
        "offline_access" => "Stay connected when you are not using it".into(),
        other => format!("Use the permission “{other}”"),
    }
}

/// `GET /consent`.
pub async fn show(
    State(state): State<AppState>,
    session: BrowserSession,
) -> Result<Response, PageError> {
    let pending: Pending = session.pending().await?.ok_or_else(nothing_waiting)?;
    signed_in(&state, &session).await?;
    let client = state.store.client(&pending.client_id).await?;
    let client_name = client.map(|c| c.name).unwrap_or_default();
    let scope = Scope::parse(&pending.scope).unwrap_or_default();
    let csrf_token = session.csrf_token().await?;
    Ok(render(
        StatusCode::OK,
        &ConsentPage {
            client_name: &client_name,
            scopes: scope.iter().map(describe).collect(),
            csrf_token: &csrf_token,
            request_id: &pending.id,
            user_code: pending.device.as_ref().map(|d| d.user_code.as_str()),
        },
    ))
}

/// `POST /consent`: `decision=allow` remembers the scopes and continues; `deny` answers the
/// client `access_denied` (RFC 6749 §4.1.2.1), or, for a device request, records the denial
/// its next poll reads (RFC 8628 §3.5).
pub async fn submit(
    State(state): State<AppState>,
    session: BrowserSession,
    Form(form): Form<ConsentForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let mut pending: Pending = session.pending_for(&form.request).await?;
    let user = signed_in(&state, &session).await?;
    match form.decision.as_str() {
        "allow" => {
            let before = state
                .store
                .consent(&user.user_id, &pending.client_id)
                .await?;
            let before = before.map(|r| r.scopes).unwrap_or_default();
            let before = Scope::parse(&before).unwrap_or_default();
            let granted = before.union(&Scope::parse(&pending.scope).unwrap_or_default());
            let granted = granted.to_string();
            state
                .store
                .save_consent(&user.user_id, &pending.client_id, &granted, state.now())
                .await?;
            AuditEvent::ConsentGiven {
                sub: &user.user_id,
                client_id: &pending.client_id,
                scope: &pending.scope,
            }
            .emit();
            pending.consented = true;
            Ok(proceed(&state, &session, pending).await)
        }
        "deny" => {
            session.clear_pending::<Pending>().await?;
            AuditEvent::ConsentDenied {
                sub: &user.user_id,
                client_id: &pending.client_id,
            }
            .emit();
            if let Some(device) = &pending.device {
                return deny_device(&state, device).await;
            }
            let e = OAuthError::new(ErrorCode::AccessDenied, "the user denied the request");
            Ok(pending.reply_to(&state.config.issuer).error(&e))
        }
        _ => Err(PageError::bad_request("Choose Allow or Deny.")),
    }
}

fn nothing_waiting() -> PageError {
    PageError::bad_request(
        "No request is waiting for your answer. Go back to the application and start again.",
    )
}

/// The signed-in person: consent without one makes no sense.
async fn signed_in(state: &AppState, session: &BrowserSession) -> Result<SessionUser, PageError> {
    session
        .user(state.now(), state.config.session.absolute_timeout)
        .await?
        .ok_or_else(nothing_waiting)
}
