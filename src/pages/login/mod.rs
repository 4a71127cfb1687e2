//! The login page (`GET` and `POST /login`): username and password for the authorization
//! request parked in the session; for that request also the account choice of
//! `prompt=select_account` and "Cancel" ([`choice`]).

mod choice;
mod named;
pub mod second_step;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::audit::AuditEvent;
use crate::crypto::{random_token, verify_password_off_thread};
use crate::domain::{Amr, Username};
use crate::error::PageError;
use crate::http::client_ip::ClientIp;
use crate::http::paths;
use crate::i18n::Msg;
use crate::oauth::authorize::{Pending, proceed, see_other};
use crate::pages::{Ui, render};
use crate::services::login_throttle::{ACCOUNT, LoginAttempt};
use crate::services::session::{AccountSignIn, BrowserSession, SessionUser};
use crate::state::AppState;
use crate::store::NewUserSession;
use choice::{account_to_continue, cancel, chooser, continue_as_signed_in};
pub use named::{Account, emphasised};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    ui: &'a Ui,
    /// The application being signed in to; `None` for the account page.
    client_name: Option<&'a str>,
    /// The person is signed in and enters their password again.
    again: bool,
    username: &'a str,
    /// The username is known (a `login_hint`, a failed attempt, "again"): the password field
    /// gets the focus.
    password_focus: bool,
    csrf_token: &'a str,
    request_id: &'a str,
    error: Option<Msg>,
    /// The error is about what was typed (a wrong password): the fields are marked invalid
    /// and point to it (`aria-invalid`, `aria-describedby`).
    fields_invalid: bool,
    /// An application's request: "Cancel" answers it `access_denied`.
    cancel: bool,
    /// `prompt=select_account` with someone signed in: "Continue as …" or "Use another
    /// account" instead of the form.
    chooser: Option<Account>,
    /// Email is configured: offer "Forgot password?".
    forgot_password: bool,
    /// Passkeys work here: offer "Sign in with a passkey" (shown by the script).
    passkeys: bool,
    /// One "Sign in with …" button per upstream identity provider: (id, name).
    upstreams: Vec<(&'a str, &'a str)>,
}

impl LoginPage<'_> {
    fn emphasised(&self, id: &str, client: impl std::fmt::Display) -> String {
        emphasised(&self.ui.tr, id, "client", &client.to_string())
    }
}

/// The login page's query: `account=another` is "Use another account" on the account choice.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    account: String,
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
    /// `cancel` (give up the application's request) or `continue` (as the person signed in,
    /// for `prompt=select_account`); empty for a password sign-in.
    #[serde(default)]
    choice: String,
}

/// The one failure message: it must not tell whether the username exists.
const FAILED: &str = "login-error-failed";

/// The one failure message of a passkey sign-in: it must not tell why.
pub(super) const FAILED_PASSKEY: &str = "login-error-passkey";

/// What a sign-in on this page is for.
pub(super) enum Purpose {
    /// An application's authorization request.
    Authorization(Box<Pending>),
    /// The person's own account page.
    Account(AccountSignIn),
}

impl Purpose {
    /// The id of the request the sign-in is for (the login form's `request`).
    pub(super) fn id(&self) -> &str {
        match self {
            Purpose::Authorization(p) => &p.id,
            Purpose::Account(a) => &a.id,
        }
    }

    /// The client the throttle and the audit trail name.
    pub(super) fn client_id(&self) -> &str {
        match self {
            Purpose::Authorization(p) => &p.client_id,
            Purpose::Account(_) => ACCOUNT,
        }
    }
}

/// `GET /login`: the form, or for `prompt=select_account` with someone signed in, the choice
/// between going on as them and another account (OIDC Core §3.1.2.1).
pub async fn show(
    State(state): State<AppState>,
    session: BrowserSession,
    ui: Ui,
    Query(query): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let purpose = purpose(&session).await?;
    if let Purpose::Authorization(p) = &purpose
        && query.account != "another"
        && let Some(account) = account_to_continue(&state, &session, p).await?
    {
        return chooser(&state, &session, &ui, &purpose, account).await;
    }
    let hint = match &purpose {
        Purpose::Authorization(p) if query.account != "another" => {
            p.login_hint.clone().unwrap_or_default()
        }
        Purpose::Authorization(_) => String::new(),
        Purpose::Account(_) => current_username(&state, &session).await?,
    };
    page(&state, &session, &ui, &purpose, &hint, None, StatusCode::OK).await
}

