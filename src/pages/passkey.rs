//! Signing in with a passkey (W3C WebAuthn §7.2), no username or password: the login page's
//! "Sign in with a passkey" button, and the page that asks for a passkey when a request wants
//! `urn:tessera:acr:phishing-resistant` (step-up).
//!
//! `/assets/passkey.js` asks `POST /login/passkey/options` for a challenge (parked in the
//! browser session as a [`PasskeySignIn`]), lets the authenticator sign it, and submits the
//! answer to `POST /login/passkey` as an ordinary form, so that what follows (consent, the
//! redirect to the client, `form_post`) is the same as after a password. Both carry the CSRF
//! token of the forms. A passkey sign-in is a new sign-in (new session id and `sid`), with
//! `amr` `["hwk" | "swk", "user", "mfa"]` and the phishing-resistant `acr`.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};

use crate::audit::AuditEvent;
use crate::crypto::random_token;
use crate::error::PageError;
use crate::http::client_ip::ClientIp;
use crate::pages::login::{FAILED_PASSKEY, Purpose, finish, purpose_for};
use crate::pages::{Ui, render};
use crate::services::passkeys::{Refused, SignInState};
use crate::services::session::{BrowserSession, Parked};
use crate::state::AppState;

/// How long a challenge stays good (seconds), as the second sign-in step.
const CHALLENGE_TTL: i64 = 300;

/// A passkey challenge waiting for its answer (parked in the browser session; taken out when
/// the answer comes, so each challenge is answered once).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasskeySignIn {
    id: String,
    /// The sign-in it is for (the login form's `request`).
    purpose_id: String,
    state: SignInState,
    started_at: i64,
}

impl Parked for PasskeySignIn {
    const KEY: &'static str = "passkey_sign_in";
    fn id(&self) -> &str {
        &self.id
    }
}

/// What the script posts for options.
#[derive(Debug, Deserialize)]
pub struct OptionsForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
}

/// What the script submits: the authenticator's answer as JSON.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    credential: String,
}

#[derive(Template)]
#[template(path = "passkey.html")]
struct PasskeyPage<'a> {
    ui: &'a Ui,
    client_name: &'a str,
    csrf_token: &'a str,
    request_id: &'a str,
}

/// `GET /login/passkey`: the application asks for a phishing-resistant sign-in; the person
/// confirms with one of their passkeys (`oauth::authorize::flow` sends them here).
pub async fn show(
    State(state): State<AppState>,
    ui: Ui,
    session: BrowserSession,
) -> Result<Response, PageError> {
    let Some(pending) = session
        .pending::<crate::oauth::authorize::Pending>()
        .await?
    else {
        return Err(PageError::bad_request("error-no-sign-in"));
    };
    let client_name = state
        .store
        .client(&pending.client_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let csrf_token = session.csrf_token().await?;
    Ok(render(
        StatusCode::OK,
        &PasskeyPage {
            ui: &ui,
            client_name: &client_name,
            csrf_token: &csrf_token,
            request_id: &pending.id,
        },
    ))
}

/// `POST /login/passkey/options`: a fresh challenge for `navigator.credentials.get()`, with
/// no credentials listed (the authenticator offers the discoverable ones it holds).
pub async fn options(
    State(state): State<AppState>,
    session: BrowserSession,
    Form(form): Form<OptionsForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let purpose = purpose_for(&session, &form.request).await?;
    let (options, ceremony) = state.passkeys.start_sign_in().map_err(|_| unavailable())?;
    session
        .set_pending(&PasskeySignIn {
            id: random_token(12),
            purpose_id: purpose.id().to_string(),
            state: ceremony,
            started_at: state.now(),
        })
        .await?;
    Ok(json(options))
}

/// `POST /login/passkey`: the authenticator's answer. One that verifies for an enabled person
/// signs them in; anything else (a disabled person's passkey too) shows the login page again
/// with one message.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    headers: HeaderMap,
    ui: crate::pages::Ui,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let purpose = purpose_for(&session, &form.request).await?;
    // Taken out before it is checked: a challenge is answered once, right or wrong.
    let parked = session.pending::<PasskeySignIn>().await?;
    session.clear_pending::<PasskeySignIn>().await?;
    let now = state.now();
    let Some(parked) = parked.filter(|p| {
        crate::crypto::constant_time_eq(&p.purpose_id, purpose.id())
            && now - p.started_at <= CHALLENGE_TTL
    }) else {
        return refused(&state, &session, &ui, purpose, ip, None).await;
    };
    let verified = state
        .passkeys
        .finish_sign_in(&state.store, &form.credential, parked.state, now)
        .await;
    let signed_in = match verified {
        Ok(s) => s,
        Err(Refused::Store(e)) => return Err(e.into()),
        Err(e) => return refused(&state, &session, &ui, purpose, ip, Some(e)).await,
    };
    AuditEvent::PasskeyUsed {
        sub: &signed_in.user_id,
        credential_id: &signed_in.credential_id,
    }
    .emit();
    finish(
        &state,
        &session,
        &headers,
        ip,
        &signed_in.user_id,
        purpose,
        signed_in.amr,
    )
    .await
}

/// The login page again, 401, with the one passkey failure message; a counter that went
/// backwards is audited as a possible clone.
async fn refused(
    state: &AppState,
    session: &BrowserSession,
    ui: &crate::pages::Ui,
    purpose: Purpose,
    ip: std::net::IpAddr,
    why: Option<Refused>,
) -> Result<Response, PageError> {
    if let Some(Refused::PossibleClone { user_id }) = &why {
        AuditEvent::PasskeyCloneWarning { sub: user_id, ip }.emit();
    }
    if let Some(e) = &why {
        tracing::info!(error = %e, "passkey refused");
    }
    AuditEvent::LoginFailed {
        client_id: purpose.client_id(),
        ip,
    }
    .emit();
    crate::pages::login::page(
        state,
        session,
        ui,
        &purpose,
        "",
        Some(FAILED_PASSKEY.into()),
        StatusCode::UNAUTHORIZED,
    )
    .await
}

/// A JSON answer for the script, never cached.
pub fn json(value: serde_json::Value) -> Response {
    let mut resp = Json(value).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Passkeys are off on this server (the issuer is an IP address).
pub fn unavailable() -> PageError {
    PageError::new(
        StatusCode::NOT_FOUND,
        "passkey-unavailable-title",
        "passkey-unavailable",
    )
}
