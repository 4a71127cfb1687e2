//! The login page (`GET` and `POST /login`): username and password for the authorization
//! request parked in the session.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::audit::AuditEvent;
use crate::crypto::{random_token, verify_password_off_thread};
use crate::domain::Username;
use crate::error::PageError;
use crate::http::client_ip::ClientIp;
use crate::oauth::authorize::{Pending, proceed};
use crate::pages::render;
use crate::services::login_throttle::LoginAttempt;
use crate::services::session::{BrowserSession, SessionUser};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    client_name: &'a str,
    username: &'a str,
    csrf_token: &'a str,
    request_id: &'a str,
    error: Option<&'a str>,
    /// Email is configured: offer "Forgot password?".
    forgot_password: bool,
}

/// What the login form posts.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
    /// The request the page was shown for.
    #[serde(default)]
    request: String,
}

/// The one failure message: it must not tell whether the username exists.
const FAILED: &str = "The username or password is incorrect.";

/// `GET /login`.
pub async fn show(
    State(state): State<AppState>,
    session: BrowserSession,
) -> Result<Response, PageError> {
    let pending = pending(&session).await?;
    let hint = pending.login_hint.clone().unwrap_or_default();
    page(&state, &session, &pending, &hint, None, StatusCode::OK).await
}

/// `POST /login`: verify the password (constant work for unknown users), start a fresh session
/// id, and continue the authorization request. The username is compared by its folded form
/// (`ALICE` signs in as `alice`); the password is verified NFKC-normalised (`crypto`).
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let mut pending: Pending = session.pending_for(&form.request).await?;
    refuse_control_characters(&form)?;
    // Counted before the password is looked at, so a burst cannot outrun the limit.
    let attempt = LoginAttempt::new(
        &state.store,
        &state.config.throttle,
        &state.clock,
        &form.username,
        ip,
    );
    attempt.reserve(&pending.client_id).await?;
    // A name the identifier profile refuses names no one: the same failure as a wrong password
    // (and the same argon2 work, against the dummy hash), not a page telling why.
    let user = match Username::parse(form.username.trim()) {
        Ok(name) => state.store.user_by_username(&name).await?,
        Err(_) => None,
    };
    let password_ok = verify_password_off_thread(
        form.password.clone(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await;
    let user = match user {
        Some(u) if password_ok && !u.disabled => u,
        _ => {
            AuditEvent::LoginFailed {
                client_id: &pending.client_id,
                ip,
            }
            .emit();
            let name = form.username.trim().to_string();
            return page(
                &state,
                &session,
                &pending,
                &name,
                Some(FAILED),
                StatusCode::UNAUTHORIZED,
            )
            .await;
        }
    };
    let signed_in = SessionUser {
        user_id: user.id.clone(),
        auth_time: state.now(),
        sid: random_token(16),
    };
    attempt.succeeded().await?;
    session.sign_in(&signed_in).await?;
    AuditEvent::LoginSucceeded {
        sub: &user.id,
        client_id: &pending.client_id,
        ip,
    }
    .emit();
    pending.signed_in = true;
    Ok(proceed(&state, &session, pending).await)
}

/// No username or password has control characters; a NUL would not even reach PostgreSQL, so
/// refusing them here answers a clear 400 instead of a storage error.
fn refuse_control_characters(form: &LoginForm) -> Result<(), PageError> {
    if form
        .username
        .chars()
        .chain(form.password.chars())
        .any(char::is_control)
    {
        return Err(PageError::bad_request(
            "The username or password contains characters that are not allowed.",
        ));
    }
    Ok(())
}

/// The request being signed in for; without one there is nothing to do here.
async fn pending(session: &BrowserSession) -> Result<Pending, PageError> {
    session.pending().await?.ok_or_else(|| {
        PageError::bad_request(
            "No sign-in is in progress. Go back to the application and start again.",
        )
    })
}

async fn page(
    state: &AppState,
    session: &BrowserSession,
    pending: &Pending,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let client = state.store.client(&pending.client_id).await?;
    let client_name = client.map(|c| c.name).unwrap_or_default();
    let csrf_token = session.csrf_token().await?;
    Ok(render(
        status,
        &LoginPage {
            client_name: &client_name,
            username,
            csrf_token: &csrf_token,
            request_id: &pending.id,
            error,
            forgot_password: state.email.is_enabled(),
        },
    )
    .into_response())
}
