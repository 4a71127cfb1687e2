//! The authenticator app on the account page: enrolment (a QR code drawn on the server, the
//! secret as text, one code to confirm), new recovery codes, and removal (which needs a sign-in
//! at most [`RECENT_SIGN_IN`](super::RECENT_SIGN_IN) old). No JavaScript.
//! The secret shown but not yet confirmed waits in the browser session (`pages::enroll`).

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Field, FormError, View, recent, sign_in_first, signed_in};
use crate::audit::AuditEvent;
use crate::error::PageError;
use crate::http::paths;
use crate::oauth::authorize::see_other;
use crate::pages::enroll::{RecoveryCodesPage, finish_enrolment, pending_secret};
use crate::pages::render;
use crate::pages::ui::Ui;
use crate::services::second_factor;
use crate::services::session::BrowserSession;
use crate::state::AppState;

/// What the enrolment form posts.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    otp: String,
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct PlainForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /account/totp`: a code from the shown secret stores it, with ten recovery codes shown
/// once. This sign-in then counts as two factors.
pub async fn confirm(
    State(state): State<AppState>,
    ui: Ui,
    session: BrowserSession,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((user, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    let secret = pending_secret(&state, &session, &row).await?;
    let now = state.now();
    let typed: String = form.otp.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(step) = secret.matching_step(&typed, now) else {
        let view = View {
            state: &state,
            ui: &ui,
            session: &session,
            user: &user,
            row: &row,
        };
        let error = FormError::at(Field::Otp, "account-totp-wrong-code");
        return view.refuse(error, StatusCode::BAD_REQUEST).await;
    };
    finish_enrolment(
        &state,
        &session,
        &ui,
        user,
        &secret,
        step,
        now,
        paths::ACCOUNT,
    )
    .await
}

/// `POST /account/totp/recovery-codes`: ten new codes, the old ones void.
pub async fn regenerate(
    State(state): State<AppState>,
    ui: Ui,
    session: BrowserSession,
    Form(form): Form<PlainForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((user, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    if !recent(&state, &user) {
        return sign_in_first(&session, true).await;
    }
    if !state.store.factors(&row.id).await?.totp {
        return Ok(see_other(paths::ACCOUNT));
    }
    let codes =
        second_factor::regenerate_recovery_codes(&state.store, &row.id, state.now()).await?;
    AuditEvent::SecondFactorEnrolled {
        sub: &row.id,
        what: "recovery_codes",
    }
    .emit();
    Ok(render(
        StatusCode::OK,
        &RecoveryCodesPage {
            ui: &ui,
            codes: &codes,
            enrolled: false,
            continue_to: paths::ACCOUNT,
        },
    )
    .into_response())
}

/// `POST /account/totp/remove`: needs a fresh sign-in; removes the app and the recovery codes.
pub async fn remove(
    State(state): State<AppState>,
    session: BrowserSession,
    Form(form): Form<PlainForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((user, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    if !recent(&state, &user) {
        return sign_in_first(&session, true).await;
    }
    if state.store.remove_second_factors(&row.id).await? {
        AuditEvent::SecondFactorsRemoved { sub: &row.id }.emit();
    }
    Ok(see_other(&format!("{}?done=totp_removed", paths::ACCOUNT)))
}