/// `POST /login`: verify the password (constant work for unknown users), start a fresh session
/// id, and continue the authorization request or return to the account page. The username is
/// compared by its folded form (`ALICE` signs in as `alice`); the password is verified
/// NFKC-normalised (`crypto`).
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    headers: HeaderMap,
    ui: Ui,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let purpose = purpose_for(&session, &form.request).await?;
    match form.choice.as_str() {
        "cancel" => return cancel(&state, &ui, &session, purpose).await,
        "continue" => return continue_as_signed_in(&state, &session, purpose).await,
        _ => {}
    }
    refuse_control_characters(&form)?;
    // Counted before the password is looked at, so a burst cannot outrun the limit.
    let attempt = LoginAttempt::new(
        &state.store,
        &state.config.throttle,
        &state.clock,
        &form.username,
        ip,
    );
    attempt.reserve(purpose.client_id()).await?;
    // A name the identifier profile refuses names no one: the same failure as a wrong password
    // (and the same argon2 work, against the dummy hash), not a page telling why.
    let user = match Username::parse(form.username.trim()) {
        Ok(name) => state.store.user_by_username(&name).await?,
        Err(_) => None,
    };
    let verified = verify_password_off_thread(
        form.password.clone(),
        user.as_ref().map(|u| u.password_hash.clone()),
        state.config.password.argon2(),
    )
    .await;
    let password_ok = verified.ok;
    let user = match user {
        Some(u) if password_ok && !u.disabled => u,
        _ => {
            AuditEvent::LoginFailed {
                client_id: purpose.client_id(),
                ip,
            }
            .emit();
            let name = form.username.trim().to_string();
            return page(
                &state,
                &session,
                &ui,
                &purpose,
                &name,
                Some(Msg::new(FAILED)),
                StatusCode::UNAUTHORIZED,
            )
            .await;
        }
    };
    // Made at an older cost (or before normalisation): stored again at today's.
    if let Some(new_hash) = &verified.rehashed {
        state
            .store
            .set_user_password_hash(&user.id, new_hash)
            .await?;
    }
    // A second factor follows: the password's reservation is given back, but its earlier
    // failures stay counted, so wrong codes and wrong passwords add up in one limit.
    if state.store.factors(&user.id).await?.totp {
        attempt.first_factor_passed().await?;
        return second_step::start(&state, &session, &user, purpose.id(), Amr::password()).await;
    }
    attempt.succeeded().await?;
    finish(
        &state,
        &session,
        &headers,
        ip,
        &user.id,
        purpose,
        Amr::password(),
    )
    .await
}

/// Signs the person in (a new session id and `sid`, recorded for the account page) with the
/// methods `amr`, and continues what the sign-in was for.
pub(super) async fn finish(
    state: &AppState,
    session: &BrowserSession,
    headers: &HeaderMap,
    ip: std::net::IpAddr,
    user_id: &str,
    purpose: Purpose,
    amr: Amr,
) -> Result<Response, PageError> {
    let now = state.now();
    let signed_in = SessionUser {
        user_id: user_id.to_string(),
        auth_time: now,
        sid: random_token(16),
        amr,
    };
    let previous = session
        .user(now, state.config.session.absolute_timeout)
        .await?;
    let record_id = session.sign_in(&signed_in).await?;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(256).collect::<String>());
    let session_ends = now + state.config.session.absolute_timeout.as_secs() as i64;
    state
        .store
        .record_user_session(
            &NewUserSession {
                sid: &signed_in.sid,
                user_id,
                record_id: &record_id,
                user_agent: user_agent.as_deref(),
                ip: &ip.to_string(),
                now,
                expires_at: session_ends,
            },
            previous.as_ref().map(|p| p.sid.as_str()),
        )
        .await?;
    state.session_activity.recorded(&signed_in.sid, now);
    AuditEvent::LoginSucceeded {
        sub: user_id,
        client_id: purpose.client_id(),
        ip,
    }
    .emit();
    match purpose {
        Purpose::Authorization(mut pending) => {
            pending.signed_in = true;
            Ok(proceed(state, session, *pending).await)
        }
        Purpose::Account(_) => {
            session.clear_pending::<AccountSignIn>().await?;
            Ok(see_other(paths::ACCOUNT))
        }
    }
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
        return Err(PageError::bad_request("login-error-control-characters"));
    }
    Ok(())
}

