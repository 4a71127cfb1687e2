//! `GET /jwks` (RFC 7517 §5): the public signing keys, pre-serialised, with an ETag.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// How long clients may cache the JWKS. A next key is published for a whole rotation interval
/// (at least an hour, 30 days by default) before it signs, so five minutes is far below that.
pub const JWKS_MAX_AGE_SECS: u64 = 300;

/// The `Cache-Control` value; must say [`JWKS_MAX_AGE_SECS`] (checked by a test below).
const JWKS_CACHE_CONTROL: &str = "public, max-age=300";

/// Serves the JWKS; `If-None-Match` with the current ETag gets 304.
pub async fn jwks(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let jwks = state.keys.jwks();
    let etag = HeaderValue::from_str(&jwks.etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let cache = HeaderValue::from_static(JWKS_CACHE_CONTROL);
    // RFC 9110 §13.1.2: If-None-Match uses the weak comparison, so `W/"x"` matches `"x"`.
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == jwks.etag);
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

#[cfg(test)]
mod tests {
    #[test]
    fn cache_control_says_the_max_age_constant() {
        assert_eq!(
            super::JWKS_CACHE_CONTROL,
            format!("public, max-age={}", super::JWKS_MAX_AGE_SECS)
        );
    }
}
