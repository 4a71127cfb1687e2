//! The account page itself: what it lists (applications, sessions, passkeys, linked sign-ins,
//! with dates in the person's language), and a form's failure tied to its field.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use time::OffsetDateTime;

use crate::domain::Scope;
use crate::domain::password::Refusal;
use crate::error::PageError;
use crate::i18n::Msg;
use crate::pages::consent::describe;
use crate::pages::render;
use crate::pages::ui::Ui;
use crate::services::session::{BrowserSession, SessionUser};
use crate::state::AppState;
use crate::store::UserRow;

/// An input on the account page a form's error can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    CurrentPassword,
    NewPassword,
    ConfirmPassword,
    NewEmail,
    Otp,
}

impl Field {
    /// The input's `id` in `account.html`.
    fn id(self) -> &'static str {
        match self {
            Field::CurrentPassword => "current_password",
            Field::NewPassword => "new_password",
            Field::ConfirmPassword => "confirm_password",
            Field::NewEmail => "email",
            Field::Otp => "otp",
        }
    }
}

/// A form's failure as the page shows it: the message, and the input it is about (which then
/// gets `aria-invalid` and is described by the message).
#[derive(Debug, Clone)]
pub struct FormError {
    pub message: Msg,
    pub field: Option<Field>,
}

impl FormError {
    /// A failure of the form as a whole.
    pub fn new(message: impl Into<Msg>) -> Self {
        Self {
            message: message.into(),
            field: None,
        }
    }

    /// A failure of the input `field`.
    pub fn at(field: Field, message: impl Into<Msg>) -> Self {
        Self {
            message: message.into(),
            field: Some(field),
        }
    }
}

/// Why a new password is refused, in `ui`'s language (a sentence that follows a colon).
pub fn refusal_reason(ui: &Ui, why: &Refusal) -> String {
    let msg = match why {
        Refusal::Empty => Msg::new("account-password-empty"),
        Refusal::ControlCharacters => Msg::new("account-password-control"),
        Refusal::TooShort { min, has } => Msg::new("account-password-too-short")
            .arg("min", *min)
            .arg("has", *has),
        Refusal::TooLong { max } => Msg::new("account-password-too-long").arg("max", *max),
        Refusal::TooEasy {
            own_words: true, ..
        } => Msg::new("account-password-too-easy-own"),
        Refusal::TooEasy { .. } => Msg::new("account-password-too-easy"),
    };
    ui.msg(&msg)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    ui: &'a Ui,
    name: &'a str,
    username: &'a str,
    email: Option<&'a str>,
    email_verified: bool,
    /// Email is configured: the verification button can work.
    email_enabled: bool,
    csrf_token: &'a str,
    notice: Option<Msg>,
    error: Option<FormError>,
    apps: Vec<AppView>,
    sessions: Vec<SessionView>,
    /// An authenticator app is enrolled.
    totp: bool,
    recovery_codes_left: i64,
    /// Without an app: the secret to enroll, as a QR code and as text.
    enrolment: Option<crate::pages::enroll::Enrolment>,
    /// Passkeys work here: offer "Add a passkey" (shown by the script).
    passkeys_enabled: bool,
    passkeys: Vec<PasskeyView>,
    /// Accounts at upstream identity providers that sign the person in.
    upstream_links: Vec<UpstreamLinkView>,
    /// The account has a password (one made by an upstream sign-in may have none yet).
    has_password: bool,
}

impl AccountPage<'_> {
    /// Whether the form's error is about the input `id` (`aria-invalid`, `aria-describedby`).
    fn invalid(&self, id: &str) -> bool {
        self.error
            .as_ref()
            .and_then(|e| e.field)
            .is_some_and(|f| f.id() == id)
    }
}

/// A link to an upstream account as listed.
struct UpstreamLinkView {
    upstream_id: String,
    /// The upstream's configured name (its id when no longer configured).
    name: String,
    subject: String,
    created: OffsetDateTime,
}

/// A passkey as listed.
struct PasskeyView {
    credential_id: String,
    name: String,
    created: OffsetDateTime,
    last_used: Option<OffsetDateTime>,
}

/// A connected application as listed.
struct AppView {
    client_id: String,
    name: String,
    /// The scopes in the consent page's words.
    scopes: Vec<String>,
    last_used: Option<OffsetDateTime>,
}

/// A browser session as listed.
struct SessionView {
    sid: String,
    device: Msg,
    ip: String,
    signed_in: OffsetDateTime,
    last_seen: OffsetDateTime,
    current: bool,
}

