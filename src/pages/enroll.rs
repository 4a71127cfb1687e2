//! Authenticator-app enrolment: the secret shown (a QR code drawn on the server and the key as
//! text) waits in the browser session, sealed under the key-encryption key, and is stored for
//! the person only when a code from it is confirmed. The account page shows it; `/login/enroll`
//! (`GET` and `POST`) shows it inside a sign-in for a client that requires two factors.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::{Deserialize, Serialize};

use crate::audit::AuditEvent;
use crate::error::PageError;
use crate::http::paths;
use crate::i18n::Msg;
use crate::oauth::authorize::{Pending, proceed};
use crate::pages::{Ui, render};
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
pub async fn pending_secret(
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

/// The recovery codes, shown once after enrolment or regeneration.
#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodesPage<'a> {
    pub ui: &'a Ui,
    pub codes: &'a [String],
    /// Just enrolled (not regenerated).
    pub enrolled: bool,
    /// Where "Continue" leads.
    pub continue_to: &'a str,
}

#[derive(Template)]
#[template(path = "enroll.html")]
struct EnrollPage<'a> {
    ui: &'a Ui,
    client_name: &'a str,
    enrolment: Enrolment,
    csrf_token: &'a str,
    error: Option<Msg>,
}

impl EnrollPage<'_> {
    /// "<strong>client</strong> needs a second factor …", escaped.
    fn intro(&self) -> String {
        crate::pages::login::emphasised(
            &self.ui.tr,
            "second-factor-enroll-intro",
            "client",
            self.client_name,
        )
    }
}

/// What the enrolment form posts.
#[derive(Debug, Deserialize)]
pub struct EnrollForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    otp: String,
}

/// The signed-in person and the authorization request waiting for their enrolment.
async fn waiting(
    state: &AppState,
    session: &BrowserSession,
) -> Result<(SessionUser, UserRow, Pending), PageError> {
    let absolute = state.config.session.absolute_timeout;
    let current = session
        .current(&state.store, &state.session_activity, state.now(), absolute)
        .await?;
    let pending = session.pending::<Pending>().await?;
    match (current, pending) {
        (Some((user, row)), Some(p)) => Ok((user, row, p)),
        _ => Err(PageError::bad_request("second-factor-error-no-enrolment")),
    }
}

/// `GET /login/enroll`: the enrolment page; once enrolled, on with the request.
pub async fn show(
    State(state): State<AppState>,
    session: BrowserSession,
    ui: Ui,
) -> Result<Response, PageError> {
    let (_, row, pending) = waiting(&state, &session).await?;
    if state.store.factors(&row.id).await?.totp {
        return Ok(proceed(&state, &session, pending).await);
    }
    page(&state, &session, &ui, &row, &pending, None, StatusCode::OK).await
}

/// `POST /login/enroll`: a code from the shown secret enrolls it; the recovery codes are shown
/// with a way on to the application.
pub async fn submit(
    State(state): State<AppState>,
    session: BrowserSession,
    ui: Ui,
    Form(form): Form<EnrollForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let (user, row, pending) = waiting(&state, &session).await?;
    let secret = pending_secret(&state, &session, &row).await?;
    let now = state.now();
    let typed: String = form.otp.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(step) = secret.matching_step(&typed, now) else {
        return page(
            &state,
            &session,
            &ui,
            &row,
            &pending,
            Some(Msg::new(WRONG_CODE)),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    finish_enrolment(
        &state,
        &session,
        &ui,
        user,
        &secret,
        step,
        now,
        paths::LOGIN_ENROLL,
    )
    .await
}

/// What a confirming code that does not match says.
pub const WRONG_CODE: &str = "second-factor-error-wrong-new";

/// A code from the shown secret matched (at `step`): the secret is stored with that step spent,
/// with ten new recovery codes; this sign-in now counts as two factors; the codes are shown once,
/// with a way on to `continue_to` (the account page, or the sign-in in progress).
#[allow(clippy::too_many_arguments)]
pub async fn finish_enrolment(
    state: &AppState,
    session: &BrowserSession,
    ui: &Ui,
    user: SessionUser,
    secret: &NewSecret,
    step: i64,
    now: i64,
    continue_to: &'static str,
) -> Result<Response, PageError> {
    let codes = second_factor::enroll(
        &state.store,
        &state.keys,
        &user.user_id,
        secret,
        Some(step),
        now,
    )
    .await?;
    session.clear_pending::<PendingTotp>().await?;
    AuditEvent::SecondFactorEnrolled {
        sub: &user.user_id,
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
            ui,
            codes: &codes,
            enrolled: true,
            continue_to,
        },
    )
    .into_response())
}

async fn page(
    state: &AppState,
    session: &BrowserSession,
    ui: &Ui,
    row: &UserRow,
    pending: &Pending,
    error: Option<Msg>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let client_name = state
        .clients
        .load(&state.store, &pending.client_id)
        .await?
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let enrolment = enrolment(state, session, row).await?;
    let csrf_token = session.csrf_token().await?;
    Ok(render(
        status,
        &EnrollPage {
            ui,
            client_name: &client_name,
            enrolment,
            csrf_token: &csrf_token,
            error,
        },
    )
    .into_response())
}
