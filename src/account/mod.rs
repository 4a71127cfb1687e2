//! The person's own account page (`GET /account`, server-rendered, no JavaScript): their
//! profile, password, the applications they allowed, and where they are signed in. Each form
//! posts to its own handler in this folder and comes back here (303) with a notice.
//!
//! Without a session the page parks an [`AccountSignIn`] (`services::session`) and sends the person through the
//! login page, which returns here. Changing the password needs a sign-in at most
//! [`RECENT_SIGN_IN`] old; an older one is asked again first (like `prompt=login`).
//!
//! `page.rs` draws the page in the person's language: a handler that renders it takes `ui: Ui`;
//! error pages (`PageError`) are translated by the `pages::localize` middleware.

pub mod apps;
pub mod email;
mod page;
pub mod passkeys;
pub mod password;
pub mod profile;
pub mod sessions;
pub mod sign_out;
pub mod totp;
pub mod upstreams;

pub use page::{Field, FormError, View, refusal_reason};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::crypto::{hash_password_off_thread, random_token};
use crate::domain::password::NewPassword;
use crate::error::PageError;
use crate::http::paths;
use crate::i18n::Msg;
use crate::oauth::authorize::{Pending, see_other};
use crate::pages::ui::Ui;
use crate::services::session::{AccountSignIn, BrowserSession, SessionUser};
use crate::state::AppState;
use crate::store::UserRow;

/// How recent a sign-in must be to change the password or the email address, in seconds.
pub const RECENT_SIGN_IN: i64 = 5 * 60;

/// The notices a form leaves for the page it returns to (`?done=`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Done {
    Password,
    EmailChanged,
    VerificationSent,
    AppRevoked,
    SignedOut,
    TotpRemoved,
    PasskeyAdded,
    PasskeyRemoved,
    UpstreamRemoved,
}

impl Done {
    fn message(self) -> Msg {
        Msg::new(match self {
            Done::Password => "account-done-password",
            Done::EmailChanged => "account-done-email-changed",
            Done::VerificationSent => "account-done-verification-sent",
            Done::AppRevoked => "account-done-app-revoked",
            Done::SignedOut => "account-done-signed-out",
            Done::TotpRemoved => "account-done-totp-removed",
            Done::PasskeyAdded => "account-done-passkey-added",
            Done::PasskeyRemoved => "account-done-passkey-removed",
            Done::UpstreamRemoved => "account-done-upstream-removed",
        })
    }
}

/// `?done=` on `GET /account`; an unknown value is ignored.
#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    #[serde(default, deserialize_with = "lenient")]
    done: Option<Done>,
}

fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Done>, D::Error> {
    let raw = String::deserialize(d)?;
    Ok(serde_json::from_value(serde_json::Value::String(raw)).ok())
}

/// `GET /account`.
pub async fn show(
    State(state): State<AppState>,
    Query(query): Query<ShowQuery>,
    ui: Ui,
    session: BrowserSession,
) -> Result<Response, PageError> {
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
    let notice = query.done.map(Done::message);
    view.page(notice, None, StatusCode::OK).await
}

/// The signed-in person and their account, or `None` (no session, or the account was
/// disabled or deleted since). A use of the session: its "last seen" moves.
pub async fn signed_in(
    state: &AppState,
    session: &BrowserSession,
) -> Result<Option<(SessionUser, UserRow)>, PageError> {
    session
        .current(
            &state.store,
            &state.session_activity,
            state.now(),
            state.config.session.absolute_timeout,
        )
        .await
}

/// Parks the account page and sends the person to the login page; `again` when they are
/// signed in but must enter their password again. A sign-in for an application left half-way
/// in this browser is replaced, as a newer authorization request would replace it.
pub async fn sign_in_first(session: &BrowserSession, again: bool) -> Result<Response, PageError> {
    session.clear_pending::<Pending>().await?;
    let parked = AccountSignIn {
        id: random_token(16),
        again,
    };
    session.set_pending(&parked).await?;
    Ok(see_other(paths::LOGIN))
}

/// The argon2 hash of a password being set from a page, off the request threads; a failure is
/// logged and shown as a plain error page.
pub async fn hash_new_password(
    state: &AppState,
    password: NewPassword,
) -> Result<String, PageError> {
    let cost = state.config.password.argon2();
    hash_password_off_thread(password, cost).await.map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        PageError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error-internal-title",
            "account-password-not-changed",
        )
    })
}

/// Whether the person signed in recently enough to change their password or address.
pub fn recent(state: &AppState, user: &SessionUser) -> bool {
    state.now() - user.auth_time <= RECENT_SIGN_IN
}

/// The refusal when a removal would leave the person no way to sign in.
pub const LAST_WAY_TO_SIGN_IN: &str = "account-last-way-to-sign-in";

/// The ways a person can sign in, one removal away from locking themselves out.
pub struct WaysToSignIn {
    pub password: bool,
    /// Credential ids of their passkeys.
    pub passkeys: Vec<String>,
    /// Their upstream links, `(upstream id, upstream subject)`.
    pub upstream_links: Vec<(String, String)>,
}

impl WaysToSignIn {
    /// Reads them for `row`.
    pub async fn of(state: &AppState, row: &UserRow) -> Result<Self, PageError> {
        Ok(Self {
            password: row.password_hash != crate::store::NO_PASSWORD,
            passkeys: (state.store.passkeys_of(&row.id).await?)
                .into_iter()
                .map(|p| p.credential_id)
                .collect(),
            upstream_links: (state.store.upstream_links_of(&row.id).await?)
                .into_iter()
                .map(|l| (l.upstream_id, l.subject))
                .collect(),
        })
    }

    /// How many would be left after removing the passkey `credential_id` or the link
    /// `(upstream id, subject)`.
    pub fn left_without(&self, passkey: Option<&str>, link: Option<(&str, &str)>) -> usize {
        usize::from(self.password)
            + self
                .passkeys
                .iter()
                .filter(|p| Some(p.as_str()) != passkey)
                .count()
            + self
                .upstream_links
                .iter()
                .filter(|(u, s)| Some((u.as_str(), s.as_str())) != link)
                .count()
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Locale, catalog};

    /// Every `"account-…"` message id written in this folder's Rust code (notices, form errors,
    /// error pages) exists: a missing one would only show on the path that renders it.
    #[test]
    fn every_message_id_in_the_account_code_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/account");
        let mut missing = Vec::new();
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).expect("src/account/") {
            let path = entry.expect("a directory entry").path();
            let text = std::fs::read_to_string(&path).expect("a source file");
            for (at, _) in text.match_indices("\"account-") {
                let rest = &text[at + 1..];
                let id = &rest[..rest.find('"').unwrap_or(0)];
                let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
                if !id.chars().all(plain) || id.ends_with('-') {
                    continue; // this test's own pattern
                }
                seen += 1;
                if !catalog::has(Locale::En, id) {
                    missing.push(format!("{}: `{id}`", path.display()));
                }
            }
        }
        assert!(seen > 30, "the ids were found ({seen})");
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }
}
