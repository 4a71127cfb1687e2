//! The login page's other answers to an application's request: the account choice of
//! `prompt=select_account` ("Continue as …" or "Use another account", OIDC Core §3.1.2.1) and
//! "Cancel" (`access_denied`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{LoginPage, Purpose, client_name};
use crate::error::{ErrorCode, OAuthError, PageError};
use crate::http::paths;
use crate::oauth::authorize::{Pending, deny_device, password_needed, proceed, see_other};
use crate::pages::login::named::Account;
use crate::pages::{Ui, render};
use crate::services::session::BrowserSession;
use crate::state::AppState;

/// The person `select_account` may go on as: someone is signed in, and going on needs no
/// password (no `prompt=login`, `max_age` not exceeded).
pub(super) async fn account_to_continue(
    state: &AppState,
    session: &BrowserSession,
    pending: &Pending,
) -> Result<Option<Account>, PageError> {
    if !pending.prompt.select_account {
        return Ok(None);
    }
    let now = state.now();
    let absolute = state.config.session.absolute_timeout;
    let current = session
        .current(&state.store, &state.session_activity, now, absolute)
        .await?;
    Ok(current
        .filter(|(user, _)| !password_needed(pending, user, now))
        .map(|(_, row)| Account::of(&row)))
}

/// The account choice of `prompt=select_account`.
pub(super) async fn chooser(
    state: &AppState,
    session: &BrowserSession,
    ui: &Ui,
    purpose: &Purpose,
    account: Account,
) -> Result<Response, PageError> {
    let client_name = client_name(state, purpose).await?;
    let csrf_token = session.csrf_token().await?;
    Ok(render(
        StatusCode::OK,
        &LoginPage {
            ui,
            client_name: client_name.as_deref(),
            again: false,
            username: "",
            password_focus: false,
            csrf_token: &csrf_token,
            request_id: purpose.id(),
            error: None,
            fields_invalid: false,
            cancel: true,
            chooser: Some(account),
            forgot_password: false,
            passkeys: false,
            upstreams: Vec::new(),
        },
    )
    .into_response())
}

/// "Cancel": the application's request is given up and answered `access_denied` with `state`
/// and `iss` (RFC 6749 §4.1.2.1, RFC 9207), the way its `response_mode` asks; a device's
/// request is denied. On the account's own login page there is no Cancel; a forged one
/// leads back to the account page.
pub(super) async fn cancel(
    state: &AppState,
    ui: &Ui,
    session: &BrowserSession,
    purpose: Purpose,
) -> Result<Response, PageError> {
    let Purpose::Authorization(pending) = purpose else {
        return Ok(see_other(paths::ACCOUNT));
    };
    session.clear_pending::<Pending>().await?;
    if let Some(device) = &pending.device {
        return deny_device(state, ui, device).await;
    }
    let e = OAuthError::new(ErrorCode::AccessDenied, "the person cancelled the sign-in");
    Ok(pending.reply_to(&state.config.issuer).error(&e))
}

/// "Continue as …" (`prompt=select_account`): the account is chosen, and the request goes on
/// with the session as it is. Nobody signed in any more (it ended in another tab): the
/// request goes back to the login page.
pub(super) async fn continue_as_signed_in(
    state: &AppState,
    session: &BrowserSession,
    purpose: Purpose,
) -> Result<Response, PageError> {
    let Purpose::Authorization(mut pending) = purpose else {
        return Ok(see_other(paths::ACCOUNT));
    };
    pending.prompt.select_account = false;
    Ok(proceed(state, session, *pending).await)
}
