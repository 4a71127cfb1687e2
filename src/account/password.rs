//! `POST /account/password`: the person changes their password. The current password is
//! verified under the login throttle; the new one must pass the password policy. Every other
//! session of the person ends and their refresh tokens are revoked; this browser stays signed in.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::sign_out::{self, Which};
use super::{
    Field, FormError, View, hash_new_password, recent, refusal_reason, sign_in_first, signed_in,
};
use crate::audit::{AuditEvent, FamilyRevocation, SessionEnd};
use crate::crypto::verify_password_off_thread;
use crate::domain::Username;
use crate::domain::password::NewPassword;
use crate::error::PageError;
use crate::http::client_ip::ClientIp;
use crate::i18n::Msg;
use crate::oauth::authorize::see_other;
use crate::pages::ui::Ui;
use crate::services::login_throttle::{ACCOUNT, LoginAttempt};
use crate::services::session::BrowserSession;
use crate::state::AppState;
use crate::store::NO_PASSWORD;

/// What the password form posts.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    /// Optional: when sent, it must equal `new_password`.
    confirm_password: Option<String>,
}

/// `POST /account/password`.
pub async fn change(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ui: Ui,
    session: BrowserSession,
    Form(form): Form<PasswordForm>,
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
    // Counted before the password is looked at, as on the login page.
    let attempt = LoginAttempt::new(
        &state.store,
        &state.config.throttle,
        &state.clock,
        &row.username,
        ip,
    );
    attempt.reserve(ACCOUNT).await?;
    // An account made by an upstream sign-in has no password yet: the fresh sign-in above is
    // what vouches for setting the first one.
    let current_ok = row.password_hash == NO_PASSWORD
        || verify_password_off_thread(
            form.current_password,
            Some(row.password_hash.clone()),
            state.config.password.argon2(),
        )
        .await
        .ok;
    if !current_ok {
        AuditEvent::LoginFailed {
            client_id: ACCOUNT,
            ip,
        }
        .emit();
        let error = FormError::at(Field::CurrentPassword, "account-current-password-wrong");
        return view.refuse(error, StatusCode::UNAUTHORIZED).await;
    }
    attempt.succeeded().await?;
    if form
        .confirm_password
        .as_ref()
        .is_some_and(|c| *c != form.new_password)
    {
        let error = FormError::at(Field::ConfirmPassword, "account-passwords-differ");
        return view.refuse(error, StatusCode::BAD_REQUEST).await;
    }
    let policy = state.config.password.policy();
    let new = match NewPassword::check(&form.new_password, &policy, &row.own_words()) {
        Ok(p) => p,
        Err(why) => {
            let message =
                Msg::new("account-password-refused").arg("reason", refusal_reason(&ui, &why));
            let error = FormError::at(Field::NewPassword, message);
            return view.refuse(error, StatusCode::BAD_REQUEST).await;
        }
    };
    let hash = hash_new_password(&state, new).await?;
    let username = Username::parse(&row.username)
        .map_err(|_| PageError::bad_request("account-username-unusable"))?;
    state.store.set_user_password(&username, &hash).await?;
    let ended = sign_out::end_sessions(
        &state,
        &row.id,
        Which::AllBut(&user.sid),
        FamilyRevocation::PasswordChanged,
    )
    .await?;
    sign_out::notify(&state, &ended.sessions);
    AuditEvent::PasswordChanged { sub: &row.id, ip }.emit();
    AuditEvent::SessionsEnded {
        sub: &row.id,
        reason: SessionEnd::PasswordChanged,
        count: ended.sessions.len(),
    }
    .emit();
    Ok(see_other("/account?done=password"))
}
