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
use crate::pages::render;
use crate::services::email::throttle::reserve_reset_request;
use crate::services::session::BrowserSession;
use crate::state::AppState;
use crate::store::LinkState;

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct ForgotPage<'a> {
    csrf_token: &'a str,
    email: &'a str,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPage<'a> {
    csrf_token: &'a str,
    token: &'a str,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "notice.html")]
struct Notice<'a> {
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

/// The one answer to a reset request, whoever has the address.
const SENT: &str = "If an account exists for that address, we sent a link to it. The link \
                    works once, for 15 minutes. Check your inbox (and your spam folder).";

/// `GET /forgot-password`.
pub async fn forgot_show(State(state): State<AppState>, session: BrowserSession) -> Response {
    if !state.email.is_enabled() {
        return PageError::not_found().into_response();
    }
    match session.csrf_token().await {
        Ok(csrf) => forgot_page(&csrf, "", None, StatusCode::OK),
        Err(e) => e.into_response(),
    }
}

/// `POST /forgot-password`: counts the request (per address and per IP) and queues the link.
/// The answer is the same page whether or not an account has the address.
pub async fn forgot_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
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
            &csrf,
            &typed,
            Some("That is not an email address."),
            StatusCode::BAD_REQUEST,
        ));
    };
    reserve_reset_request(&state.store, &state.config, &state.clock, &email, ip).await?;
    AuditEvent::PasswordResetRequested { ip }.emit();
    state.email.request_reset(email);
    Ok(notice(StatusCode::OK, "Check your email", SENT))
}

/// `GET /reset-password?token=…`: the new-password form, or a page saying why the link does
/// not work. The link is not used up until the form is sent.
pub async fn reset_show(
    State(state): State<AppState>,
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
            Ok(reset_page(&csrf, &q.token, None, StatusCode::OK))
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
    let password = match NewPassword::parse_for(&form.new_password, &policy, &inputs) {
        Ok(p) => p,
        Err(why) => {
            let csrf = session.csrf_token().await?;
            let why = format!(
                "This password cannot be used: {}.",
                why.trim_end_matches('.')
            );
            return Ok(reset_page(
                &csrf,
                &form.token,
                Some(&why),
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
        StatusCode::OK,
        "Password changed",
        "Your password has been changed and you have been signed out everywhere. Go back to \
         the application and sign in with the new password.",
    ))
}

/// `GET /verify-email?token=…`: the verification link. Following it marks the address verified
/// (the `email_verified` claim); the link works once.
pub async fn verify(
    State(state): State<AppState>,
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
                StatusCode::OK,
                "Email address verified",
                "Thank you: your email address is verified.",
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
        LinkState::Used => "This link has been used already. Each link works once.",
        LinkState::Expired => "This link has expired. Ask for a new one.",
        LinkState::Stale => {
            "This link no longer works: the account is disabled or its email address changed."
        }
        LinkState::Unknown | LinkState::Valid { .. } => {
            "This link is not valid. Check that you copied the whole link from the message, \
             or ask for a new one."
        }
    };
    PageError::new(StatusCode::BAD_REQUEST, "This link does not work", message)
}

fn forgot_page(csrf: &str, email: &str, error: Option<&str>, status: StatusCode) -> Response {
    render(
        status,
        &ForgotPage {
            csrf_token: csrf,
            email,
            error,
        },
    )
}

fn reset_page(csrf: &str, token: &str, error: Option<&str>, status: StatusCode) -> Response {
    render(
        status,
        &ResetPage {
            csrf_token: csrf,
            token,
            error,
        },
    )
}

fn notice(status: StatusCode, title: &str, message: &str) -> Response {
    render(status, &Notice { title, message })
}
