//! `POST /account/apps/revoke`: the person withdraws an application's access ("Revoke access").

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{sign_in_first, sign_out, signed_in};
use crate::audit::AuditEvent;
use crate::error::PageError;
use crate::oauth::authorize::see_other;
use crate::services::session::BrowserSession;
use crate::state::AppState;

/// What a "Revoke access" button posts.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    client_id: String,
}

/// `POST /account/apps/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    session: BrowserSession,
    Form(form): Form<RevokeForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((_, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    if !sign_out::revoke_access(&state, &row.id, &form.client_id).await? {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "account-nothing-to-revoke-title",
            "account-nothing-to-revoke",
        ));
    }
    AuditEvent::ConsentRevoked {
        sub: &row.id,
        client_id: &form.client_id,
    }
    .emit();
    Ok(see_other("/account?done=app_revoked"))
}
