//! `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3) and
//! `GET /.well-known/oauth-authorization-server` (RFC 8414 §2). Both documents are built once at
//! start-up from the configuration and the path constants, and served as cached bytes.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::AppState;
use crate::config::Config;
use crate::keys::KeyManager;
use crate::paths;

/// Scopes Tessera understands, advertised in `scopes_supported`.
pub const SCOPES_SUPPORTED: &[&str] = &[
    "openid",
    "profile",
    "email",
    "offline_access",
    "roles",
    "groups",
];

/// Claims Tessera can return, advertised in `claims_supported`.
pub const CLAIMS_SUPPORTED: &[&str] = &[
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "at_hash",
    "azp",
    "sid",
    "amr",
    "name",
    "preferred_username",
    "email",
    "email_verified",
    "roles",
    "permissions",
    "groups",
];

/// Client authentication methods at the token, revocation and introspection endpoints.
pub const AUTH_METHODS_SUPPORTED: &[&str] = &[
    "client_secret_basic",
    "client_secret_post",
    "private_key_jwt",
    "none",
];

/// The two pre-serialised discovery documents.
#[derive(Debug)]
pub struct Documents {
    openid: bytes::Bytes,
    oauth: bytes::Bytes,
}

impl Documents {
    /// Builds both documents. They share every field (RFC 8414 §2 allows the OIDC ones).
    pub fn build(config: &Config, keys: &KeyManager) -> Self {
        let issuer = config.issuer.as_str();
        let url = |path: &str| format!("{issuer}{path}");
        let algs: Vec<&str> = keys.algorithms().iter().map(|a| a.name()).collect();
        let doc = json!({
            "issuer": issuer,
            "authorization_endpoint": url(paths::AUTHORIZE),
            "token_endpoint": url(paths::TOKEN),
            "userinfo_endpoint": url(paths::USERINFO),
            "jwks_uri": url(paths::JWKS),
            "revocation_endpoint": url(paths::REVOKE),
            "introspection_endpoint": url(paths::INTROSPECT),
            "end_session_endpoint": url(paths::END_SESSION),
            "scopes_supported": SCOPES_SUPPORTED,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": algs,
            "userinfo_signing_alg_values_supported": ["none"],
            "token_endpoint_auth_methods_supported": AUTH_METHODS_SUPPORTED,
            "token_endpoint_auth_signing_alg_values_supported": algs,
            "revocation_endpoint_auth_methods_supported": AUTH_METHODS_SUPPORTED,
            "revocation_endpoint_auth_signing_alg_values_supported": algs,
            "introspection_endpoint_auth_methods_supported": AUTH_METHODS_SUPPORTED,
            "introspection_endpoint_auth_signing_alg_values_supported": algs,
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": CLAIMS_SUPPORTED,
            "claims_parameter_supported": false,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
            "require_request_uri_registration": false,
            "prompt_values_supported": ["none", "login", "consent", "select_account"],
            "authorization_response_iss_parameter_supported": true,
            "frontchannel_logout_supported": false,
        });
        let bytes = bytes::Bytes::from(serde_json::to_vec(&doc).unwrap_or_default());
        Self {
            openid: bytes.clone(),
            oauth: bytes,
        }
    }
}

fn json_response(body: bytes::Bytes) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

/// OpenID Connect Discovery 1.0 §4.
pub async fn openid_configuration(State(state): State<AppState>) -> Response {
    json_response(state.discovery.openid.clone())
}

/// RFC 8414 §3.
pub async fn oauth_authorization_server(State(state): State<AppState>) -> Response {
    json_response(state.discovery.oauth.clone())
}
