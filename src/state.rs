//! The application state handlers receive: the services, built once at start-up. Nothing below
//! the handlers imports this module; services take only the parts they use.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::keys::KeyManager;
use crate::logout::backchannel::Notifier;
use crate::services::client_cache::ClientCache;
use crate::services::client_documents::ClientDocuments;
use crate::services::client_jwks::ClientJwks;
use crate::services::dpop::DpopService;
use crate::services::email::EmailService;
use crate::services::metadata;
use crate::services::metrics::Metrics;
use crate::services::passkeys::Passkeys;
use crate::services::people_cache::PeopleCache;
use crate::services::rate_limit::RateLimits;
use crate::services::revocation_list::RevocationList;
use crate::services::session::SessionStores;
use crate::services::session_activity::SessionActivity;
use crate::services::upstream::Upstreams;
use crate::store::Store;
use crate::tokens::TokenService;

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
    /// Where the time of day comes from (turned by tests).
    pub clock: Clock,
    pub store: Store,
    pub keys: KeyManager,
    /// Mints and verifies Tessera's own JWTs.
    pub tokens: TokenService,
    pub discovery: Arc<metadata::Documents>,
    /// Browser sessions (SSO), on the same database.
    pub sessions: SessionStores,
    /// When this instance last wrote each session's "last seen" (account page).
    pub session_activity: SessionActivity,
    /// Revoked access-token jtis, refreshed from the database by a background task.
    pub revocations: RevocationList,
    /// Clients' JWK Sets fetched from their jwks_uri (private_key_jwt), cached.
    pub client_jwks: ClientJwks,
    /// Client registrations and client roles, cached (see `client_cache` for how staleness is
    /// bounded).
    pub clients: ClientCache,
    /// Copies of users and remembered consents for single sign-on, trusted only by a write that
    /// checks them (see `people_cache`).
    pub people: PeopleCache,
    /// Delivers Back-Channel Logout tokens to clients.
    pub backchannel: Notifier,
    /// This instance's Prometheus registry.
    pub metrics: Metrics,
    /// Per-client request rates at the token and introspection endpoints (in memory).
    pub rate_limits: RateLimits,
    /// Verification and password-reset messages (off without `[email] smtp_url`).
    pub email: EmailService,
    /// The WebAuthn relying party (off when the issuer's host is an IP address).
    pub passkeys: Passkeys,
    /// DPoP proofs and nonces (RFC 9449).
    pub dpop: DpopService,
    /// Identity providers a person may sign in with instead (`[[upstream]]`).
    pub upstreams: Upstreams,
}

impl AppState {
    /// Builds the state from loaded parts.
    pub fn new(
        config: Config,
        clock: Clock,
        store: Store,
        keys: KeyManager,
        sessions: SessionStores,
        email: EmailService,
    ) -> Self {
        let discovery = Arc::new(metadata::Documents::build(&config, &keys));
        let tokens = TokenService::new(keys.clone(), &config);
        let clients = ClientCache::new(config.cache.client_ttl, config.cache.refresh_interval)
            .with_documents(ClientDocuments::from_config(&config, clock.clone()));
        let backchannel = Notifier::new(
            config.session.backchannel_logout_timeout,
            &config.session.backchannel_logout_retry_delays,
            store.clone(),
            tokens.clone(),
            clock.clone(),
        );
        let metrics = Metrics::new(keys.clone());
        let rate_limits = RateLimits::new(&config.rate_limit, clock.clone()).with_registrations(
            config.registration.open_registrations_per_ip_per_hour,
            clock.clone(),
        );
        let client_jwks = ClientJwks::new(clock.clone());
        let session_activity = SessionActivity::new(config.session.idle_timeout);
        let passkeys = Passkeys::new(config.issuer.as_str(), "Tessera");
        let dpop = DpopService::new(&config.dpop, &keys);
        let upstreams = Upstreams::from_config(&config, clock.clone());
        Self(Arc::new(Parts {
            config: Arc::new(config),
            clock: clock.clone(),
            store,
            keys,
            tokens,
            discovery,
            sessions,
            session_activity,
            revocations: RevocationList::new(clock),
            client_jwks,
            clients,
            people: PeopleCache::new(),
            backchannel,
            metrics,
            rate_limits,
            email,
            passkeys,
            dpop,
            upstreams,
        }))
    }

    /// Now, in Unix seconds, from the state's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}
