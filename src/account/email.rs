//! The pages behind email links: "Forgot password?" (`/forgot-password`), the new-password form
//! a reset link opens (`/reset-password`), and the verification link (`/verify-email`). All of
//! them answer 404 when email is not configured.
//!
//! The forgot-password page only counts the request and queues it (`services::email`): it
//! answers the same page, in the same time, whether or not an account has the address. Links
//! carry 256 random bits and are stored hashed; each works once (one conditional UPDATE).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::sign_out::{self, Which};
use crate::audit::{AuditEvent, FamilyRevocation, SessionEnd};
use crate::crypto::sha256_hex;
use crate::domain::password::NewPassword;
use crate::domain::{Email, EmailPurpose};
use crate::error::PageError;
use crate::http::client_ip::ClientIp;
use crate::i18n::Msg;
use crate::pages::render;
use crate::pages::ui::Ui;
use crate::services::email::throttle::reserve_reset_request;
use crate::services::session::BrowserSession;
use crate::state::AppState;
use crate::store::LinkState;

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct ForgotPage<'a> {
    ui: &'a Ui,
    csrf_token: &'a str,
    email: &'a str,
    /// Why the address typed was refused (about the email field).
    error: Option<Msg>,
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPage<'a> {
    ui: &'a Ui,
    csrf_token: &'a str,
    token: &'a str,
    /// Why the new password was refused (about the password field).
    error: Option<Msg>,
}

#[derive(Template)]
#[template(path = "notice.html")]
struct Notice<'a> {
    ui: &'a Ui,
    /// Message ids.
    title: &'a str,
    message: &'a str,
}

/// What the forgot-password form posts.
#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf_token: String,
}

/// The token of a link (`?token=`), or of the form that carries it on.
#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: String,
}

/// What the new-password form posts.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    csrf_token: String,
}

/// The one answer to a reset request, whoever has the address (a message id).
const SENT: &str = "account-reset-sent";

/// `GET /forgot-password`.
pub async fn forgot_show(
    State(state): State<AppState>,
    ui: Ui,
    session: BrowserSession,
) -> Response {
    if !state.email.is_enabled() {
        return PageError::not_found().into_response();
    }
    match session.csrf_token().await {
        Ok(csrf) => forgot_page(&ui, &csrf, "", None, StatusCode::OK),
        Err(e) => e.into_response(),
    }
}

/// `POST /forgot-password`: counts the request (per address and per IP) and queues the link.
/// The answer is the same page whether or not an account has the address. The message is
/// written in the language of this request.
pub async fn forgot_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ui: Ui,
    session: BrowserSession,
    Form(form): Form<ForgotForm>,
) -> Result<Response, PageError> {
    if !state.email.is_enabled() {
        return Ok(PageError::not_found().into_response());
    }
    session.check_csrf(&form.csrf_token).await?;
    let Ok(email) = Email::parse(form.email.trim()) else {
        let csrf = session.csrf_token().await?;
        let typed: String = form.email.chars().take(254).collect();
        return Ok(forgot_page(
            &ui,
            &csrf,
            &typed,
            Some(Msg::new("account-forgot-not-an-address")),
            StatusCode::BAD_REQUEST,
        ));
    };
    reserve_reset_request(&state.store, &state.config, &state.clock, &email, ip).await?;
    AuditEvent::PasswordResetRequested { ip }.emit();
    state.email.request_reset(email, ui.locale());
    Ok(notice(
        &ui,
        StatusCode::OK,
        "account-reset-sent-title",
        SENT,
    ))
}

/// `GET /reset-password?token=…`: the new-password form, or a page saying why the link does
/// not work. The link is not used up until the form is sent.
pub async fn reset_show(
    State(state): State<AppState>,
    ui: Ui,
    session: BrowserSession,
    Query(q): Query<LinkQuery>,
) -> Result<Response, PageError> {
    if !state.email.is_enabled() {
        return Ok(PageError::not_found().into_response());
    }
    let hash = sha256_hex(&q.token);
    match state
        .store
        .email_link_state(&hash, EmailPurpose::Reset, state.now())
        .await?
    {
        LinkState::Valid { .. } => {
            let csrf = session.csrf_token().await?;
            Ok(reset_page(&ui, &csrf, &q.token, None, StatusCode::OK))
        }
        other => Err(unusable(&other)),
    }
}

