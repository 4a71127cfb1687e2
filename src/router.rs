//! The whole route table, in one place: which handler answers which path. Middleware (request
//! ids, tracing, limits, timeouts) is added in `server`.

use axum::Router;
use axum::routing::{get, post};

use crate::http::paths;
use crate::logout;
use crate::oauth::{authorize, discovery, introspect, jwks, revoke, token, userinfo};
use crate::ops::{health, metrics};
use crate::pages;
use crate::state::AppState;

/// The route table of the main listener.
pub fn router(state: AppState) -> Router {
    // Only the pages a browser visits carry the session cookie layer.
    let browser = Router::new()
        .route(paths::AUTHORIZE, get(authorize::get).post(authorize::post))
        .route(
            paths::LOGIN,
            get(pages::login::show).post(pages::login::submit),
        )
        .route(
            paths::CONSENT,
            get(pages::consent::show).post(pages::consent::submit),
        )
        .route(
            paths::FORGOT_PASSWORD,
            get(pages::email::forgot_show).post(pages::email::forgot_submit),
        )
        .route(
            paths::RESET_PASSWORD,
            get(pages::email::reset_show).post(pages::email::reset_submit),
        )
        .route(paths::VERIFY_EMAIL, get(pages::email::verify))
        .route(
            paths::END_SESSION,
            get(logout::endpoint::get).post(logout::endpoint::post),
        );
    let browser = state.sessions.apply(browser, &state.config);
    // `/metrics` on the main port only when no separate bind is configured.
    let metrics = state.config.metrics.enabled && state.config.metrics.bind.is_none();
    let main = if metrics {
        Router::new().route(paths::METRICS, get(metrics::serve))
    } else {
        Router::new()
    };
    main.merge(browser)
        .route(paths::HEALTHZ, get(health::healthz))
        .route(paths::READYZ, get(health::readyz))
        .route(
            paths::OPENID_CONFIGURATION,
            get(discovery::openid_configuration),
        )
        .route(
            paths::OAUTH_AUTHORIZATION_SERVER,
            get(discovery::oauth_authorization_server),
        )
        .route(paths::JWKS, get(jwks::jwks))
        .route(paths::JWKS_WELL_KNOWN, get(jwks::jwks))
        .route(paths::TOKEN, post(token::token))
        .route(paths::USERINFO, get(userinfo::get).post(userinfo::post))
        .route(paths::REVOKE, post(revoke::revoke))
        .route(paths::INTROSPECT, post(introspect::introspect))
        .route(paths::STYLESHEET, get(pages::stylesheet))
        .route(paths::FORM_POST_SCRIPT, get(pages::form_post_script))
        .fallback(pages::not_found)
        .with_state(state)
}

/// The route table of the separate metrics listener (`metrics.bind`): `/metrics` only.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route(paths::METRICS, get(metrics::serve))
        .with_state(state)
}
