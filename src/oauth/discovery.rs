//! `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3) and
//! `GET /.well-known/oauth-authorization-server` (RFC 8414 §3): the documents
//! `services::metadata` built at start-up, served as cached bytes.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Discovery changes only with the configuration (a restart), so an hour of caching is safe.
const DISCOVERY_CACHE_CONTROL: &str = "public, max-age=3600";

fn json_response(body: bytes::Bytes) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(DISCOVERY_CACHE_CONTROL),
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
