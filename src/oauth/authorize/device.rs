//! How a device authorization request (RFC 8628 §3.3) ends once the person has signed in and
//! answered the consent page: the answer is recorded on the device code and the person is told
//! to return to the device. It goes through the same sign-in and consent as `/authorize`; only
//! the ending differs.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::error::PageError;
use crate::pages::render;
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
    title: &'a str,
    message: &'a str,
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
    Ok(done(
        "Device connected",
        "You can return to your device. It will be signed in in a few seconds.",
    ))
}

/// Records a denial (RFC 8628 §3.5 `access_denied` for the device) and says so.
pub async fn deny_device(state: &AppState, device: &DeviceRequest) -> Result<Response, PageError> {
    if !state
        .store
        .decide_device_code(&device.device_code_hash, DeviceDecision::Deny, state.now())
        .await?
    {
        return Err(no_longer_waiting());
    }
    Ok(done(
        "Access denied",
        "You denied the request. You can return to your device.",
    ))
}

fn done(title: &str, message: &str) -> Response {
    render(StatusCode::OK, &DeviceDonePage { title, message })
}

fn no_longer_waiting() -> PageError {
    PageError::bad_request(
        "This code has expired or was already answered. Start again on your device.",
    )
}
