//! The person's links to upstream identity providers on the account page: listed, and
//! removable (`POST /account/upstreams/remove`) unless the link is their last way to sign in
//! (no password, no passkey, no other link).

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{FormError, LAST_WAY_TO_SIGN_IN, View, WaysToSignIn, recent, sign_in_first, signed_in};
use crate::audit::AuditEvent;
use crate::error::PageError;
use crate::http::paths;
use crate::oauth::authorize::see_other;
use crate::pages::ui::Ui;
use crate::services::session::BrowserSession;
use crate::state::AppState;

/// What the Remove button posts.
#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    upstream_id: String,
    #[serde(default)]
    subject: String,
}

/// `POST /account/upstreams/remove`: needs a fresh sign-in.
pub async fn remove(
    State(state): State<AppState>,
    ui: Ui,
    session: BrowserSession,
    Form(form): Form<RemoveForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((user, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    if !recent(&state, &user) {
        return sign_in_first(&session, true).await;
    }
    let ways = WaysToSignIn::of(&state, &row).await?;
    let link = (form.upstream_id.as_str(), form.subject.as_str());
    if !ways
        .upstream_links
        .iter()
        .any(|(u, s)| (u.as_str(), s.as_str()) == link)
    {
        // Not one of theirs: nothing to do.
        return Ok(see_other(paths::ACCOUNT));
    }
    if ways.left_without(None, Some(link)) == 0 {
        let view = View {
            state: &state,
            ui: &ui,
            session: &session,
            user: &user,
            row: &row,
        };
        return view
            .refuse(FormError::new(LAST_WAY_TO_SIGN_IN), StatusCode::CONFLICT)
            .await;
    }
    if state
        .store
        .remove_upstream_link(&row.id, &form.upstream_id, &form.subject)
        .await?
    {
        AuditEvent::UpstreamUnlinked {
            sub: &row.id,
            upstream: &form.upstream_id,
        }
        .emit();
    }
    Ok(see_other(&format!(
        "{}?done=upstream_removed",
        paths::ACCOUNT
    )))
}
