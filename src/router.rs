//! The whole route table, in one place: which handler answers which path. Middleware (request
//! ids, tracing, limits, timeouts) is added in `server`.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{any, get, post};

use crate::config::RegistrationMode;

use crate::account;
use crate::http::{cors, paths};
use crate::logout;
use crate::oauth::cors::{PerClient, per_client};
use crate::oauth::{
    authorize, device_authorization, discovery, introspect, jwks, par, registration, revoke, token,
    userinfo,
};
use crate::ops::{health, metrics};
use crate::pages;
use crate::scim;
use crate::state::AppState;
use crate::store::CorsUse;

/// The route table of the main listener.
pub fn router(state: AppState) -> Router {
    // Only the pages a browser visits carry the session cookie layer.
    let browser = Router::new()
        .route(paths::AUTHORIZE, get(authorize::get).post(authorize::post))
        .route(
            paths::LOGIN,
            get(pages::login::show).post(pages::login::submit),
        )
        .route(paths::UPSTREAM_START, post(pages::upstream::start))
        .route(paths::UPSTREAM_CALLBACK, get(pages::upstream::callback))
        .route(
            paths::LOGIN_OTP,
            get(pages::second_step::show).post(pages::second_step::submit),
        )
        .route(
            paths::LOGIN_ENROLL,
            get(pages::enroll::show).post(pages::enroll::submit),
        )
        .route(
            paths::CONSENT,
            get(pages::consent::show).post(pages::consent::submit),
        )
        .route(paths::NOT_YOU, get(logout::not_you::not_you))
        .route(
            paths::DEVICE,
            get(pages::device::show).post(pages::device::submit),
        )
        .route(
            paths::FORGOT_PASSWORD,
            get(account::email::forgot_show).post(account::email::forgot_submit),
        )
        .route(
            paths::RESET_PASSWORD,
            get(account::email::reset_show).post(account::email::reset_submit),
        )
        .route(paths::VERIFY_EMAIL, get(account::email::verify))
        .route(
            paths::END_SESSION,
            get(logout::endpoint::get).post(logout::endpoint::post),
        )
        .route(paths::ACCOUNT, get(account::show))
        .route(paths::ACCOUNT_PASSWORD, post(account::password::change))
        .route(paths::ACCOUNT_EMAIL, post(account::profile::change_email))
        .route(
            paths::ACCOUNT_SEND_VERIFICATION,
            post(account::profile::send_verification),
        )
        .route(paths::ACCOUNT_REVOKE_APP, post(account::apps::revoke))
        .route(paths::ACCOUNT_END_SESSION, post(account::sessions::end))
        .route(
            paths::ACCOUNT_END_ALL_SESSIONS,
            post(account::sessions::end_all),
        )
        .route(paths::ACCOUNT_TOTP, post(account::totp::confirm))
        .route(
            paths::ACCOUNT_TOTP_RECOVERY_CODES,
            post(account::totp::regenerate),
        )
        .route(paths::ACCOUNT_TOTP_REMOVE, post(account::totp::remove))
        .route(
            paths::ACCOUNT_UPSTREAMS_REMOVE,
            post(account::upstreams::remove),
        )
        .route(
            paths::ACCOUNT_PASSKEYS_OPTIONS,
            post(account::passkeys::options),
        )
        .route(paths::ACCOUNT_PASSKEYS, post(account::passkeys::add))
        .route(
            paths::ACCOUNT_PASSKEYS_REMOVE,
            post(account::passkeys::remove),
        )
        .route(
            paths::LOGIN_PASSKEY,
            get(pages::passkey::show).post(pages::passkey::submit),
        )
        .route(paths::LOGIN_PASSKEY_OPTIONS, post(pages::passkey::options))
        .layer(from_fn_with_state(
            authorize::UpstreamOrigins::of(&state.config),
            authorize::form_targets,
        ));
    let browser =
        state
            .sessions
            .apply(browser, &state.config)
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                pages::localize,
            ));
    // The stylesheet, scripts, icon and logo, read once now (start-up: a folder that cannot be
    // read stops it).
    let assets = pages::assets::Assets::load(&state.config.ui).expect("[ui] assets");
    let assets = Router::new()
        .route(paths::STYLESHEET, get(pages::assets::serve))
        .route(paths::FORM_POST_SCRIPT, get(pages::assets::serve))
        .route(paths::PASSKEY_SCRIPT, get(pages::assets::serve))
        .route(paths::ASSET, get(pages::assets::serve))
        .route(paths::FAVICON, get(pages::assets::favicon))
        .with_state(assets);
    // `/metrics` on the main port only when no separate bind is configured.
    let metrics = state.config.metrics.enabled && state.config.metrics.bind.is_none();
    let main = if metrics {
        Router::new().route(paths::METRICS, get(metrics::serve))
    } else {
        Router::new()
    };
    // CORS (oauth/cors.rs): the public metadata to any origin; the endpoints a browser app
    // calls to the origins of the client it calls for; introspection and the pages to none.
    let public_metadata = Router::new()
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
        .layer(cors::public_metadata());
    let rule = |methods, used| {
        from_fn_with_state(PerClient::new(state.clone(), methods, used), per_client)
    };
    let client_authenticated = Router::new()
        .route(paths::TOKEN, post(token::token))
        .route(paths::REVOKE, post(revoke::revoke))
        .route(
            paths::DEVICE_AUTHORIZATION,
            post(device_authorization::device_authorization),
        )
        .route(paths::PAR, post(par::par))
        .layer(rule("POST", CorsUse::ClientAuthenticated));
    let bearer = Router::new()
        .route(paths::USERINFO, get(userinfo::get).post(userinfo::post))
        .layer(rule("GET, POST", CorsUse::BearerToken));
    // Dynamic client registration exists only when the operator turned it on (404 otherwise).
    let registration = if state.config.registration.mode == RegistrationMode::Off {
        Router::new()
    } else {
        Router::new()
            .route(paths::REGISTER, post(registration::register))
            .route(
                paths::REGISTER_CLIENT,
                get(registration::get)
                    .put(registration::put)
                    .delete(registration::delete),
            )
    };
    // SCIM 2.0 (RFC 7644 §3.2): provisioning, authorised by Tessera's own access tokens.
    let scim = Router::new()
        .route(
            paths::SCIM_USERS,
            get(scim::users::list).post(scim::users::create),
        )
        .route(paths::SCIM_SEARCH, post(scim::discovery::search_all))
        .route(paths::SCIM_USERS_SEARCH, post(scim::users::search))
        .route(paths::SCIM_GROUPS_SEARCH, post(scim::groups::search))
        .route(
            paths::SCIM_USER,
            get(scim::users::get)
                .put(scim::users::replace)
                .patch(scim::users::patch)
                .delete(scim::users::delete),
        )
        .route(
            paths::SCIM_GROUPS,
            get(scim::groups::list).post(scim::groups::create),
        )
        .route(
            paths::SCIM_GROUP,
            get(scim::groups::get)
                .put(scim::groups::replace)
                .patch(scim::groups::patch)
                .delete(scim::groups::delete),
        )
        .route(
            paths::SCIM_SERVICE_PROVIDER_CONFIG,
            get(scim::discovery::service_provider_config),
        )
        .route(
            paths::SCIM_RESOURCE_TYPES,
            get(scim::discovery::resource_types),
        )
        .route(
            paths::SCIM_RESOURCE_TYPE,
            get(scim::discovery::resource_type_by_id),
        )
        .route(paths::SCIM_SCHEMAS, get(scim::discovery::schemas))
        .route(paths::SCIM_SCHEMA, get(scim::discovery::schema_by_id))
        .route(paths::SCIM_ANY, any(scim::discovery::unknown));
    main.merge(browser)
        .merge(assets)
        .merge(public_metadata)
        .merge(scim)
        .merge(registration)
        .merge(client_authenticated)
        .merge(bearer)
        .route(paths::HEALTHZ, get(health::healthz))
        .route(paths::READYZ, get(health::readyz))
        .route(paths::INTROSPECT, post(introspect::introspect))
        .fallback(pages::not_found)
        .with_state(state)
}

/// The route table of the separate metrics listener (`metrics.bind`): `/metrics` only.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route(paths::METRICS, get(metrics::serve))
        .with_state(state)
}
