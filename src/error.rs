//! Errors, one type per audience, each converted to a response in one place:
//! [`OAuthError`] for protocol endpoints (RFC 6749 §5.2, RFC 6750 §3.1 JSON bodies) and
//! [`PageError`] for people in a browser (a readable HTML page, never a redirect).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::i18n::Msg;
use crate::store::StoreError;

/// An OAuth 2.0 error code (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; RFC 7009 §2.2.1;
/// OIDC Core §3.1.2.6; RFC 7591 §3.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    UnsupportedTokenType,
    InvalidScope,
    AccessDenied,
    ServerError,
    TemporarilyUnavailable,
    InvalidToken,
    InsufficientScope,
    LoginRequired,
    ConsentRequired,
    InteractionRequired,
    RequestNotSupported,
    RequestUriNotSupported,
    InvalidRequestObject,
    SlowDown,
    InvalidRedirectUri,
    InvalidClientMetadata,
    /// RFC 8628 §3.5: the person has not answered yet; poll again.
    AuthorizationPending,
    /// RFC 8628 §3.5: the device code has expired.
    ExpiredToken,
    /// RFC 8693 §2.2.2 / RFC 8707 §2: the audience or resource is not one the client may ask for.
    InvalidTarget,
    /// RFC 9449 §5, §7.1: the DPoP proof is missing where required, or invalid.
    InvalidDpopProof,
    /// RFC 9449 §8: the proof must carry the nonce of the `DPoP-Nonce` header.
    UseDpopNonce,
}

impl ErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::UnsupportedResponseType => "unsupported_response_type",
            ErrorCode::UnsupportedTokenType => "unsupported_token_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::ServerError => "server_error",
            ErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::InsufficientScope => "insufficient_scope",
            ErrorCode::LoginRequired => "login_required",
            ErrorCode::ConsentRequired => "consent_required",
            ErrorCode::InteractionRequired => "interaction_required",
            ErrorCode::RequestNotSupported => "request_not_supported",
            ErrorCode::RequestUriNotSupported => "request_uri_not_supported",
            ErrorCode::InvalidRequestObject => "invalid_request_object",
            ErrorCode::SlowDown => "slow_down",
            ErrorCode::InvalidRedirectUri => "invalid_redirect_uri",
            ErrorCode::InvalidClientMetadata => "invalid_client_metadata",
            ErrorCode::AuthorizationPending => "authorization_pending",
            ErrorCode::ExpiredToken => "expired_token",
            ErrorCode::InvalidTarget => "invalid_target",
            ErrorCode::InvalidDpopProof => "invalid_dpop_proof",
            ErrorCode::UseDpopNonce => "use_dpop_nonce",
        }
    }
}

/// A protocol error answered as JSON `{"error", "error_description"}`.
#[derive(Debug, Clone)]
pub struct OAuthError {
    pub code: ErrorCode,
    pub description: String,
    /// Set when the client authenticated with the `Authorization: Basic` header (RFC 6749 §5.2),
    /// or for bearer-token errors (RFC 6750 §3).
    pub challenge: Option<Challenge>,
    /// Seconds, for 429 and 503 responses (`Retry-After`).
    pub retry_after: Option<u64>,
    /// A nonce for the client's next DPoP proof (`DPoP-Nonce`, RFC 9449 §8).
    pub dpop_nonce: Option<String>,
}

/// Which `WWW-Authenticate` challenge accompanies a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Challenge {
    Basic,
    Bearer,
    /// RFC 9449 §7.1: a resource's answer about a DPoP-bound token or its proof.
    Dpop,
}

/// The `algs` auth-param of a `DPoP` challenge (RFC 9449 §7.1).
pub const DPOP_CHALLENGE_ALGS: &str = "ES256 EdDSA PS256 RS256";

