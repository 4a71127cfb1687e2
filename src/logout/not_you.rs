//! "Not you?" on the consent page: the wrong person is signed in. Their session ends as at
//! `/logout` (Back-Channel Logout to its clients, the audit event), and the same authorization
//! request starts again at the login page, in a new session.
//!
//! A `GET` link, so it must not be something another site can make a browser follow: it names
//! the pending request by its id, which only pages rendered in this session know
//! (`BrowserSession::pending_for`), so a forged link ends nobody's session.

use std::net::IpAddr;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::error::PageError;
use crate::http::client_ip::ClientIp;
use crate::http::paths;
use crate::logout::request::end_session;
use crate::oauth::authorize::{Pending, see_other};
use crate::services::session::BrowserSession;
use crate::state::AppState;

/// The link's query.
#[derive(Debug, Deserialize)]
pub struct NotYou {
    /// The pending authorization request the consent page was shown for.
    #[serde(default)]
    request: String,
}

/// `GET /not-you?request=…`.
pub async fn not_you(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    Query(q): Query<NotYou>,
) -> Result<Response, PageError> {
    let mut pending: Pending = session.pending_for(&q.request).await?;
    sign_out(&state, &session, &pending, ip).await?;
    // The request starts over: nobody has signed in or consented for it, and a login_hint
    // named the person who was not the one at the keyboard.
    pending.signed_in = false;
    pending.consented = false;
    pending.login_hint = None;
    session.set_pending(&pending).await?;
    Ok(see_other(paths::LOGIN))
}

/// Ends the session of whoever is signed in (nobody may be, after a timeout).
async fn sign_out(
    state: &AppState,
    session: &BrowserSession,
    pending: &Pending,
    ip: IpAddr,
) -> Result<(), PageError> {
    let absolute = state.config.session.absolute_timeout;
    if let Some(user) = session.user(state.now(), absolute).await? {
        end_session(state, session, &user, Some(&pending.client_id), ip).await?;
    }
    Ok(())
}
