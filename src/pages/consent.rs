//! The consent page (`GET` and `POST /consent`): the person allows or denies the client the
//! scopes it asked for. Allowed scopes are remembered per user and client.
//!
//! Scopes are listed in a fixed order, "Confirm who you are" (`openid`) first, in plain words,
//! with the values a scope releases where they are known ("Read your email address
//! (alice@example.com)"); an operator's own scope shows the words `[ui.scope_descriptions]`
//! gives it.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::audit::AuditEvent;
use crate::config::ui::UiConfig;
use crate::domain::{RegisteredBy, Scope};
use crate::error::{ErrorCode, OAuthError, PageError};
use crate::http::paths;
use crate::i18n::{Locale, Tr};
use crate::oauth::authorize::{Pending, deny_device, localize_device_done, proceed};
use crate::pages::{Ui, render_with_image};
use crate::services::session::{BrowserSession, SessionUser};
use crate::state::AppState;
use crate::store::ClientRow;

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    ui: &'a Ui,
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

/// The scopes Tessera has words for, in the order the page lists them: who you are first, then
/// what is read about you, then what the application may keep doing. An operator's own scopes
/// follow, by name.
const ORDER: [&str; 8] = [
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
    "roles",
    "groups",
];

/// The person's own values a scope releases, shown next to its words when known.
#[derive(Debug, Default, Clone, Copy)]
pub struct Released<'a> {
    pub name: Option<&'a str>,
    pub username: Option<&'a str>,
    pub email: Option<&'a str>,
}

/// `scope`'s tokens in the order the page lists them ([`ORDER`], then by name).
pub fn in_order(scope: &Scope) -> Vec<&str> {
    let mut tokens: Vec<&str> = scope.iter().collect();
    tokens.sort_by_key(|t| (ORDER.iter().position(|k| k == t).unwrap_or(ORDER.len()), *t));
    tokens
}

/// A scope in plain words, in `tr`'s language: Tessera's own words for the scopes it knows,
/// the operator's (`[ui.scope_descriptions]`) for theirs, else a sentence naming the scope.
pub fn scope_words(tr: Tr, ui: &UiConfig, scope: &str, released: Released<'_>) -> String {
    match scope {
        "openid" => tr.t("consent-scope-openid"),
        "profile" => match (released.name, released.username) {
            (Some(name), Some(username)) => tr.t2(
                "consent-scope-profile-with-name",
                "name",
                &name,
                "username",
                &username,
            ),
            (None, Some(username)) => {
                tr.t1("consent-scope-profile-with-username", "username", &username)
            }
            _ => tr.t("consent-scope-profile"),
        },
        "email" => match released.email {
            Some(email) => tr.t1("consent-scope-email-with-value", "email", &email),
            None => tr.t("consent-scope-email"),
        },
        "address" => tr.t("consent-scope-address"),
        "phone" => tr.t("consent-scope-phone"),
        "offline_access" => tr.t("consent-scope-offline-access"),
        "roles" => tr.t("consent-scope-roles"),
        "groups" => tr.t("consent-scope-groups"),
        other => match ui.scope_description(other, tr.locale()) {
            Some(words) => words.to_owned(),
            None => tr.t1("consent-scope-other", "scope", &other),
        },
    }
}

/// A scope in plain English, without the person's values (for pages not yet translated).
pub fn describe(scope: &str) -> String {
    scope_words(
        Tr(Locale::En),
        &UiConfig::default(),
        scope,
        Released::default(),
    )
}

/// `GET /consent`.
pub async fn show(
    State(state): State<AppState>,
    ui: Ui,
    session: BrowserSession,
) -> Result<Response, PageError> {
    let pending: Pending = session.pending().await?.ok_or_else(nothing_waiting)?;
    let user = signed_in(&state, &session).await?;
    let client = state
        .clients
        .load(&state.store, &pending.client_id)
        .await?
        .ok_or_else(nothing_waiting)?;
    let row = state.store.user_by_id(&user.user_id).await?;
    let released = Released {
        name: row.as_ref().and_then(|u| u.name.as_deref()),
        username: row.as_ref().map(|u| u.username.as_str()),
        email: row.as_ref().and_then(|u| u.email.as_deref()),
    };
    let username = released.username.unwrap_or_default();
    let scope = Scope::parse(&pending.scope).unwrap_or_default();
    let scopes = in_order(&scope)
        .into_iter()
        .map(|s| scope_words(ui.tr, &state.config.ui, s, released))
        .collect();
    let csrf_token = session.csrf_token().await?;
    let page = ConsentPage {
        ui: &ui,
        client_name: &client.name,
        scopes,
        csrf_token: &csrf_token,
        request_id: &pending.id,
        about: About::of(&client),
        unverified: client.registered_by != RegisteredBy::Operator,
        username,
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
    ui: Ui,
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
            // A device request ends on a page of its own, written here in the person's language.
            Ok(localize_device_done(
                &ui,
                proceed(&state, &session, pending).await,
            ))
        }
        "deny" => {
            session.clear_pending::<Pending>().await?;
            AuditEvent::ConsentDenied {
                sub: &user.user_id,
                client_id: &pending.client_id,
            }
            .emit();
            if let Some(device) = &pending.device {
                return deny_device(&state, &ui, device).await;
            }
            let e = OAuthError::new(ErrorCode::AccessDenied, "the user denied the request");
            Ok(pending.reply_to(&state.config.issuer).error(&e))
        }
        _ => Err(PageError::bad_request("consent-error-choose")),
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
    PageError::bad_request("consent-error-nothing-waiting")
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
    use super::*;

    #[test]
    fn scopes_are_listed_who_you_are_first_then_in_a_fixed_order() {
        let scope = Scope::parse("zeta groups email roles offline_access profile alpha openid")
            .expect("a scope");
        assert_eq!(
            in_order(&scope),
            [
                "openid",
                "profile",
                "email",
                "offline_access",
                "roles",
                "groups",
                "alpha",
                "zeta"
            ]
        );
    }

    #[test]
    fn every_scope_tessera_knows_has_words_in_every_language() {
        for locale in Locale::ALL {
            for scope in ORDER {
                let words =
                    scope_words(Tr(locale), &UiConfig::default(), scope, Released::default());
                let generic = Tr(locale).t1("consent-scope-other", "scope", &scope);
                assert_ne!(words, generic, "{locale} {scope}");
            }
        }
    }

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
