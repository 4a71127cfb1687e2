//! The logout pages (`GET` and `POST /logout`, RP-Initiated Logout 1.0): a confirmation page
//! ("Sign out of Tessera?", naming the account and the application that asked) with a CSRF
//! token, unless the `id_token_hint` names the person signed in; then the redirect to the
//! client or the signed-out page. "Stay signed in" changes nothing and returns to the client
//! the same way. The checks live in `logout::request`.

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
use crate::pages::login::{Account, emphasised};
use crate::pages::{Ui, allow_form_targets, form_action_source, render};
use crate::services::session::{BrowserSession, SessionUser};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "logout.html")]
struct LogoutPage<'a> {
    ui: &'a Ui,
    /// `Some` on the confirmation page.
    csrf_token: Option<&'a str>,
    /// "Stay signed in" without a place to return to: nothing changed.
    stayed: bool,
    /// Who is signed in (the confirmation page).
    account: Option<Account>,
    /// The application that asked for the sign-out, if the request named one.
    client_name: Option<String>,
    carried: &'a [(&'static str, String)],
}

impl LogoutPage<'_> {
    fn emphasised(&self, id: &str, client: impl std::fmt::Display) -> String {
        emphasised(&self.ui.tr, id, "client", &client.to_string())
    }

    /// The message `id` with `$product` set to the operator's product name.
    fn with_product(&self, id: &str) -> String {
        self.ui.t1(id, "product", &self.ui.product_name())
    }
}

/// `GET /logout`.
pub async fn get(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    ui: Ui,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let params = Params::parse(query.unwrap_or_default().as_bytes())
        .map_err(|e| PageError::invalid_request(e.description))?;
    handle(&state, ip, &session, &ui, &params).await
}

/// `POST /logout`: the RP's form post (§2 allows it) or the confirmation form.
pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    ui: Ui,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let params = require_form(&headers)
        .and_then(|()| Params::parse(&body))
        .map_err(|e| PageError::invalid_request(e.description))?;
    handle(&state, ip, &session, &ui, &params).await
}

async fn handle(
    state: &AppState,
    ip: IpAddr,
    session: &BrowserSession,
    ui: &Ui,
    params: &Params,
) -> Result<Response, PageError> {
    let req = logout::validate(state, params).await?;
    if params.get("stay").is_some() {
        // "Stay signed in": nothing changes, so no CSRF token is needed.
        return Ok(stay(ui, &req));
    }
    let absolute = state.config.session.absolute_timeout;
    let Some(user) = session.user(state.now(), absolute).await? else {
        // Nobody is signed in: nothing to confirm.
        return Ok(finish(ui, &req));
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
        return confirmation(state, session, ui, &user, &req).await;
    }
    logout::end_session(state, session, &user, req.client_id.as_deref(), ip).await?;
    Ok(finish(ui, &req))
}

/// "Sign out of Tessera?", naming the person signed in and the application that asked.
async fn confirmation(
    state: &AppState,
    session: &BrowserSession,
    ui: &Ui,
    user: &SessionUser,
    req: &LogoutRequest,
) -> Result<Response, PageError> {
    let csrf = session.csrf_token().await?;
    let account = state
        .store
        .user_by_id(&user.user_id)
        .await?
        .map(|row| Account::of(&row));
    let client_name = match &req.client_id {
        Some(id) => state
            .clients
            .load(&state.store, id)
            .await?
            .map(|c| c.name.clone())
            .filter(|n| !n.is_empty()),
        None => None,
    };
    let mut resp = render(
        StatusCode::OK,
        &LogoutPage {
            ui,
            csrf_token: Some(&csrf),
            stayed: false,
            account,
            client_name,
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
    Ok(resp)
}

/// §3: to the registered post-logout redirect URI, or the signed-out page.
fn finish(ui: &Ui, req: &LogoutRequest) -> Response {
    match &req.redirect {
        Some(uri) => see_other(uri),
        None => signed_out(ui),
    }
}

/// "Stay signed in": back to the application as after a sign-out (its registered
/// post-logout redirect URI, with `state`), else a page saying nothing changed.
fn stay(ui: &Ui, req: &LogoutRequest) -> Response {
    match &req.redirect {
        Some(uri) => see_other(uri),
        None => result_page(ui, true),
    }
}

/// The "You are signed out" page (also for sign-outs from the account page).
pub fn signed_out(ui: &Ui) -> Response {
    result_page(ui, false)
}

fn result_page(ui: &Ui, stayed: bool) -> Response {
    render(
        StatusCode::OK,
        &LogoutPage {
            ui,
            csrf_token: None,
            stayed,
            account: None,
            client_name: None,
            carried: &[],
        },
    )
}
