//! An example resource server for Tessera: it accepts Tessera JWT access tokens (RFC 9068),
//! verified offline with Tessera's JWKS, and protects each route by a permission carried in the
//! token's `permissions` claim. Errors follow RFC 6750 §3. DPoP-bound tokens (RFC 9449 §7) are
//! accepted only with the `DPoP` scheme and a proof by their key.

pub mod dpop;
mod gateway;
mod verifier;

pub use gateway::{Gateway, gateway_app};
pub use verifier::{AccessClaims, Rejection, Verifier};

use std::sync::Arc;

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Builds the service: `GET /reports` needs `reports:read`, `POST /reports` needs
/// `reports:write`, `GET /me` needs only a valid token and says whom it names (`sub`, and
/// `act` when a service acts for the person, RFC 8693 §4.1).
pub fn app(verifier: Verifier) -> Router {
    Router::new()
        .route("/reports", get(list_reports).post(create_report))
        .route("/me", get(me))
        .with_state(Arc::new(verifier))
}

/// The `algs` of a `DPoP` challenge.
const DPOP_ALGS: &str = "ES256 EdDSA PS256 RS256";

/// As [`app`], readable by browser apps at `origins` (CORS): a single-page app calls it with its
/// access token in `Authorization`, which needs a preflight. No cookies are involved, so no
/// credentials are allowed; `WWW-Authenticate` is exposed so the app can read a refusal.
pub fn app_with_origins(verifier: Verifier, origins: Vec<HeaderValue>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("dpop"),
        ])
        .expose_headers([header::WWW_AUTHENTICATE])
        .max_age(std::time::Duration::from_secs(600));
    app(verifier).layer(cors)
}

/// A request whose bearer token verified.
pub struct Authenticated(pub AccessClaims);

/// A refusal as RFC 6750 §3 describes it.
pub enum AuthError {
    /// No token at all: 401 with a bare challenge (§3.1: no error code).
    Missing,
    /// 401 `invalid_token`.
    Invalid(String),
    /// 403 `insufficient_scope`, naming what was needed.
    Forbidden(&'static str),
    /// 401 with a `DPoP` challenge (RFC 9449 §7.1): the error code and why.
    Dpop(&'static str, String),
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let (status, challenge, body) = match self {
            AuthError::Missing => (
                StatusCode::UNAUTHORIZED,
                "Bearer realm=\"example\"".to_string(),
                json!({"error": "invalid_request", "error_description": "a bearer token is required"}),
            ),
            AuthError::Invalid(why) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "Bearer realm=\"example\", error=\"invalid_token\", error_description=\"{}\"",
                    why.replace('"', "'")
                ),
                json!({"error": "invalid_token", "error_description": why}),
            ),
            AuthError::Forbidden(perm) => (
                StatusCode::FORBIDDEN,
                format!("Bearer realm=\"example\", error=\"insufficient_scope\", scope=\"{perm}\""),
                json!({"error": "insufficient_scope", "error_description": format!("requires permission {perm}")}),
            ),
            AuthError::Dpop(code, why) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "DPoP algs=\"{DPOP_ALGS}\", error=\"{code}\", error_description=\"{}\"",
                    why.replace('"', "'")
                ),
                json!({"error": code, "error_description": why}),
            ),
        };
        let mut resp = (status, Json(body)).into_response();
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        resp
    }
}

impl FromRequestParts<Arc<Verifier>> for Authenticated {
    type Rejection = AuthError;

    async fn from_request_parts(
        parts: &mut Parts,
        verifier: &Arc<Verifier>,
    ) -> Result<Self, AuthError> {
        let (scheme, token) = presented_token(&parts.headers)?;
        let claims = verifier
            .verify(token)
            .await
            .map_err(|e| AuthError::Invalid(e.to_string()))?;
        let jkt = claims.cnf.as_ref().map(|c| c.jkt.as_str());
        match (scheme, jkt) {
            (Scheme::Bearer, None) => {}
            (Scheme::Bearer, Some(_)) => {
                return Err(AuthError::Dpop(
                    "invalid_token",
                    "the token is DPoP-bound: use the DPoP scheme with a proof".into(),
                ));
            }
            (Scheme::Dpop, None) => {
                return Err(AuthError::Dpop(
                    "invalid_token",
                    "the token is not DPoP-bound".into(),
                ));
            }
            (Scheme::Dpop, Some(jkt)) => check_proof(parts, verifier, token, jkt)?,
        }
        Ok(Authenticated(claims))
    }
}

/// How the token came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Bearer,
    Dpop,
}

/// The token of `Authorization: Bearer` or `Authorization: DPoP`.
pub fn presented_token(headers: &axum::http::HeaderMap) -> Result<(Scheme, &str), AuthError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(AuthError::Missing)?;
    let dpop = value.to_str().ok().and_then(|v| {
        v.split_once(' ')
            .filter(|(s, _)| s.eq_ignore_ascii_case("dpop"))
            .map(|(_, t)| t.trim())
    });
    match dpop {
        Some(token) => Ok((Scheme::Dpop, token)),
        None => bearer_token(headers).map(|t| (Scheme::Bearer, t)),
    }
}

/// RFC 9449 §7.1: one proof, for this request and this token, by the token's key.
fn check_proof(
    parts: &Parts,
    verifier: &Verifier,
    token: &str,
    jkt: &str,
) -> Result<(), AuthError> {
    let refuse = |why: String| AuthError::Dpop("invalid_dpop_proof", why);
    let mut proofs = parts.headers.get_all("dpop").iter();
    let (Some(proof), None) = (proofs.next(), proofs.next()) else {
        return Err(refuse("exactly one DPoP proof is required".into()));
    };
    let proof = proof
        .to_str()
        .map_err(|_| refuse("malformed DPoP proof".into()))?;
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let base = verifier
        .public_url()
        .map_or_else(|| format!("http://{host}"), str::to_string);
    let url = format!("{base}{}", parts.uri.path());
    // An example service has no injected clock (Tessera's own code reads it in one place).
    #[allow(clippy::disallowed_methods)]
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let expected = dpop::Expected {
        method: parts.method.as_str(),
        url: &url,
        access_token: token,
        jkt,
        now,
    };
    verifier
        .seen_proofs()
        .check(proof, &expected)
        .map_err(refuse)
}

/// The bearer token of a request (RFC 6750 §2.1).
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Result<&str, AuthError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(AuthError::Missing)?;
    value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or_else(|| AuthError::Invalid("use the Bearer scheme".into()))
}

impl Authenticated {
    /// 403 unless the token carries `permission`.
    pub fn require(&self, permission: &'static str) -> Result<(), AuthError> {
        if self.0.permissions.iter().any(|p| p == permission) {
            Ok(())
        } else {
            Err(AuthError::Forbidden(permission))
        }
    }
}

async fn list_reports(auth: Authenticated) -> Result<Json<serde_json::Value>, AuthError> {
    auth.require("reports:read")?;
    Ok(Json(
        json!({"reports": [{"id": 1, "title": "Quarterly numbers"}], "for": auth.0.sub}),
    ))
}

async fn create_report(
    auth: Authenticated,
) -> Result<(StatusCode, Json<serde_json::Value>), AuthError> {
    auth.require("reports:write")?;
    Ok((StatusCode::CREATED, Json(json!({"created": true}))))
}

async fn me(State(_): State<Arc<Verifier>>, auth: Authenticated) -> Json<serde_json::Value> {
    Json(
        json!({"sub": auth.0.sub, "client_id": auth.0.client_id, "roles": auth.0.roles, "permissions": auth.0.permissions, "act": auth.0.act}),
    )
}