impl OAuthError {
    /// An error with a description that is safe to show (never a secret or token).
    pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            challenge: None,
            retry_after: None,
            dpop_nonce: None,
        }
    }

    pub fn invalid_request(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, d)
    }
    pub fn invalid_client(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidClient, d)
    }
    pub fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidGrant, d)
    }
    pub fn invalid_scope(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidScope, d)
    }
    pub fn unauthorized_client(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::UnauthorizedClient, d)
    }
    pub fn invalid_token(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidToken, d).with_challenge(Challenge::Bearer)
    }
    pub fn server_error() -> Self {
        Self::new(
            ErrorCode::ServerError,
            "the server could not complete the request",
        )
    }

    /// HTTP 429 for a client over its request rate, with `Retry-After` in whole seconds (at
    /// least 1). RFC 6749 has no code for this; `slow_down` is the token-endpoint error the IANA
    /// OAuth Extensions Error registry holds for "too many requests, wait" (RFC 8628 §3.5), and
    /// a device-grant client that reads it as a polling hint waits longer, which is right too;
    /// clients that only read the HTTP status see 429 (RFC 6585 §4). The device grant's own
    /// `slow_down` ([`OAuthError::slow_down`]) has no `Retry-After` and is a 400.
    pub fn rate_limited(retry_after: std::time::Duration) -> Self {
        let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
        Self::new(
            ErrorCode::SlowDown,
            "too many requests from this client, retry later",
        )
        .with_retry_after(secs.max(1))
    }

    /// RFC 8628 §3.5: a device polled sooner than its interval allows (400, as every RFC 6749
    /// §5.2 error; no `Retry-After`, which marks the rate limiter's 429).
    pub fn slow_down(d: impl Into<String>) -> Self {
        Self::new(ErrorCode::SlowDown, d)
    }

    /// Adds the `WWW-Authenticate` challenge.
    pub fn with_challenge(mut self, c: Challenge) -> Self {
        self.challenge = Some(c);
        self
    }

    /// The same error, telling the client to wait `secs` seconds before trying again.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// The same error, with a nonce for the next DPoP proof (`DPoP-Nonce`).
    pub fn with_dpop_nonce(mut self, nonce: Option<String>) -> Self {
        self.dpop_nonce = nonce;
        self
    }

    /// The HTTP status RFC 6749 §5.2 / RFC 6750 §3.1 give this error.
    pub fn status(&self) -> StatusCode {
        match self.code {
            ErrorCode::InvalidClient | ErrorCode::InvalidToken => StatusCode::UNAUTHORIZED,
            ErrorCode::InsufficientScope => StatusCode::FORBIDDEN,
            ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::SlowDown if self.retry_after.is_some() => StatusCode::TOO_MANY_REQUESTS,
            // RFC 9449 §7.1: a resource answers 401 with a `DPoP` challenge; `/token` 400 (§5).
            _ if self.challenge == Some(Challenge::Dpop) => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// Seconds a client is told to wait (`Retry-After`, RFC 9110 §10.2.3) when the database is
/// unavailable: long enough not to hammer a recovering database, short enough for a restart
/// or failover.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

impl From<StoreError> for OAuthError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(ref cause) => {
                tracing::warn!(error = %e, cause = %cause, "database unavailable");
                OAuthError::new(
                    ErrorCode::TemporarilyUnavailable,
                    "the database is unavailable, retry shortly",
                )
                .with_retry_after(UNAVAILABLE_RETRY_AFTER_SECS)
            }
            other => {
                tracing::error!(error = %other, "storage failure");
                OAuthError::server_error()
            }
        }
    }
}

