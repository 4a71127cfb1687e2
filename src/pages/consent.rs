//! The consent page (`GET` and `POST /consent`): the person allows or denies the client the
//! scopes it asked for. Allowed scopes are remembered per user and client.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::audit::AuditEvent;
use crate::domain::{RegisteredBy, Scope};
use crate::error::{ErrorCode, OAuthError, PageError};
use crate::http::paths;
use crate::oauth::authorize::{Pending, deny_device, proceed};
use crate::pages::render_with_image;
use crate::services::session::{BrowserSession, SessionUser};
use crate::state::AppState;
use crate::store::ClientRow;

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    client_name: &'a str,
    scopes: Vec<String>,
    csrf_token: &'a str,
    request_id: &'a str,
    /// Who the application says it is (`client_uri`, `logo_uri`, `policy_uri`, `tos_uri`).
    about: About,
    /// Registered dynamically: nobody vouched for the name or the logo.
    unverified: bool,
    /// The username of whoever is signed in ("Signed in as alice").
    username: &'a str,
    /// Where "Not you?" leads: sign out, then sign in again to this request.
    not_you: String,
    /// The user code of a device request, to compare with the device's screen.
    user_code: Option<&'a str>,
}

/// What the page shows about the application, each only when registered and fit to show.
#[derive(Debug, Default)]
struct About {
    /// `client_uri` and its host, the link's text.
    home: Option<(String, String)>,
    /// An https logo the CSP can name exactly (see [`shown_logo`]).
    logo: Option<String>,
    policy: Option<String>,
    tos: Option<String>,
}

impl About {
    fn of(client: &ClientRow) -> Self {
        let about = &client.about;
        Self {
            home: about.client_uri.clone().zip(about.client_host()),
            logo: about.logo_uri.as_deref().and_then(shown_logo),
            policy: about.policy_uri.clone(),
            tos: about.tos_uri.clone(),
        }
    }
}

/// The logo URL when the page may load it: https only (a person's browser must not fetch it
/// in the clear), and spelled so the CSP can allow exactly it: a CSP source has no query, and
/// `;`, `,`, quotes or spaces would end or break the directive.
pub fn shown_logo(uri: &str) -> Option<String> {
    let url = url::Url::parse(uri).ok()?;
    if url.scheme() != "https" || url.query().is_some() || url.fragment().is_some() {
        return None;
    }
    let text = url.as_str();
    if text.contains([';', ',', '\'', '"', ' ']) || url.path().ends_with('/') {
        return None;
    }
    Some(text.to_string())
}

/// What the consent form posts.
#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    csrf_token: String,
    /// The request the page was shown for.
    #[serde(default)]
    request: String,
}

/// A scope in plain words.
pub fn describe(scope: &str) -> String {
    match scope {
        "openid" => "Confirm who you are when you sign in".into(),
        "profile" => "See your name and username".into(),
        "email" => "Read your email address".into(),
        "offline_access" => "Stay connected when you are not using it".into(),
        other => format!("Use the permission “{other}”"),
    }
}

/// `GET /consent`.
pub async fn show(
    State(state): State<AppState>,
    session: BrowserSession,
) -> Result<Response, PageError> {
    let pending: Pending = session.pending().await?.ok_or_else(nothing_waiting)?;
    let user = signed_in(&state, &session).await?;
    let client = state
        .clients
        .load(&state.store, &pending.client_id)
        .await?
        .ok_or_else(nothing_waiting)?;
    let username = state
        .store
        .user_by_id(&user.user_id)
        .await?
        .map(|u| u.username)
        .unwrap_or_default();
    let scope = Scope::parse(&pending.scope).unwrap_or_default();
    let csrf_token = session.csrf_token().await?;
    let page = ConsentPage {
        client_name: &client.name,
        scopes: scope.iter().map(describe).collect(),
        csrf_token: &csrf_token,
        request_id: &pending.id,
        about: About::of(&client),
        unverified: client.registered_by != RegisteredBy::Operator,
        username: &username,
        not_you: not_you_link(&pending.id),
        user_code: pending.device.as_ref().map(|d| d.user_code.as_str()),
    };
    Ok(render_with_image(
        StatusCode::OK,
        &page,
        page.about.logo.as_deref(),
    ))
}

/// `POST /consent`: `decision=allow` remembers the scopes and continues; `deny` answers the
/// client `access_denied` (RFC 6749 §4.1.2.1), or, for a device request, records the denial
/// its next poll reads (RFC 8628 §3.5).
pub async fn submit(
    State(state): State<AppState>,
    session: BrowserSession,
    Form(form): Form<ConsentForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let mut pending: Pending = session.pending_for(&form.request).await?;
    let user = signed_in(&state, &session).await?;
    match form.decision.as_str() {
        "allow" => {
            let before = state
                .store
                .consent(&user.user_id, &pending.client_id)
                .await?;
            let before = before.map(|r| r.scopes).unwrap_or_default();
            let before = Scope::parse(&before).unwrap_or_default();
            let granted = before.union(&Scope::parse(&pending.scope).unwrap_or_default());
            let granted = granted.to_string();
            state
                .store
                .save_consent(&user.user_id, &pending.client_id, &granted, state.now())
                .await?;
            AuditEvent::ConsentGiven {
                sub: &user.user_id,
                client_id: &pending.client_id,
                scope: &pending.scope,
            }
            .emit();
            pending.consented = true;
            Ok(proceed(&state, &session, pending).await)
        }
        "deny" => {
            session.clear_pending::<Pending>().await?;
            AuditEvent::ConsentDenied {
                sub: &user.user_id,
                client_id: &pending.client_id,
            }
            .emit();
            if let Some(device) = &pending.device {
                return deny_device(&state, device).await;
            }
            let e = OAuthError::new(ErrorCode::AccessDenied, "the user denied the request");
            Ok(pending.reply_to(&state.config.issuer).error(&e))
        }
        _ => Err(PageError::bad_request("Choose Allow or Deny.")),
    }
}

/// The "Not you?" link for the pending request `request_id` (served by `logout::not_you`).
fn not_you_link(request_id: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("request", request_id)
        .finish();
    format!("{}?{query}", paths::NOT_YOU)
}

fn nothing_waiting() -> PageError {
    PageError::bad_request(
        "No request is waiting for your answer. Go back to the application and start again.",
    )
}

/// The signed-in person: consent without one makes no sense.
async fn signed_in(state: &AppState, session: &BrowserSession) -> Result<SessionUser, PageError> {
    session
        .user(state.now(), state.config.session.absolute_timeout)
        .await?
        .ok_or_else(nothing_waiting)
}

#[cfg(test)]
mod tests {
    use super::shown_logo;

    #[test]
    fn only_an_https_logo_the_csp_can_name_exactly_is_shown() {
        let ok = "https://cdn.example.com/img/logo.png";
        assert_eq!(shown_logo(ok).as_deref(), Some(ok));
        for refused in [
            "http://cdn.example.com/logo.png",
            "http://127.0.0.1/logo.png",
            "https://cdn.example.com/logo.png?size=64",
            "https://cdn.example.com/logo.png#x",
            "https://cdn.example.com/a;b.png",
            "https://cdn.example.com/a,b.png",
            "https://cdn.example.com/",
            "data:image/png;base64,AAAA",
            "not a url",
        ] {
            assert_eq!(shown_logo(refused), None, "{refused}");
        }
    }
}