/// What the page signs in for: an application's request waiting in this browser, else the
/// account page; without either there is nothing to do here.
async fn purpose(session: &BrowserSession) -> Result<Purpose, PageError> {
    if let Some(p) = session.pending::<Pending>().await? {
        return Ok(Purpose::Authorization(Box::new(p)));
    }
    if let Some(a) = session.pending::<AccountSignIn>().await? {
        return Ok(Purpose::Account(a));
    }
    Err(nothing_waiting())
}

/// The sign-in a login form was rendered for (`request_id` is its hidden `request` field).
pub(super) async fn purpose_for(
    session: &BrowserSession,
    request_id: &str,
) -> Result<Purpose, PageError> {
    if let Some(a) = session.pending::<AccountSignIn>().await?
        && crate::crypto::constant_time_eq(&a.id, request_id)
    {
        return Ok(Purpose::Account(a));
    }
    match session.pending::<Pending>().await? {
        Some(_) => Ok(Purpose::Authorization(Box::new(
            session.pending_for(request_id).await?,
        ))),
        None if session.pending::<AccountSignIn>().await?.is_some() => {
            Err(PageError::bad_request("login-error-replaced"))
        }
        None => Err(nothing_waiting()),
    }
}

fn nothing_waiting() -> PageError {
    PageError::bad_request("login-error-nothing-waiting")
}

/// The username of the person signed in, to pre-fill when they enter their password again.
async fn current_username(state: &AppState, session: &BrowserSession) -> Result<String, PageError> {
    let absolute = state.config.session.absolute_timeout;
    let Some(user) = session.user(state.now(), absolute).await? else {
        return Ok(String::new());
    };
    Ok(state
        .store
        .user_by_id(&user.user_id)
        .await?
        .map(|u| u.username)
        .unwrap_or_default())
}

/// The name of the application a sign-in is for; `None` for the account page. From the client
/// cache: a renamed client shows its new name within `cache.refresh_interval`.
async fn client_name(state: &AppState, purpose: &Purpose) -> Result<Option<String>, PageError> {
    Ok(match purpose {
        Purpose::Authorization(p) => Some(
            state
                .clients
                .client(&state.store, &p.client_id)
                .await?
                .map(|c| c.name.clone())
                .unwrap_or_default(),
        ),
        Purpose::Account(_) => None,
    })
}

/// Renders the login page; `error` is a failed attempt's message, shown with `status`.
pub(super) async fn page(
    state: &AppState,
    session: &BrowserSession,
    ui: &Ui,
    purpose: &Purpose,
    username: &str,
    error: Option<Msg>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let client_name = client_name(state, purpose).await?;
    let again = matches!(purpose, Purpose::Account(a) if a.again);
    let csrf_token = session.csrf_token().await?;
    Ok(render(
        status,
        &LoginPage {
            ui,
            client_name: client_name.as_deref(),
            again,
            username,
            password_focus: !username.is_empty(),
            csrf_token: &csrf_token,
            request_id: purpose.id(),
            fields_invalid: error.as_ref().is_some_and(|m| m.id == FAILED),
            error,
            cancel: matches!(purpose, Purpose::Authorization(_)),
            chooser: None,
            forgot_password: state.email.is_enabled(),
            passkeys: state.passkeys.enabled(),
            upstreams: state
                .upstreams
                .all()
                .iter()
                .map(|u| (u.config.id.as_str(), u.config.name.as_str()))
                .collect(),
        },
    )
    .into_response())
}
