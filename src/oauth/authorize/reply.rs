//! How the authorization endpoint answers the client: a redirect with query parameters, or an
//! auto-submitting form (OAuth 2.0 Form Post Response Mode), always carrying `state` and `iss`
//! (RFC 9207). Errors before the redirect URI is trusted are pages, never redirects
//! (RFC 6749 §4.1.2.1).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use std::sync::Arc;

use super::Pending;
use crate::config::Config;
use crate::domain::ResponseMode;
use crate::error::{OAuthError, PageError};
use crate::pages::allow_form_targets;
use crate::pages::form_action_source;
use crate::pages::form_post::FormPost;
use crate::services::session::BrowserSession;

/// Where and how to answer the client: known only once client and redirect URI are checked.
#[derive(Debug, Clone)]
pub struct ReplyTo {
    pub redirect_uri: String,
    pub mode: ResponseMode,
    pub state: Option<String>,
    /// The issuer, sent as `iss` (RFC 9207 §2).
    pub iss: String,
}

/// Why an authorization request stopped.
#[derive(Debug)]
pub enum AuthzError {
    /// Client or redirect URI cannot be trusted: tell the person, not the client.
    Page(PageError),
    /// Anything else: redirect the error to the client.
    Redirect(ReplyTo, OAuthError),
}

impl From<PageError> for AuthzError {
    fn from(e: PageError) -> Self {
        AuthzError::Page(e)
    }
}

impl IntoResponse for AuthzError {
    fn into_response(self) -> Response {
        match self {
            AuthzError::Page(p) => p.into_response(),
            AuthzError::Redirect(to, e) => to.error(&e),
        }
    }
}

impl ReplyTo {
    /// The successful response (RFC 6749 §4.1.2).
    pub fn success(&self, code: &str) -> Response {
        self.send(vec![("code", code)])
    }

    /// An error response (RFC 6749 §4.1.2.1).
    pub fn error(&self, e: &OAuthError) -> Response {
        tracing::info!(error = e.code.as_str(), "authorization request refused");
        self.send(vec![
            ("error", e.code.as_str()),
            ("error_description", &e.description),
        ])
    }

    fn send<'a>(&'a self, mut fields: Vec<(&'a str, &'a str)>) -> Response {
        if let Some(s) = &self.state {
            fields.push(("state", s));
        }
        fields.push(("iss", &self.iss));
        match self.mode {
            ResponseMode::Query => {
                // Appended to the registered URI as is: its own query is kept (RFC 6749 §3.1.2).
                let query = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&fields)
                    .finish();
                let sep = if self.redirect_uri.contains('?') {
                    '&'
                } else {
                    '?'
                };
                see_other(&format!("{}{sep}{query}", self.redirect_uri))
            }
            ResponseMode::FormPost => FormPost {
                action: self.redirect_uri.clone(),
                fields: fields
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            }
            .into_response(),
        }
    }
}

/// A 303 to `location` (turns a POST into a GET), never cached.
pub fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, v),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        Err(_) => PageError::bad_request("common-redirect-invalid").into_response(),
    }
}

/// Middleware on the pages (inside the session layer): a page's forms may lead, through the
/// redirect that answers them, to the redirect URI of the authorization request in progress
/// and to the upstream identity providers, so its `form-action` names them beside `'self'`
/// (Chromium checks `form-action` on those redirects too; an upstream is named by its origin,
/// as its authorization endpoint may come from its discovery document).
pub async fn form_targets(
    State(upstreams): State<UpstreamOrigins>,
    session: BrowserSession,
    req: Request,
    next: Next,
) -> Response {
    let mut resp = next.run(req).await;
    let is_page = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !is_page {
        return resp;
    }
    let mut sources = Vec::new();
    if let Ok(Some(pending)) = session.pending::<Pending>().await
        && pending.device.is_none()
        && let Some(s) = form_action_source(&pending.redirect_uri)
    {
        sources.push(s);
    }
    sources.extend(upstreams.0.iter().cloned());
    allow_form_targets(&mut resp, &sources);
    resp
}

/// The origins of the configured upstream identity providers, worked out once when the router
/// is built: [`form_targets`]' state.
#[derive(Clone, Debug)]
pub struct UpstreamOrigins(Arc<[String]>);

impl UpstreamOrigins {
    pub fn of(config: &Config) -> Self {
        let origins = config.upstream.iter().filter_map(|up| {
            let endpoint = up.authorization_url.clone().or_else(|| {
                up.issuer
                    .as_ref()
                    .and_then(|i| url::Url::parse(i.as_str()).ok())
            })?;
            let origin = endpoint.origin().ascii_serialization();
            (origin != "null").then_some(origin)
        });
        UpstreamOrigins(origins.collect())
    }
}
