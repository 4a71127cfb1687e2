//! `POST /account/email` (change the address) and `POST /account/email/verify` ("Send
//! verification email"). A new address is unverified until the person follows the link sent to
//! it; changing it needs a sign-in at most five minutes old, like the password.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Field, FormError, View, recent, sign_in_first, signed_in};
use crate::audit::AuditEvent;
use crate::domain::Email;
use crate::error::PageError;
use crate::i18n::Msg;
use crate::oauth::authorize::see_other;
use crate::pages::ui::Ui;
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
    ui: Ui,
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
    let view = View {
        state: &state,
        ui: &ui,
        session: &session,
        user: &user,
        row: &row,
    };
    let refuse = |message: Msg| {
        view.refuse(
            FormError::at(Field::NewEmail, message),
            StatusCode::BAD_REQUEST,
        )
    };
    let Ok(email) = Email::parse(form.email.trim()) else {
        return refuse(Msg::new("account-email-invalid")).await;
    };
    match state.store.set_user_email(&row.id, Some(&email)).await {
        Ok(_) => {}
        // Not "someone else has it": the page would tell who has an account.
        Err(StoreError::Conflict(_)) => {
            return refuse(Msg::new("account-email-unusable")).await;
        }
        Err(e) => return Err(e.into()),
    }
    AuditEvent::EmailChanged { sub: &row.id }.emit();
    state.email.send_verification(&row.id, ui.locale());
    Ok(see_other("/account?done=email_changed"))
}

/// `POST /account/email/verify`: sends a verification link to the current address.
pub async fn send_verification(
    State(state): State<AppState>,
    ui: Ui,
    session: BrowserSession,
    Form(form): Form<EmailForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((_, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    if row.email.is_none()
        || row.email_verified
        || !state.email.send_verification(&row.id, ui.locale())
    {
        return Err(PageError::bad_request("account-no-address-to-verify"));
    }
    Ok(see_other("/account?done=verification_sent"))
}