/// `POST /reset-password`: checks the new password, then in one transaction uses the link and
/// sets the password; every refresh token of the person (and the access tokens issued with them)
/// is revoked, and they sign in again.
pub async fn reset_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ui: Ui,
    session: BrowserSession,
    Form(form): Form<ResetForm>,
) -> Result<Response, PageError> {
    if !state.email.is_enabled() {
        return Ok(PageError::not_found().into_response());
    }
    session.check_csrf(&form.csrf_token).await?;
    let hash = sha256_hex(&form.token);
    // A bad link says so before a password complaint does; a good one names the account, whose
    // own names the password policy refuses to see the password built from.
    let link = state
        .store
        .email_link_state(&hash, EmailPurpose::Reset, state.now())
        .await?;
    let LinkState::Valid { user_id } = &link else {
        return Err(unusable(&link));
    };
    let user = state.store.user_by_id(user_id).await?;
    let inputs = user.as_ref().map(|u| u.own_words()).unwrap_or_default();
    let policy = state.config.password.policy();
    let password = match NewPassword::check(&form.new_password, &policy, &inputs) {
        Ok(p) => p,
        Err(why) => {
            let csrf = session.csrf_token().await?;
            let why =
                Msg::new("account-reset-refused").arg("reason", super::refusal_reason(&ui, &why));
            return Ok(reset_page(
                &ui,
                &csrf,
                &form.token,
                Some(why),
                StatusCode::BAD_REQUEST,
            ));
        }
    };
    let password_hash = super::hash_new_password(&state, password).await?;
    let now = state.now();
    let Some(user_id) = state.store.redeem_reset(&hash, now, &password_hash).await? else {
        let link = state
            .store
            .email_link_state(&hash, EmailPurpose::Reset, now)
            .await?;
        return Err(unusable(&link));
    };
    AuditEvent::PasswordReset { sub: &user_id, ip }.emit();
    // Every session (this browser's too) and every refresh token, with the access tokens
    // issued with them: whoever knew the old password is out.
    let ended = sign_out::end_sessions(
        &state,
        &user_id,
        Which::All,
        FamilyRevocation::PasswordReset,
    )
    .await?;
    sign_out::notify(&state, &ended.sessions);
    AuditEvent::SessionsEnded {
        sub: &user_id,
        reason: SessionEnd::PasswordReset,
        count: ended.sessions.len(),
    }
    .emit();
    // This browser is signed out too, if it was signed in (as anyone): sign in again.
    session.sign_out().await?;
    Ok(notice(
        &ui,
        StatusCode::OK,
        "account-reset-done-title",
        "account-reset-done",
    ))
}

/// `GET /verify-email?token=…`: the verification link. Following it marks the address verified
/// (the `email_verified` claim); the link works once.
pub async fn verify(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<LinkQuery>,
) -> Result<Response, PageError> {
    if !state.email.is_enabled() {
        return Ok(PageError::not_found().into_response());
    }
    let hash = sha256_hex(&q.token);
    let now = state.now();
    match state.store.redeem_verification(&hash, now).await? {
        Some(sub) => {
            AuditEvent::EmailVerified { sub: &sub }.emit();
            Ok(notice(
                &ui,
                StatusCode::OK,
                "account-verified-title",
                "account-verified",
            ))
        }
        None => {
            let link = state
                .store
                .email_link_state(&hash, EmailPurpose::Verify, now)
                .await?;
            Err(unusable(&link))
        }
    }
}

/// The page of a link that cannot be used, saying why in plain words.
fn unusable(state: &LinkState) -> PageError {
    let message = match state {
        LinkState::Used => "account-link-used",
        LinkState::Expired => "account-link-expired",
        LinkState::Stale => "account-link-stale",
        LinkState::Unknown | LinkState::Valid { .. } => "account-link-invalid",
    };
    PageError::new(StatusCode::BAD_REQUEST, "account-link-title", message)
}

fn forgot_page(
    ui: &Ui,
    csrf: &str,
    email: &str,
    error: Option<Msg>,
    status: StatusCode,
) -> Response {
    render(
        status,
        &ForgotPage {
            ui,
            csrf_token: csrf,
            email,
            error,
        },
    )
}

fn reset_page(
    ui: &Ui,
    csrf: &str,
    token: &str,
    error: Option<Msg>,
    status: StatusCode,
) -> Response {
    render(
        status,
        &ResetPage {
            ui,
            csrf_token: csrf,
            token,
            error,
        },
    )
}

/// A page that only says something: `title` and `message` are message ids.
fn notice(ui: &Ui, status: StatusCode, title: &str, message: &str) -> Response {
    render(status, &Notice { ui, title, message })
}
