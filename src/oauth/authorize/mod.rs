//! The authorization endpoint (`GET` and `POST /authorize`; OIDC Core §3.1.2, RFC 6749 §4.1,
//! RFC 7636, RFC 9700). [`validate`] is the request pipeline, read top to bottom like a
//! checklist; [`proceed`] decides between sign-in, consent and issuing the code, and is where the
//! login and consent pages return to.

mod checks;
mod device;
mod flow;
mod reply;
mod resolve;

pub use checks::{AcrRequest, Prompt};
pub use device::{DeviceRequest, deny_device, localize_device_done};
pub use flow::{password_needed, proceed};
pub use reply::{AuthzError, ReplyTo, UpstreamOrigins, form_targets, see_other};
pub use resolve::REQUEST_URI_PREFIX;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::crypto::random_token;
use crate::domain::ResponseMode;
use crate::error::{OAuthError, PageError};
use crate::http::form::Params;
use crate::http::form::require_form;
use crate::i18n::Locale;
use crate::i18n::negotiate::{first_of_ui_locales, remember_locale};
use crate::services::session::{BrowserSession, Parked};
use crate::state::AppState;
use crate::store::ClientRow;

/// A checked authorization request, parked in the session while the person signs in and
/// consents.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    /// Names this request in the login and consent forms, so a page left open in another tab
    /// cannot answer a newer request it never showed.
    pub id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub response_mode: ResponseMode,
    pub state: Option<String>,
    /// The requested scope, space-separated.
    pub scope: String,
    pub nonce: Option<String>,
    /// S256 PKCE challenge.
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    /// Pre-fills the username on the login page.
    pub login_hint: Option<String>,
    /// The person entered their password for this request (prompt=login / max_age satisfied).
    pub signed_in: bool,
    /// The person allowed this request on the consent page.
    pub consented: bool,
    /// The authentication level asked for (`acr_values`, `claims`).
    #[serde(default)]
    pub acr: AcrRequest,
    /// Set when the request came from a device's user code on `/device` (RFC 8628 §3.3) rather
    /// than from `/authorize`: it ends on a page telling the person to return to the device,
    /// never with a redirect.
    #[serde(default)]
    pub device: Option<Box<DeviceRequest>>,
    /// RFC 9449 §10: the DPoP key thumbprint the code is bound to (`dpop_jkt`).
    #[serde(default)]
    pub dpop_jkt: Option<String>,
    /// The first language of `ui_locales` Tessera speaks (OIDC Core §3.1.2.1): the pages of
    /// this request are in it.
    #[serde(default)]
    pub ui_locale: Option<Locale>,
}

impl Parked for Pending {
    const KEY: &'static str = "pending";
    fn id(&self) -> &str {
        &self.id
    }
}

impl Pending {
    /// Where answers to this request go.
    pub fn reply_to(&self, issuer: &str) -> ReplyTo {
        ReplyTo {
            redirect_uri: self.redirect_uri.clone(),
            mode: self.response_mode,
            state: self.state.clone(),
            iss: issuer.to_string(),
        }
    }
}

/// `GET /authorize`.
pub async fn get(
    State(state): State<AppState>,
    session: BrowserSession,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    handle(&state, &session, params).await
}

/// `POST /authorize`: a form post works like a GET (OIDC Core §3.1.2.1).
pub async fn post(
    State(state): State<AppState>,
    session: BrowserSession,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = require_form(&headers).and_then(|()| Params::parse(&body));
    handle(&state, &session, params).await
}

async fn handle(
    state: &AppState,
    session: &BrowserSession,
    params: Result<Params, OAuthError>,
) -> Response {
    match validate(state, params).await {
        Ok(pending) => {
            let locale = pending.ui_locale;
            let mut resp = proceed(state, session, pending).await;
            // The pages that follow (login, second factor, consent) keep the language.
            if let Some(locale) = locale
                && let Ok(cookie) =
                    HeaderValue::from_str(&remember_locale(locale, state.config.is_https()))
            {
                resp.headers_mut().append(header::SET_COOKIE, cookie);
            }
            resp
        }
        Err(e) => e.into_response(),
    }
}

/// The request pipeline. Until the client and its redirect URI are known, errors are pages;
/// after that, every error goes back to the client with `state` and `iss`.
async fn validate(
    state: &AppState,
    params: Result<Params, OAuthError>,
) -> Result<Pending, AuthzError> {
    let params = params.map_err(|e| PageError::invalid_request(e.description))?;
    let client = checks::check_client(state, &params).await?;
    let (params, arrival) = resolve::resolve(state, &client, params).await?;
    check_request(&state.config, &client, &params, arrival)
}

/// How the parameters of a request arrived; which rules of [`checks::check_policy`] they meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// In the query or form of `/authorize`.
    Query,
    /// In a verified request object at `/authorize` (RFC 9101).
    Signed,
    /// Being pushed to `/par` (RFC 9126), in a request object or not.
    Pushing { signed: bool },
    /// A pushed request taken at `/authorize`: the policy was checked when it was pushed.
    Pushed,
}

impl Arrival {
    fn pushed(self) -> bool {
        matches!(self, Arrival::Pushing { .. } | Arrival::Pushed)
    }

    fn signed(self) -> bool {
        matches!(
            self,
            Arrival::Signed | Arrival::Pushing { signed: true } | Arrival::Pushed
        )
    }
}

/// The rules every authorization request follows once its client is known and its parameters
/// are resolved, in order. `/authorize` and `/par` both run them (RFC 9126 §2.1: a pushed
/// request is checked as an authorization request is).
// Runs once per request, never in a loop: boxing the error would buy nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn check_request(
    config: &Config,
    client: &ClientRow,
    params: &Params,
    arrival: Arrival,
) -> Result<Pending, AuthzError> {
    let redirect_uri = checks::check_redirect_uri(client, params)?;
    let mut to = ReplyTo {
        redirect_uri,
        mode: ResponseMode::Query,
        state: params.get("state").map(str::to_string),
        iss: config.issuer.to_string(),
    };
    to.mode =
        checks::check_response_mode(params).map_err(|e| AuthzError::Redirect(to.clone(), e))?;
    let back = |e: OAuthError| AuthzError::Redirect(to.clone(), e);
    checks::check_policy(client, config, arrival).map_err(back)?;
    checks::check_response_type(params, client).map_err(back)?;
    let scope = checks::check_scope(params, client).map_err(back)?;
    let code_challenge = checks::check_pkce(params, client, config).map_err(back)?;
    let prompt = checks::check_prompt(params).map_err(back)?;
    let max_age = checks::check_max_age(params).map_err(back)?;
    let nonce = checks::check_nonce(params).map_err(back)?;
    let acr = checks::check_acr(params);
    let dpop_jkt = checks::check_dpop_jkt(params).map_err(back)?;
    let ui_locale = params.get("ui_locales").and_then(first_of_ui_locales);
    // display, claims_locales, the rest of claims and unknown parameters are accepted and
    // ignored (claims_parameter_supported is false: only an essential acr is read).
    Ok(Pending {
        id: random_token(12),
        client_id: client.client_id.clone(),
        redirect_uri: to.redirect_uri.clone(),
        response_mode: to.mode,
        state: to.state.clone(),
        scope: scope.to_string(),
        nonce,
        code_challenge,
        prompt,
        max_age,
        login_hint: params
            .get("login_hint")
            .map(|h| h.chars().take(64).collect()),
        signed_in: false,
        consented: false,
        acr,
        device: None,
        dpop_jkt,
        ui_locale,
    })
}