/// What the account page is drawn from: the request, the person and their account.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub state: &'a AppState,
    pub ui: &'a Ui,
    pub session: &'a BrowserSession,
    pub user: &'a SessionUser,
    pub row: &'a UserRow,
}

impl View<'_> {
    /// The page again with a form's failure, shown with `status`.
    pub async fn refuse(
        &self,
        error: FormError,
        status: StatusCode,
    ) -> Result<Response, PageError> {
        self.page(None, Some(error), status).await
    }

    /// Renders the page with a notice or a form's failure.
    pub async fn page(
        &self,
        notice: Option<Msg>,
        error: Option<FormError>,
        status: StatusCode,
    ) -> Result<Response, PageError> {
        let View {
            state,
            ui,
            session,
            user,
            row,
        } = *self;
        let now = state.now();
        let apps = state
            .store
            .consents_of(&row.id)
            .await?
            .into_iter()
            .map(|c| AppView {
                scopes: Scope::parse(&c.scopes)
                    .unwrap_or_default()
                    .iter()
                    .map(describe)
                    .collect(),
                last_used: c.last_used_at.and_then(utc),
                client_id: c.client_id,
                name: c.client_name,
            })
            .collect();
        // A session idle longer than the idle timeout is over, whatever its row says.
        let idle = state.config.session.idle_timeout.as_secs() as i64;
        let seen_since = now - idle - crate::services::session_activity::EVERY;
        let sessions = state
            .store
            .user_sessions(&row.id, now, seen_since)
            .await?
            .into_iter()
            .map(|s| SessionView {
                current: s.sid == user.sid,
                device: device(s.user_agent.as_deref()),
                ip: s.ip.unwrap_or_default(),
                signed_in: utc_or_epoch(s.signed_in_at),
                last_seen: utc_or_epoch(s.last_seen_at),
                sid: s.sid,
            })
            .collect();
        let factors = state.store.factors(&row.id).await?;
        let enrolment = if factors.totp {
            None
        } else {
            Some(crate::pages::enroll::enrolment(state, session, row).await?)
        };
        let passkeys = state
            .store
            .passkeys_of(&row.id)
            .await?
            .into_iter()
            .map(|p| PasskeyView {
                created: utc_or_epoch(p.created_at),
                last_used: p.last_used_at.and_then(utc),
                credential_id: p.credential_id,
                name: p.name,
            })
            .collect();
        let upstream_links = state
            .store
            .upstream_links_of(&row.id)
            .await?
            .into_iter()
            .map(|l| UpstreamLinkView {
                name: state
                    .upstreams
                    .get(&l.upstream_id)
                    .map_or_else(|| l.upstream_id.clone(), |u| u.config.name.clone()),
                created: utc_or_epoch(l.created_at),
                upstream_id: l.upstream_id,
                subject: l.subject,
            })
            .collect();
        let csrf_token = session.csrf_token().await?;
        Ok(render(
            status,
            &AccountPage {
                ui,
                name: row.name.as_deref().unwrap_or_default(),
                username: &row.username,
                email: row.email.as_deref(),
                email_verified: row.email_verified,
                email_enabled: state.email.is_enabled(),
                csrf_token: &csrf_token,
                notice,
                error,
                apps,
                sessions,
                totp: factors.totp,
                recovery_codes_left: factors.recovery_codes_left,
                enrolment,
                passkeys_enabled: state.passkeys.enabled(),
                passkeys,
                upstream_links,
                has_password: row.password_hash != crate::store::NO_PASSWORD,
            },
        ))
    }
}

/// "Chrome on Linux" from a User-Agent header, by a maintained parser.
fn device(user_agent: Option<&str>) -> Msg {
    let parsed = user_agent.and_then(|ua| woothee::parser::Parser::new().parse(ua));
    match parsed {
        Some(p) if p.name != "UNKNOWN" && p.os != "UNKNOWN" => Msg::new("account-device-on")
            .arg("browser", p.name)
            .arg("os", p.os),
        Some(p) if p.name != "UNKNOWN" => Msg::new("account-device").arg("browser", p.name),
        _ => Msg::new("account-device-unknown"),
    }
}

fn utc(t: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(t).ok()
}

/// A stored time; one out of range (never written by Tessera) shows as the epoch.
fn utc_or_epoch(t: i64) -> OffsetDateTime {
    utc(t).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