impl From<crate::keys::KeyError> for OAuthError {
    fn from(e: crate::keys::KeyError) -> Self {
        match e {
            crate::keys::KeyError::Store(s) => s.into(),
            other => {
                tracing::error!(error = %other, "signing failure");
                OAuthError::server_error()
            }
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'static str,
    error_description: &'a str,
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorBody {
            error: self.code.as_str(),
            error_description: &self.description,
        };
        let mut resp = (status, axum::Json(body)).into_response();
        let h = resp.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        match self.challenge {
            Some(Challenge::Basic) => {
                h.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"tessera\""),
                );
            }
            Some(Challenge::Bearer) => {
                // RFC 6750 §3: error and description as auth-params (descriptions are ours: no quotes).
                let v = format!(
                    "Bearer realm=\"tessera\", error=\"{}\", error_description=\"{}\"",
                    self.code.as_str(),
                    self.description.replace(['"', '\\'], "'")
                );
                if let Ok(v) = HeaderValue::from_str(&v) {
                    h.insert(header::WWW_AUTHENTICATE, v);
                }
            }
            Some(Challenge::Dpop) => {
                let v = format!(
                    "DPoP algs=\"{DPOP_CHALLENGE_ALGS}\", error=\"{}\", error_description=\"{}\"",
                    self.code.as_str(),
                    self.description.replace(['"', '\\'], "'")
                );
                if let Ok(v) = HeaderValue::from_str(&v) {
                    h.insert(header::WWW_AUTHENTICATE, v);
                }
            }
            None => {}
        }
        if let Some(nonce) = &self.dpop_nonce
            && let Ok(v) = HeaderValue::from_str(nonce)
        {
            h.insert("dpop-nonce", v);
        }
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            h.insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

/// An error shown to a person as an HTML page. Its words are messages (`templates/locales/*/
/// errors.ftl`), translated when the page is rendered in the person's language
/// ([`crate::pages::localize`]), with the request id a person can give to support.
#[derive(Debug, Clone)]
pub struct PageError {
    pub status: StatusCode,
    pub title: Msg,
    pub message: Msg,
    /// Seconds for a `Retry-After` header (RFC 9110 §10.2.3), e.g. on a throttled sign-in; the
    /// page says how long that is.
    pub retry_after: Option<u64>,
}

impl PageError {
    /// The page for a database (or session store) that cannot be reached: 503, try again in
    /// [`UNAVAILABLE_RETRY_AFTER_SECS`].
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "error-unavailable-title",
            "error-unavailable",
        )
        .with_retry_after(UNAVAILABLE_RETRY_AFTER_SECS)
    }

    /// An error titled `title`, saying `message` (message ids, or [`Msg`]s with arguments).
    pub fn new(status: StatusCode, title: impl Into<Msg>, message: impl Into<Msg>) -> Self {
        Self {
            status,
            title: title.into(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same error, telling the client to wait `secs` seconds before trying again.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// 400 "This request cannot be completed", saying `message`.
    pub fn bad_request(message: impl Into<Msg>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "error-bad-request-title", message)
    }

    /// 400 for a protocol request a person's browser brought (a broken authorization or
    /// sign-out request): a translated sentence, with the protocol's own reason, in English.
    pub fn invalid_request(detail: impl Into<String>) -> Self {
        Self::bad_request(Msg::new("error-request-invalid").arg("detail", detail.into()))
    }

    /// 404 "Page not found".
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "error-not-found-title",
            "error-not-found",
        )
    }

    /// The message in English, for a log line or a protocol error body.
    pub fn english(&self) -> String {
        crate::i18n::Tr(crate::i18n::Locale::En).msg(&self.message)
    }

    /// 500 "Something went wrong" (the cause is logged, never shown).
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error-internal-title",
            "error-internal",
        )
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(ref cause) => {
                tracing::warn!(error = %e, cause = %cause, "database unavailable");
                PageError::unavailable()
            }
            other => {
                tracing::error!(error = %other, "storage failure");
                PageError::internal()
            }
        }
    }
}

impl From<crate::keys::KeyError> for PageError {
    fn from(e: crate::keys::KeyError) -> Self {
        match e {
            crate::keys::KeyError::Store(s) => s.into(),
            other => {
                tracing::error!(error = %other, "key failure");
                PageError::internal()
            }
        }
    }
}

impl IntoResponse for PageError {
    /// The status and `Retry-After` now; the page itself once the language is known
    /// ([`crate::pages::localize`] finds the error in the response's extensions).
    fn into_response(self) -> Response {
        let mut resp = self.status.into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp.extensions_mut().insert(self);
        resp
    }
}
