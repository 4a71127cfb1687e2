//! SCIM's error response (RFC 7644 §3.12): `schemas`, `status` as a string, `scimType` where
//! one applies, and a `detail` that never echoes a secret.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

use super::wire::SCIM_JSON;

/// The schema URI of an error response.
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// A `scimType` (RFC 7644 §3.12, table 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimType {
    InvalidFilter,
    TooMany,
    Uniqueness,
    Mutability,
    InvalidSyntax,
    InvalidPath,
    NoTarget,
    InvalidValue,
    InvalidVers,
}

impl ScimType {
    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidFilter => "invalidFilter",
            Self::TooMany => "tooMany",
            Self::Uniqueness => "uniqueness",
            Self::Mutability => "mutability",
            Self::InvalidSyntax => "invalidSyntax",
            Self::InvalidPath => "invalidPath",
            Self::NoTarget => "noTarget",
            Self::InvalidValue => "invalidValue",
            Self::InvalidVers => "invalidVers",
        }
    }
}

/// Which RFC 6750 challenge a 401 or 403 carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Challenge {
    None,
    InvalidToken,
    InsufficientScope,
}

/// An error answered in SCIM's format.
#[derive(Debug)]
pub struct ScimError {
    status: StatusCode,
    scim_type: Option<ScimType>,
    detail: String,
    challenge: Challenge,
}

impl ScimError {
    /// A 400 with its `scimType`.
    pub fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    /// Any status; `scim_type` only where RFC 7644 names one.
    pub fn new(status: StatusCode, scim_type: Option<ScimType>, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
            challenge: Challenge::None,
        }
    }

    /// 401: no token, or one that is not a valid Tessera access token (RFC 6750 §3.1).
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self {
            challenge: Challenge::InvalidToken,
            ..Self::new(StatusCode::UNAUTHORIZED, None, detail)
        }
    }

    /// 403: a valid token without the permission (RFC 6750 §3.1 `insufficient_scope`).
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self {
            challenge: Challenge::InsufficientScope,
            ..Self::new(StatusCode::FORBIDDEN, None, detail)
        }
    }

    /// 404 for a resource id that does not exist.
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, None, format!("no such {what}"))
    }

    /// 412: the version named in `If-Match` is not the current one (RFC 7644 §3.14).
    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            None,
            "the resource has changed since the version given in If-Match",
        )
    }

    /// Whether this is the 412 of a version that changed.
    pub fn is_precondition_failed(&self) -> bool {
        self.status == StatusCode::PRECONDITION_FAILED
    }

    /// 409 `uniqueness`.
    pub fn taken(attribute: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            Some(ScimType::Uniqueness),
            format!("another resource has this {attribute} (compared ignoring case)"),
        )
    }

    /// 500, the cause logged, not shown.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "SCIM request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, None, "internal error")
    }

    /// The body of an error response.
    pub fn body(
        status: StatusCode,
        scim_type: Option<ScimType>,
        detail: &str,
    ) -> serde_json::Value {
        let mut body = serde_json::json!({
            "schemas": [ERROR_SCHEMA],
            "status": status.as_u16().to_string(),
            "detail": detail,
        });
        if let Some(t) = scim_type {
            body["scimType"] = t.as_str().into();
        }
        body
    }
}

impl From<StoreError> for ScimError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                "the database is unavailable; try again",
            ),
            StoreError::Conflict(what) => Self::taken(what),
            other => Self::internal(&other),
        }
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let body = Self::body(self.status, self.scim_type, &self.detail).to_string();
        let mut resp = (self.status, body).into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
        let challenge = match self.challenge {
            Challenge::None => None,
            Challenge::InvalidToken => Some("Bearer error=\"invalid_token\""),
            Challenge::InsufficientScope => Some("Bearer error=\"insufficient_scope\""),
        };
        if let Some(c) = challenge {
            h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(c));
        }
        resp
    }
}
