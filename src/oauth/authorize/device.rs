//! How a device authorization request (RFC 8628 §3.3) ends once the person has signed in and
//! answered the consent page: the answer is recorded on the device code and the person is told
//! to return to the device. It goes through the same sign-in and consent as `/authorize`; only
//! the ending differs.
//!
//! The approval is reached through `proceed`, which does not know the person's language: its
//! page is marked with what it says ([`DeviceDone`]) and written again in that language by the
//! consent page's handler ([`localize_device_done`]).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::error::PageError;
use crate::pages::{Ui, render};
use crate::services::session::SessionUser;
use crate::state::AppState;
use crate::store::DeviceDecision;

/// The device code a parked request answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceRequest {
    /// SHA-256 of the device code: names the row to answer.
    pub device_code_hash: String,
    /// The user code as shown (`XXXX-XXXX`), repeated on the consent page so the person can
    /// compare it with the device's screen.
    pub user_code: String,
}

#[derive(Template)]
#[template(path = "device_done.html")]
struct DeviceDonePage<'a> {
    ui: &'a Ui,
    /// Message ids.
    title: &'static str,
    message: &'static str,
}

/// How a device request ended, as its last page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceDone {
    Connected,
    Denied,
}

impl DeviceDone {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            DeviceDone::Connected => ("device-connected-title", "device-connected"),
            DeviceDone::Denied => ("device-denied-title", "device-denied"),
        }
    }

    /// The page, in `ui`'s language, marked with what it says.
    fn page(self, ui: &Ui) -> Response {
        let (title, message) = self.words();
        let mut resp = render(StatusCode::OK, &DeviceDonePage { ui, title, message });
        resp.extensions_mut().insert(self);
        resp
    }
}

/// `resp` again in `ui`'s language when it is a device request's last page; any other response
/// as it is.
pub fn localize_device_done(ui: &Ui, resp: Response) -> Response {
    let Some(done) = resp.extensions().get::<DeviceDone>().copied() else {
        return resp;
    };
    let mut page = done.page(ui);
    for (name, value) in resp.headers() {
        page.headers_mut().entry(name).or_insert(value.clone());
    }
    page
}

/// Records the approval and says so; a code answered meanwhile (another tab) or expired is a
/// readable error, and nothing is recorded.
pub async fn approve(
    state: &AppState,
    device: &DeviceRequest,
    client_id: &str,
    user: &SessionUser,
    now: i64,
) -> Result<Response, PageError> {
    let amr = user.amr.to_stored();
    let decision = DeviceDecision::Approve {
        user_id: &user.user_id,
        auth_time: user.auth_time,
        session_id: &user.sid,
        amr: &amr,
    };
    if !state
        .store
        .decide_device_code(&device.device_code_hash, decision, now)
        .await?
    {
        return Err(no_longer_waiting());
    }
    // Back-Channel Logout 1.0 §2.3: the device's tokens belong to this session too.
    let session_ends = user.auth_time + state.config.session.absolute_timeout.as_secs() as i64;
    state
        .store
        .remember_session_client(&user.sid, client_id, now, session_ends)
        .await?;
    // The language is not known here: `localize_device_done` writes the page again in it.
    let ui = Ui::new(state.config.ui.default_locale, state.config.clone());
    Ok(DeviceDone::Connected.page(&ui))
}

/// Records a denial (RFC 8628 §3.5 `access_denied` for the device) and says so.
pub async fn deny_device(
    state: &AppState,
    ui: &Ui,
    device: &DeviceRequest,
) -> Result<Response, PageError> {
    if !state
        .store
        .decide_device_code(&device.device_code_hash, DeviceDecision::Deny, state.now())
        .await?
    {
        return Err(no_longer_waiting());
    }
    Ok(DeviceDone::Denied.page(ui))
}

fn no_longer_waiting() -> PageError {
    PageError::bad_request("device-error-no-longer-waiting")
}
