//! The second sign-in step (`GET` and `POST /login/otp`): after a correct password, a person
//! with an authenticator app types a current code or one of their recovery codes.
//!
//! Between the two steps the browser session holds a [`SecondStep`], not a signed-in user:
//! nothing but this page accepts it, and it lasts [`SECOND_STEP_TTL`] seconds.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::audit::AuditEvent;
use crate::crypto::random_token;
use crate::domain::Amr;
use crate::error::PageError;
use crate::http::client_ip::ClientIp;
use crate::http::paths;
use crate::i18n::Msg;
use crate::oauth::authorize::proceed;
use crate::oauth::authorize::see_other;
use crate::pages::login::{Purpose, finish, purpose_for};
use crate::pages::{Ui, render};
use crate::services::login_throttle::LoginAttempt;
use crate::services::second_factor::{self, Verdict};
use crate::services::session::{BrowserSession, SecondStep, SessionUser};
use crate::state::AppState;
use crate::store::UserRow;

/// How long the password step stays good for the second one (seconds).
pub const SECOND_STEP_TTL: i64 = 300;

#[derive(Template)]
#[template(path = "second_step.html")]
struct SecondStepPage<'a> {
    ui: &'a Ui,
    csrf_token: &'a str,
    request_id: &'a str,
    error: Option<Msg>,
}

/// What the second-step form posts.
#[derive(Debug, Deserialize)]
pub struct OtpForm {
    #[serde(default)]
    otp: String,
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
}

/// The one failure message.
const WRONG: &str = "second-factor-error-wrong";

/// Parks the second step for `user` and sends the browser to its page.
pub async fn start(
    state: &AppState,
    session: &BrowserSession,
    user: &UserRow,
    purpose_id: &str,
    amr: Amr,
) -> Result<Response, PageError> {
    session
        .set_pending(&SecondStep {
            id: random_token(12),
            purpose_id: purpose_id.to_string(),
            user_id: user.id.clone(),
            username: user.username.clone(),
            amr,
            started_at: state.now(),
            step_up: false,
        })
        .await?;
    Ok(see_other(paths::LOGIN_OTP))
}

/// `GET /login/otp`.
pub async fn show(
    State(state): State<AppState>,
    session: BrowserSession,
    ui: Ui,
) -> Result<Response, PageError> {
    let step = live_step(&state, &session, None).await?;
    page(&session, &ui, &step, None, StatusCode::OK).await
}

/// `POST /login/otp`: a current code or an unused recovery code completes the sign-in; a wrong
/// one shows the page again and counts in the login throttle.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    headers: HeaderMap,
    ui: Ui,
    Form(form): Form<OtpForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let step = live_step(&state, &session, Some(&form.request)).await?;
    let purpose = purpose_for(&session, &step.purpose_id).await?;
    let attempt = LoginAttempt::new(
        &state.store,
        &state.config.throttle,
        &state.clock,
        &step.username,
        ip,
    );
    attempt.reserve(purpose.client_id()).await?;
    // The account may have been disabled since the password: no code is spent on it.
    let enabled = state
        .store
        .user_by_id(&step.user_id)
        .await?
        .is_some_and(|u| !u.disabled);
    if !enabled {
        session.clear_pending::<SecondStep>().await?;
        return Err(expired());
    }
    let now = state.now();
    let verdict =
        second_factor::verify(&state.store, &state.keys, &step.user_id, &form.otp, now).await?;
    if verdict == Verdict::Wrong {
        AuditEvent::LoginFailed {
            client_id: purpose.client_id(),
            ip,
        }
        .emit();
        return page(
            &session,
            &ui,
            &step,
            Some(Msg::new(WRONG)),
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    if verdict == Verdict::RecoveryCode {
        let left = state
            .store
            .factors(&step.user_id)
            .await?
            .recovery_codes_left;
        AuditEvent::RecoveryCodeUsed {
            sub: &step.user_id,
            left,
        }
        .emit();
    }
    attempt.succeeded().await?;
    session.clear_pending::<SecondStep>().await?;
    if step.step_up {
        return step_up(&state, &session, &step, purpose).await;
    }
    let amr = step.amr.with_otp();
    finish(&state, &session, &headers, ip, &step.user_id, purpose, amr).await
}

/// Adds the code to the sign-in the person already has (same session, same `sid`) and
/// continues the authorization request.
async fn step_up(
    state: &AppState,
    session: &BrowserSession,
    step: &SecondStep,
    purpose: Purpose,
) -> Result<Response, PageError> {
    let absolute = state.config.session.absolute_timeout;
    let current = session
        .current(&state.store, &state.session_activity, state.now(), absolute)
        .await?;
    let Some((user, _)) = current.filter(|(u, _)| u.user_id == step.user_id) else {
        return Err(expired());
    };
    session
        .set_user(&SessionUser {
            amr: user.amr.with_otp(),
            ..user
        })
        .await?;
    match purpose {
        Purpose::Authorization(pending) => Ok(proceed(state, session, *pending).await),
        Purpose::Account(_) => Ok(see_other(paths::ACCOUNT)),
    }
}

/// The parked step, if it is younger than [`SECOND_STEP_TTL`] (and, for a form, the one it
/// was rendered for); an expired one is forgotten.
async fn live_step(
    state: &AppState,
    session: &BrowserSession,
    request_id: Option<&str>,
) -> Result<SecondStep, PageError> {
    let step = match request_id {
        Some(id) => session.pending_for::<SecondStep>(id).await?,
        None => session
            .pending::<SecondStep>()
            .await?
            .ok_or_else(|| PageError::bad_request(NOTHING_WAITING))?,
    };
    if state.now() - step.started_at > SECOND_STEP_TTL {
        session.clear_pending::<SecondStep>().await?;
        return Err(expired());
    }
    Ok(step)
}

const NOTHING_WAITING: &str = "second-factor-error-nothing-waiting";

fn expired() -> PageError {
    PageError::bad_request("second-factor-error-expired")
}

async fn page(
    session: &BrowserSession,
    ui: &Ui,
    step: &SecondStep,
    error: Option<Msg>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let csrf_token = session.csrf_token().await?;
    Ok(render(
        status,
        &SecondStepPage {
            ui,
            csrf_token: &csrf_token,
            request_id: &step.id,
            error,
        },
    )
    .into_response())
}
