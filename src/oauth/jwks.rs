//! `GET /jwks` (RFC 7517 §5): the public signing keys, pre-serialised, with an ETag.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;

/// How long clients may cache the JWKS. A next key is published for a whole rotation interval
/// (days) before it signs, so five minutes is far below that.
pub const JWKS_MAX_AGE_SECS: u64 = 300;

/// Serves the JWKS; `If-None-Match` with the current ETag gets 304.
pub async fn jwks(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let jwks = state.keys.jwks();
    let etag = HeaderValue::from_str(&jwks.etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let cache = HeaderValue::from_static("public, max-age=300");
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == jwks.etag || t.trim() == "*")
        });
    if matches {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/jwk-set+json"),
            ),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        jwks.body.clone(),
    )
        .into_response()
}
