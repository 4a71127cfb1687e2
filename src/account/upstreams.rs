//! The person's links to upstream identity providers on the account page: listed, and
//! removable (`POST /account/upstreams/remove`) unless the link is their last way to sign in
//! (no password, no passkey, no other link).

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{page, recent, sign_in_first, signed_in};
use crate::audit::AuditEvent;
use crate::error::PageError;
use crate::http::paths;
use crate::oauth::authorize::see_other;
use crate::services::session::BrowserSession;
use crate::state::AppState;
use crate::store::NO_PASSWORD;

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

/// The refusal: removing it would lock the person out.
const LAST_WAY: &str = "This is your only way to sign in. Add a passkey (or ask for a password) \
                        before you remove it.";

/// `POST /account/upstreams/remove`: needs a fresh sign-in.
pub async fn remove(
    State(state): State<AppState>,
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
    let links = state.store.upstream_links_of(&row.id).await?;
    let others = links
        .iter()
        .filter(|l| !(l.upstream_id == form.upstream_id && l.subject == form.subject))
        .count();
    let has_password = row.password_hash != NO_PASSWORD;
    let has_passkey = !state.store.passkeys_of(&row.id).await?.is_empty();
    if others == links.len() {
        // Not one of theirs: nothing to do.
        return Ok(see_other(paths::ACCOUNT));
    }
    if !has_password && !has_passkey && others == 0 {
        return page(
            &state,
            &session,
            &user,
            &row,
            None,
            Some(LAST_WAY),
            StatusCode::CONFLICT,
        )
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
