//! `POST /account/email` (change the address) and `POST /account/email/verify` ("Send
//! verification email"). A new address is unverified until the person follows the link sent to
//! it; changing it needs a sign-in at most five minutes old, like the password.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{page, recent, sign_in_first, signed_in};
use crate::audit::AuditEvent;
use crate::domain::Email;
use crate::error::PageError;
use crate::oauth::authorize::see_other;
use crate::services::session::BrowserSession;
use crate::state::AppState;
use crate::store::StoreError;

/// What the email forms post.
#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
}

/// `POST /account/email`.
pub async fn change_email(
    State(state): State<AppState>,
    session: BrowserSession,
    Form(form): Form<EmailForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((user, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    if !recent(&state, &user) {
        return sign_in_first(&session, true).await;
    }
    let refuse = |message: String| {
        let (state, session, user, row) = (&state, &session, &user, &row);
        async move {
            let status = StatusCode::BAD_REQUEST;
            page(state, session, user, row, None, Some(&message), status).await
        }
    };
    let email = match Email::parse(form.email.trim()) {
        Ok(e) => e,
        Err(why) => return refuse(format!("This address cannot be used: {why}.")).await,
    };
    match state.store.set_user_email(&row.id, Some(&email)).await {
        Ok(_) => {}
        // Not "someone else has it": the page would tell who has an account.
        Err(StoreError::Conflict(_)) => {
            return refuse("This address cannot be used for your account.".into()).await;
        }
        Err(e) => return Err(e.into()),
    }
    AuditEvent::EmailChanged { sub: &row.id }.emit();
    state.email.send_verification(&row.id);
    Ok(see_other("/account?done=email_changed"))
}

/// `POST /account/email/verify`: sends a verification link to the current address.
pub async fn send_verification(
    State(state): State<AppState>,
    session: BrowserSession,
    Form(form): Form<EmailForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((_, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    if row.email.is_none() || row.email_verified || !state.email.send_verification(&row.id) {
        return Err(PageError::bad_request(
            "There is no unverified address to send a link to, or email is not available.",
        ));
    }
    Ok(see_other("/account?done=verification_sent"))
}
