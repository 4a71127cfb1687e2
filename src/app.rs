//! Application state and the whole route table, in one place.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::client_cache::ClientCache;
use crate::config::Config;
use crate::keys::KeyManager;
use crate::metrics::{self, Metrics};
use crate::oauth::backchannel::Notifier;
use crate::oauth::client_jwks::ClientJwks;
use crate::oauth::rate_limit::RateLimits;
use crate::oauth::revocation::RevocationList;
use crate::oauth::{authorize, discovery, health, introspect, jwks, revoke, token, userinfo};
use crate::pages;
use crate::paths;
use crate::session::SessionStores;
use crate::store::Store;

/// Everything a handler may need. Cloned for every request (each `State` extractor and
/// middleware takes its own copy), so it is one `Arc`: one reference count to bump, not one per
/// part.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Parts>);

impl std::ops::Deref for AppState {
    type Target = Parts;
    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// What [`AppState`] holds.
#[derive(Debug)]
pub struct Parts {
    pub config: Arc<Config>,
    pub store: Store,
    pub keys: KeyManager,
    pub discovery: Arc<discovery::Documents>,
    /// Browser sessions (SSO), on the same database.
    pub sessions: SessionStores,
    /// Revoked access-token jtis, refreshed from the database by a background task.
    pub revocations: RevocationList,
    /// Clients' JWK Sets fetched from their jwks_uri (private_key_jwt), cached.
    pub client_jwks: ClientJwks,
    /// Client registrations and client roles, cached (see `client_cache` for how staleness is
    /// bounded).
    pub clients: ClientCache,
    /// Delivers Back-Channel Logout tokens to clients.
    pub backchannel: Notifier,
    /// This instance's Prometheus registry.
    pub metrics: Metrics,
    /// Per-client request rates at the token and introspection endpoints (in memory).
    pub rate_limits: RateLimits,
}

impl AppState {
    /// Builds the state from loaded parts.
    pub fn new(config: Config, store: Store, keys: KeyManager, sessions: SessionStores) -> Self {
        let discovery = Arc::new(discovery::Documents::build(&config, &keys));
        let clients = ClientCache::new(config.cache.client_ttl);
        let backchannel = Notifier::new(config.session.backchannel_logout_timeout);
        let metrics = Metrics::new(keys.clone());
        let rate_limits = RateLimits::new(&config.rate_limit);
        Self(Arc::new(Parts {
            config: Arc::new(config),
            store,
            keys,
            discovery,
            sessions,
            revocations: RevocationList::default(),
            client_jwks: ClientJwks::default(),
            clients,
            backchannel,
            metrics,
            rate_limits,
        }))
    }
}

/// The route table. Middleware (request ids, tracing, limits, timeouts) is added in `server`.
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
            paths::END_SESSION,
            get(pages::logout::get).post(pages::logout::post),
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
