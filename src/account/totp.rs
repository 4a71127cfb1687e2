//! The authenticator app on the account page: enrolment (a QR code drawn on the server, the
//! secret as text, one code to confirm), new recovery codes, and removal (which needs a sign-in
//! at most [`RECENT_SIGN_IN`](super::RECENT_SIGN_IN) old). No JavaScript.
//!
//! The secret shown but not yet confirmed is parked in the browser session, sealed under the
//! key-encryption key; it is stored for the person only when a code from it is confirmed.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::{Deserialize, Serialize};

use super::{page, recent, sign_in_first, signed_in};
use crate::audit::AuditEvent;
use crate::error::PageError;
use crate::http::paths;
use crate::oauth::authorize::see_other;
use crate::pages::render;
use crate::services::second_factor::{self, NewSecret};
use crate::services::session::{BrowserSession, Parked, SessionUser};
use crate::state::AppState;
use crate::store::UserRow;

/// A secret shown on the account page, waiting for its first code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingTotp {
    pub user_id: String,
    /// The secret, sealed under the key-encryption key (bound to the person).
    pub sealed: String,
}

impl Parked for PendingTotp {
    const KEY: &'static str = "totp_enrolment";
    fn id(&self) -> &str {
        &self.user_id
    }
}

/// What the security section shows to enroll.
pub struct Enrolment {
    /// The secret in groups of four, for typing.
    pub secret: String,
    /// The otpauth URI as an SVG QR code.
    pub qr_svg: String,
}

fn aad(user_id: &str) -> String {
    format!("totp-enrolment:{user_id}")
}

/// The parked secret of `row`, or a new one parked now.
async fn pending_secret(
    state: &AppState,
    session: &BrowserSession,
    row: &UserRow,
) -> Result<NewSecret, PageError> {
    let host = state.config.issuer_host();
    if let Some(p) = session.pending::<PendingTotp>().await?
        && p.user_id == row.id
        && let Ok(bytes) = state.keys.open_secret(&p.sealed, &aad(&row.id))
    {
        return Ok(NewSecret::from_bytes(bytes, &host, &row.username));
    }
    let secret = NewSecret::generate(&host, &row.username);
    session
        .set_pending(&PendingTotp {
            user_id: row.id.clone(),
            sealed: state.keys.seal_secret(secret.bytes(), &aad(&row.id)),
        })
        .await?;
    Ok(secret)
}

/// The enrolment block for a person without an authenticator app.
pub async fn enrolment(
    state: &AppState,
    session: &BrowserSession,
    row: &UserRow,
) -> Result<Enrolment, PageError> {
    let secret = pending_secret(state, session, row).await?;
    let qr_svg = QrCode::new(secret.otpauth_uri.as_bytes())
        .map(|q| {
            q.render::<svg::Color<'_>>()
                .min_dimensions(200, 200)
                .build()
        })
        .unwrap_or_default();
    let grouped = secret
        .base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Enrolment {
        secret: grouped,
        qr_svg,
    })
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryCodesPage<'a> {
    codes: &'a [String],
    enrolled: bool,
}

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
        return page(
            &state,
            &session,
            &user,
            &row,
            None,
            Some("That code is not right. Enter the code your app shows now."),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let codes =
        second_factor::enroll(&state.store, &state.keys, &row.id, &secret, Some(step), now).await?;
    session.clear_pending::<PendingTotp>().await?;
    AuditEvent::SecondFactorEnrolled {
        sub: &row.id,
        what: "totp",
    }
    .emit();
    session
        .set_user(&SessionUser {
            amr: user.amr.with_otp(),
            ..user
        })
        .await?;
    Ok(render(
        StatusCode::OK,
        &RecoveryCodesPage {
            codes: &codes,
            enrolled: true,
        },
    )
    .into_response())
}

/// `POST /account/totp/recovery-codes`: ten new codes, the old ones void.
pub async fn regenerate(
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
            codes: &codes,
            enrolled: false,
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
