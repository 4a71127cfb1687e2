//! The logout pages (`GET` and `POST /logout`, RP-Initiated Logout 1.0): a confirmation page
//! ("Sign out of Tessera?") with a CSRF token, unless the `id_token_hint` names the person signed
//! in; then the redirect to the client or the signed-out page. The checks live in
//! `oauth::logout`.

use std::net::IpAddr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::error::PageError;
use crate::http::client_ip::ClientIp;
use crate::http::form::Params;
use crate::http::form::require_form;
use crate::logout::request::{self as logout, LogoutRequest};
use crate::oauth::authorize::see_other;
use crate::pages::{allow_form_targets, form_action_source, render};
use crate::services::session::BrowserSession;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "logout.html")]
struct LogoutPage<'a> {
    /// `Some` on the confirmation page, `None` once signed out.
    csrf_token: Option<&'a str>,
    carried: &'a [(&'static str, String)],
}

/// `GET /logout`.
pub async fn get(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let params = Params::parse(query.unwrap_or_default().as_bytes())
        .map_err(|e| PageError::invalid_request(e.description))?;
    handle(&state, ip, &session, &params).await
}

/// `POST /logout`: the RP's form post (§2 allows it) or the confirmation form.
pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let params = require_form(&headers)
        .and_then(|()| Params::parse(&body))
        .map_err(|e| PageError::invalid_request(e.description))?;
    handle(&state, ip, &session, &params).await
}

async fn handle(
    state: &AppState,
    ip: IpAddr,
    session: &BrowserSession,
    params: &Params,
) -> Result<Response, PageError> {
    let req = logout::validate(state, params).await?;
    let absolute = state.config.session.absolute_timeout;
    let Some(user) = session.user(state.now(), absolute).await? else {
        // Nobody is signed in: nothing to confirm.
        return Ok(finish(&req));
    };
    let confirmed = if params.get("confirm").is_some() {
        // The confirmation form: its CSRF token must be this session's (403, nothing changes).
        session
            .check_csrf(params.get("csrf_token").unwrap_or_default())
            .await?;
        true
    } else {
        // §2: a hint issued in this very session is the RP's proof; no question needed.
        req.hint_names_session(&user)
    };
    if !confirmed {
        let csrf = session.csrf_token().await?;
        return Ok(page(Some(&csrf), &req));
    }
    logout::end_session(state, session, &user, req.client_id.as_deref(), ip).await?;
    Ok(finish(&req))
}

/// §3: to the registered post-logout redirect URI, or the signed-out page.
fn finish(req: &LogoutRequest) -> Response {
    match &req.redirect {
        Some(uri) => see_other(uri),
        None => page(None, req),
    }
}

/// The "You are signed out" page, for sign-outs that did not come through `/logout` (the
/// account page).
pub fn signed_out() -> Response {
    render(
        StatusCode::OK,
        &LogoutPage {
            csrf_token: None,
            carried: &[],
        },
    )
}

fn page(csrf_token: Option<&str>, req: &LogoutRequest) -> Response {
    let mut resp = render(
        StatusCode::OK,
        &LogoutPage {
            csrf_token,
            carried: &req.carried,
        },
    );
    // The confirmation form's answer redirects to the client (CSP form-action).
    let target: Vec<String> = req
        .redirect
        .iter()
        .filter_map(|u| form_action_source(u))
        .collect();
    allow_form_targets(&mut resp, &target);
    resp
}
