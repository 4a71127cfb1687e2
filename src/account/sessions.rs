//! `POST /account/sessions/end` ("Sign out" of one session) and
//! `POST /account/sessions/end-all` ("Sign out everywhere", this browser included).

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::sign_out::{self, Which};
use super::{sign_in_first, signed_in};
use crate::audit::{AuditEvent, FamilyRevocation, SessionEnd};
use crate::error::PageError;
use crate::logout::endpoint::signed_out;
use crate::oauth::authorize::see_other;
use crate::services::session::BrowserSession;
use crate::state::AppState;

/// What a "Sign out" button posts.
#[derive(Debug, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    csrf_token: String,
    /// The session to end; `None` for "Sign out everywhere".
    sid: Option<String>,
}

/// `POST /account/sessions/end`.
pub async fn end(
    State(state): State<AppState>,
    session: BrowserSession,
    ui: crate::pages::Ui,
    Form(form): Form<EndForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((user, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    let sid = form.sid.unwrap_or_default();
    if !sign_out::end_session(&state, &row.id, &sid).await? {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "account-no-such-session-title",
            "account-no-such-session",
        ));
    }
    AuditEvent::SessionsEnded {
        sub: &row.id,
        reason: SessionEnd::SignedOut,
        count: 1,
    }
    .emit();
    if sid == user.sid {
        // This very browser: its record is gone; forget the cookie too.
        session.end().await?;
        return Ok(signed_out(&ui));
    }
    Ok(see_other("/account?done=signed_out"))
}

/// `POST /account/sessions/end-all`.
pub async fn end_all(
    State(state): State<AppState>,
    session: BrowserSession,
    ui: crate::pages::Ui,
    Form(form): Form<EndForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((_, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    let ended = sign_out::end_sessions(
        &state,
        &row.id,
        Which::All,
        FamilyRevocation::SignedOutEverywhere,
    )
    .await?;
    sign_out::notify(&state, &ended.sessions);
    AuditEvent::SessionsEnded {
        sub: &row.id,
        reason: SessionEnd::Everywhere,
        count: ended.sessions.len(),
    }
    .emit();
    session.end().await?;
    Ok(signed_out(&ui))
}
