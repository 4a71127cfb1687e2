//! The device verification page (`GET` and `POST /device`, RFC 8628 §3.3): the person types the
//! user code shown on their device. A valid code becomes an ordinary parked request that goes
//! through the same sign-in (with its second factors) and consent as `/authorize`; it ends on a
//! page telling the person to return to the device (`oauth/authorize/device.rs`).
//!
//! `verification_uri_complete` only fills the field in: the person still submits the form, so a
//! link sent by an attacker is never approved by merely opening it (RFC 8628 §5.4).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::crypto::{random_token, sha256_hex};
use crate::domain::{DeviceStatus, ResponseMode, UserCode};
use crate::error::PageError;
use crate::http::client_ip::ClientIp;
use crate::i18n::Msg;
use crate::oauth::authorize::{DeviceRequest, Pending, Prompt, proceed};
use crate::pages::{Ui, render};
use crate::services::session::BrowserSession;
use crate::services::user_code_throttle::UserCodeAttempt;
use crate::state::AppState;
use crate::store::DeviceCodeRow;

#[derive(Template)]
#[template(path = "device.html")]
struct DevicePage<'a> {
    ui: &'a Ui,
    user_code: &'a str,
    csrf_token: &'a str,
    error: Option<Msg>,
}

/// `GET /device?user_code=…`.
#[derive(Debug, Deserialize)]
pub struct DeviceQuery {
    #[serde(default)]
    user_code: String,
}

/// What the device form posts.
#[derive(Debug, Deserialize)]
pub struct DeviceForm {
    #[serde(default)]
    user_code: String,
    #[serde(default)]
    csrf_token: String,
}

/// Why a typed code cannot go on (message ids).
const WRONG: &str = "device-error-wrong";
const EXPIRED: &str = "device-error-expired";
const ANSWERED: &str = "device-error-answered";

/// `GET /device`: the form, filled in from `verification_uri_complete` when it carries a code.
pub async fn show(
    ui: Ui,
    session: BrowserSession,
    Query(query): Query<DeviceQuery>,
) -> Result<Response, PageError> {
    // Only what could be a code is echoed back into the field.
    let typed: String = query.user_code.chars().take(16).collect();
    page(&ui, &session, &typed, None, StatusCode::OK).await
}

/// `POST /device`: counts the attempt against the IP, looks the code up, and parks a request
/// for it that goes on to sign-in and consent.
pub async fn submit(
    State(state): State<AppState>,
    ui: Ui,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    Form(form): Form<DeviceForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let typed: String = form.user_code.chars().take(16).collect();
    let attempt = UserCodeAttempt::new(&state.store, &state.config, &state.clock, ip);
    attempt.reserve().await?;
    let (code, user_code) = match find(&state, &typed).await? {
        Lookup::Waiting(code, user_code) => (code, user_code),
        Lookup::Refused(message) => {
            let message = Msg::new(message);
            return page(
                &ui,
                &session,
                &typed,
                Some(message),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    attempt.succeeded().await?;
    let pending = Pending {
        id: random_token(12),
        client_id: code.client_id,
        redirect_uri: String::new(),
        response_mode: ResponseMode::Query,
        state: None,
        scope: code.scope,
        nonce: None,
        code_challenge: None,
        // The consent page is always shown, naming the application and the code: approving a
        // device is never silent, even for a first-party client or a remembered consent.
        prompt: Prompt {
            consent: true,
            ..Prompt::default()
        },
        max_age: None,
        login_hint: None,
        signed_in: false,
        consented: false,
        device: Some(Box::new(DeviceRequest {
            device_code_hash: code.device_code_hash,
            user_code: user_code.display(),
        })),
        acr: Default::default(),
        dpop_jkt: None,
        ui_locale: None,
    };
    Ok(proceed(&state, &session, pending).await)
}

/// What a typed code names.
enum Lookup {
    /// A request waiting for an answer.
    Waiting(DeviceCodeRow, UserCode),
    /// Nothing that can go on, and the message (id) saying why.
    Refused(&'static str),
}

/// The pending request a typed code names.
async fn find(state: &AppState, typed: &str) -> Result<Lookup, PageError> {
    let Some(user_code) = UserCode::parse(typed) else {
        return Ok(Lookup::Refused(WRONG));
    };
    let Some(code) = state
        .store
        .device_code_by_user_code(&sha256_hex(user_code.as_str()))
        .await?
    else {
        return Ok(Lookup::Refused(WRONG));
    };
    Ok(if code.status != DeviceStatus::Pending {
        Lookup::Refused(ANSWERED)
    } else if code.expires_at <= state.now() {
        Lookup::Refused(EXPIRED)
    } else {
        Lookup::Waiting(code, user_code)
    })
}

async fn page(
    ui: &Ui,
    session: &BrowserSession,
    user_code: &str,
    error: Option<Msg>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let csrf_token = session.csrf_token().await?;
    Ok(render(
        status,
        &DevicePage {
            ui,
            user_code,
            csrf_token: &csrf_token,
            error,
        },
    ))
}
