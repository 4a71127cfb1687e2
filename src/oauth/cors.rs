//! Which browser origins may read the answers of `/token`, `/revoke` and `/userinfo` (CORS).
//!
//! Rules, checked by [`per_client`] around those endpoints:
//! - A request's origin is allowed when it is allowed for the client the request is about: the
//!   client that authenticated at `/token` and `/revoke`, the client the bearer token was issued
//!   to at `/userinfo` ([`ClientRow::allows_origin`]). The handler names that client in the
//!   request's [`CorsSubject`] once it knows it, so its error answers (`invalid_grant`) are
//!   readable too.
//! - An error given before any client is known (unknown client, bad credentials, a malformed or
//!   expired token) is readable by an origin allowed for some registered client: it says nothing
//!   about a client, and the app must see it to recover.
//! - A preflight names no client: it is answered for an origin allowed for some registered
//!   client, and the real request is then checked.
//! - The answer is never `*`, never reflects an unregistered origin, and always says
//!   `Vary: Origin`.
//!
//! `/introspect` and the pages have no CORS at all (router.rs).

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use crate::http::cors;
use crate::state::AppState;
use crate::store::CorsUse;

/// The client a cross-origin request is about, named by the handler once it knows it.
#[derive(Debug, Clone, Default)]
pub struct CorsSubject(Arc<OnceLock<String>>);

impl CorsSubject {
    /// Names the client (the first name given counts).
    pub fn set(&self, client_id: &str) {
        let _ = self.0.set(client_id.to_string());
    }

    fn client_id(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

/// The subject [`per_client`] put in the request; outside it a slot nobody reads.
impl<S: Send + Sync> FromRequestParts<S> for CorsSubject {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(parts.extensions.get::<Self>().cloned().unwrap_or_default())
    }
}

/// What [`per_client`] needs to know about the endpoints it wraps.
#[derive(Clone)]
pub struct PerClient {
    state: AppState,
    /// `Access-Control-Allow-Methods` of the preflight.
    methods: &'static str,
    used: CorsUse,
}

impl PerClient {
    /// The rule for endpoints answering `methods`, where the client is known as `used` says.
    pub fn new(state: AppState, methods: &'static str, used: CorsUse) -> Self {
        Self {
            state,
            methods,
            used,
        }
    }
}

/// Middleware: answers preflights and adds the CORS headers an allowed origin gets.
pub async fn per_client(
    State(rule): State<PerClient>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let origin = cors::request_origin(req.headers()).map(str::to_string);
    if cors::is_preflight(&req) {
        let allowed = match &origin {
            Some(o) if registered(&rule.state, o).await => Some(o.as_str()),
            _ => None,
        };
        return cors::preflight(allowed, rule.methods);
    }
    let subject = CorsSubject::default();
    req.extensions_mut().insert(subject.clone());
    let mut resp = next.run(req).await;
    cors::vary_origin(&mut resp);
    if let Some(origin) = origin {
        let allowed = match subject.client_id() {
            Some(client_id) => allowed_for(&rule, client_id, &origin).await,
            None => resp.status().is_client_error() && registered(&rule.state, &origin).await,
        };
        if allowed {
            cors::allow(&mut resp, &origin);
        }
    }
    resp
}

/// Whether `origin` is allowed for the client `client_id`.
async fn allowed_for(rule: &PerClient, client_id: &str, origin: &str) -> bool {
    let state = &rule.state;
    let client = match state.clients.cached(client_id) {
        Some(c) => Some(c),
        None => match state.clients.load(&state.store, client_id).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the client for CORS; origin refused");
                None
            }
        },
    };
    client.is_some_and(|c| c.allows_origin(origin, rule.used))
}

/// Whether `origin` is allowed for some registered client.
async fn registered(state: &AppState, origin: &str) -> bool {
    state
        .clients
        .origin_registered(&state.store, origin)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not read the clients' origins; origin refused");
            false
        })
}
