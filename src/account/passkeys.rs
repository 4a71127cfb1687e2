//! Passkeys on the account page: "Add a passkey" (a discoverable credential, user
//! verification required; `/assets/passkey.js` runs the ceremony and submits the answer as
//! a form) and removal, which needs a sign-in at most [`RECENT_SIGN_IN`](super::RECENT_SIGN_IN)
//! old, as removing the authenticator app does.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::{FormError, LAST_WAY_TO_SIGN_IN, View, WaysToSignIn, recent, sign_in_first, signed_in};
use crate::audit::AuditEvent;
use crate::crypto::random_token;
use crate::error::PageError;
use crate::http::paths;
use crate::oauth::authorize::see_other;
use crate::pages::passkey::{json, unavailable};
use crate::pages::ui::Ui;
use crate::services::passkeys::{Refused, RegistrationState};
use crate::services::session::{BrowserSession, Parked};
use crate::state::AppState;

/// How long a registration challenge stays good (seconds).
const CHALLENGE_TTL: i64 = 300;
/// The name of a passkey the person did not name (the message id of "Passkey").
const DEFAULT_NAME: &str = "account-passkey-default-name";
/// The longest name kept (characters).
const MAX_NAME: usize = 64;

/// A registration waiting for the authenticator's answer (parked in the browser session,
/// taken out when the answer comes).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasskeyRegistration {
    id: String,
    /// Whose passkey it will be.
    user_id: String,
    state: RegistrationState,
    started_at: i64,
}

impl Parked for PasskeyRegistration {
    const KEY: &'static str = "passkey_registration";
    fn id(&self) -> &str {
        &self.id
    }
}

/// A form with nothing but its CSRF token (the options request).
#[derive(Debug, Deserialize)]
pub struct PlainForm {
    #[serde(default)]
    csrf_token: String,
}

/// What the script submits after the authenticator answered.
#[derive(Debug, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    credential: String,
}

/// What the remove button posts.
#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    credential_id: String,
}

/// `POST /account/passkeys/options`: a challenge for `navigator.credentials.create()`.
pub async fn options(
    State(state): State<AppState>,
    session: BrowserSession,
    Form(form): Form<PlainForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((_, row)) = signed_in(&state, &session).await? else {
        return Err(PageError::new(
            StatusCode::UNAUTHORIZED,
            "account-sign-in-first-title",
            "account-sign-in-to-add-passkey",
        ));
    };
    let existing = state.store.passkeys_of(&row.id).await?;
    let display = row.name.as_deref().unwrap_or(&row.username);
    let (options, ceremony) = state
        .passkeys
        .start_registration(&row.id, &row.username, display, &existing)
        .map_err(|_| unavailable())?;
    session
        .set_pending(&PasskeyRegistration {
            id: random_token(12),
            user_id: row.id,
            state: ceremony,
            started_at: state.now(),
        })
        .await?;
    Ok(json(options))
}

/// `POST /account/passkeys`: the authenticator's answer; one that verifies is stored under
/// the name given ("Passkey" without one).
pub async fn add(
    State(state): State<AppState>,
    ui: Ui,
    session: BrowserSession,
    Form(form): Form<AddForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((user, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    let view = View {
        state: &state,
        ui: &ui,
        session: &session,
        user: &user,
        row: &row,
    };
    let parked = session.pending::<PasskeyRegistration>().await?;
    session.clear_pending::<PasskeyRegistration>().await?;
    let now = state.now();
    let Some(parked) =
        parked.filter(|p| p.user_id == row.id && now - p.started_at <= CHALLENGE_TTL)
    else {
        return failed(view, None).await;
    };
    let name = passkey_name(&ui, &form.name);
    let added = state
        .passkeys
        .finish_registration(
            &state.store,
            &row.id,
            &name,
            &form.credential,
            &parked.state,
            now,
        )
        .await;
    match added {
        Ok(credential_id) => {
            AuditEvent::PasskeyAdded {
                sub: &row.id,
                credential_id: &credential_id,
            }
            .emit();
            Ok(see_other(&format!("{}?done=passkey_added", paths::ACCOUNT)))
        }
        Err(Refused::Store(e)) => Err(e.into()),
        Err(e) => failed(view, Some(e)).await,
    }
}

/// `POST /account/passkeys/remove`: needs a fresh sign-in.
pub async fn remove(
    State(state): State<AppState>,
    ui: Ui,
    session: BrowserSession,
    Form(form): Form<RemoveForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let Some((user, row)) = signed_in(&state, &session).await? else {
        return sign_in_first(&session, false).await;
    };
    if !recent(&state, &user) {
        return sign_in_first(&session, true).await;
    }
    let ways = WaysToSignIn::of(&state, &row).await?;
    if ways.passkeys.contains(&form.credential_id)
        && ways.left_without(Some(&form.credential_id), None) == 0
    {
        // An account made by an upstream sign-in may have no password.
        let view = View {
            state: &state,
            ui: &ui,
            session: &session,
            user: &user,
            row: &row,
        };
        return view
            .refuse(FormError::new(LAST_WAY_TO_SIGN_IN), StatusCode::CONFLICT)
            .await;
    }
    if state
        .store
        .remove_passkey(&row.id, &form.credential_id)
        .await?
    {
        AuditEvent::PasskeyRemoved {
            sub: &row.id,
            credential_id: &form.credential_id,
        }
        .emit();
    }
    Ok(see_other(&format!(
        "{}?done=passkey_removed",
        paths::ACCOUNT
    )))
}

/// The account page again with the failure (400).
async fn failed(view: View<'_>, why: Option<Refused>) -> Result<Response, PageError> {
    if let Some(e) = &why {
        tracing::info!(error = %e, "passkey registration refused");
    }
    let message = match why {
        Some(Refused::Duplicate) => "account-passkey-duplicate",
        _ => "account-passkey-not-added",
    };
    view.refuse(FormError::new(message), StatusCode::BAD_REQUEST)
        .await
}

/// The name typed, without control characters and at most [`MAX_NAME`] characters, or
/// [`DEFAULT_NAME`] in the person's language.
fn passkey_name(ui: &Ui, typed: &str) -> String {
    let name: String = typed
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    let name = name.trim();
    if name.is_empty() {
        ui.t(DEFAULT_NAME)
    } else {
        name.to_string()
    }
}
