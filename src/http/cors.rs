//! CORS header mechanics (Fetch standard, "CORS protocol"): the public metadata's layer, and the
//! answers the per-client rule (`oauth::cors`) gives. Which origin is allowed is decided there.

use std::time::Duration;

use axum::body::Body;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
    VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};

/// How long a browser may reuse a preflight's answer.
pub const MAX_AGE: Duration = Duration::from_secs(600);

/// The request headers an app may send cross-origin: bearer tokens and client credentials,
/// form and JSON bodies, DPoP proofs (RFC 9449 §4.1).
pub const ALLOW_HEADERS: &str = "Authorization, Content-Type, DPoP";

/// Response headers an app may read besides the safelisted ones: the bearer challenge
/// (RFC 6750 §3) and a DPoP nonce (RFC 9449 §8).
const EXPOSE_HEADERS: &str = "WWW-Authenticate, DPoP-Nonce";

/// Discovery documents and the JWKS: public, so readable from any origin, without credentials.
pub fn public_metadata() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods(AllowMethods::list([Method::GET, Method::HEAD]))
        .allow_headers(AllowHeaders::any())
        .max_age(MAX_AGE)
}

/// The request's `Origin`, when it sent a usable one (`null` and non-text values are none).
pub fn request_origin(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
}

/// A CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
pub fn is_preflight(req: &Request<Body>) -> bool {
    req.method() == Method::OPTIONS
        && req.headers().contains_key(ORIGIN)
        && req.headers().contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// The answer to a preflight: 204, and the permissions only when `origin` is allowed; without
/// them the browser does not send the real request.
pub fn preflight(origin: Option<&str>, methods: &'static str) -> Response {
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Some(origin) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        let h = resp.headers_mut();
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(methods),
        );
        h.insert(
            ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        h.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from(MAX_AGE.as_secs()));
    }
    vary_origin(&mut resp);
    resp
}

/// Lets the page at `origin` read `resp`. Never `*` and never credentials: the app sends its
/// token or client_id itself, not cookies.
pub fn allow(resp: &mut Response, origin: &str) {
    let Ok(value) = HeaderValue::from_str(origin) else {
        return;
    };
    let h = resp.headers_mut();
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, value);
    h.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSE_HEADERS),
    );
}

/// The answer depends on `Origin`, so caches must key on it.
pub fn vary_origin(resp: &mut Response) {
    resp.headers_mut()
        .append(VARY, HeaderValue::from_static("Origin"));
}
