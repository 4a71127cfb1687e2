//! The envelope every request travels in: one middleware that does, around the handler, what
//! every request needs.
//!
//! 1. **Request id**: the caller's `X-Request-Id` if it sent one, else a fresh UUID; echoed on
//!    the response.
//! 2. **Client address**: [`ClientIp`], from the peer and `server.trusted_proxies`
//!    (`client_ip.rs`), for handlers and the span.
//! 3. **Tracing span** `request` (request_id, ip, method, path): every event of the request, the
//!    audit trail included, carries it.
//! 4. **Metrics**: count and latency by method, matched route and final status, and the audit
//!    counters' registry in scope (`metrics.rs`).
//! 5. **Run to completion**: the handler runs in its own task, so a client that disconnects or
//!    a request that times out never cancels it half-way. Cancelling a future that holds a
//!    database transaction can hand the connection back to the pool inside an open transaction
//!    (sqlx cannot roll back from a dropped `begin`): the next request on it then fails with
//!    "there is already a transaction in progress" and waits on the locks it still holds until
//!    the statement timeout (seen under `bench/cluster.sh` when wrk closed its connections).
//! 6. **Timeout**: `408 Request Timeout` after `server.request_timeout`; the handler's task
//!    finishes on its own and its answer is dropped.
//! 7. **Body limit**: `413 Payload Too Large` past `server.max_body_bytes` (tower-http's
//!    `RequestBodyLimit`, composed inside the envelope by [`layer`]).
//! 8. **Security headers**: `X-Content-Type-Options: nosniff`, and HSTS when the issuer is https,
//!    unless the handler set them.
//!
//! One service rather than eight layers (tower-http's and `from_fn`s): each layer boxed the
//! request's future once more and walked the extensions again, a cost measured in bench/README.md.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::layer::util::{Identity, Stack};
use tower::{Layer, Service, ServiceExt};
use tower_http::limit::RequestBodyLimitLayer;
use tracing::Instrument;

use crate::config::Config;
use crate::config::TrustedProxies;
use crate::http::client_ip::ClientIp;
use crate::services::metrics::Metrics;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the envelope needs, shared by every request.
struct Settings {
    proxies: TrustedProxies,
    /// `Strict-Transport-Security`, only when the issuer is https: on plain http it would be
    /// ignored or, worse, pin a development host (RFC 6797 §7.2).
    hsts: Option<HeaderValue>,
    timeout: Duration,
    metrics: Metrics,
}

/// The envelope with the body limit inside it, as one [`Layer`].
pub type EnvelopeLayer = Stack<RequestBodyLimitLayer, Stack<Envelope, Identity>>;

/// The whole envelope: apply it with `Router::layer`, so it runs after routing and sees the
/// matched route.
pub fn layer(config: &Config, metrics: Metrics) -> EnvelopeLayer {
    tower::ServiceBuilder::new()
        .layer(Envelope::new(config, metrics))
        .layer(RequestBodyLimitLayer::new(config.server.max_body_bytes))
        .into_inner()
}

/// The envelope alone.
#[derive(Clone)]
pub struct Envelope(Arc<Settings>);

impl Envelope {
    pub fn new(config: &Config, metrics: Metrics) -> Self {
        Self(Arc::new(Settings {
            proxies: config.server.trusted_proxies.clone(),
            hsts: config
                .is_https()
                .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
            timeout: config.server.request_timeout,
            metrics,
        }))
    }
}

impl<S> Layer<S> for Envelope {
    type Service = EnvelopeService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        EnvelopeService {
            inner,
            settings: self.0.clone(),
        }
    }
}

/// The envelope around one service (a route of the router).
#[derive(Clone)]
pub struct EnvelopeService<S> {
    inner: S,
    settings: Arc<Settings>,
}

impl<S> Service<Request<Body>> for EnvelopeService<S>
where
    S: Service<Request<Body>, Error = Infallible> + Clone + Send + 'static,
    S::Response: IntoResponse,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The inner service is driven with `oneshot`, which waits for its readiness.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request<Body>) -> Self::Future {
        let settings = self.settings.clone();
        let timer = settings.metrics.start_request(&req);
        let request_id = request_id(&mut req);
        let ip = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| ClientIp(settings.proxies.client_ip(c.0.ip(), req.headers())));
        if let Some(ip) = ip {
            req.extensions_mut().insert(ip);
        }
        let ip: &dyn std::fmt::Display = match &ip {
            Some(ip) => ip,
            None => &"-",
        };
        let span = tracing::info_span!(
            "request",
            request_id = request_id.to_str().unwrap_or("-"),
            ip = %ip,
            method = %req.method(),
            path = req.uri().path(),
        );
        let inner = self.inner.clone();
        let handler = settings
            .metrics
            .scope(async move {
                let Ok(resp) = inner.oneshot(req).await;
                resp.into_response()
            })
            .instrument(span.clone());
        Box::pin(async move {
            let mut resp = match tokio::time::timeout(settings.timeout, tokio::spawn(handler)).await
            {
                Ok(Ok(resp)) => resp,
                Ok(Err(panic)) => {
                    tracing::error!(parent: &span, error = %panic, "request handler failed");
                    StatusCode::INTERNAL_SERVER_ERROR.into_response()
                }
                Err(_elapsed) => StatusCode::REQUEST_TIMEOUT.into_response(),
            };
            let status = resp.status();
            let headers = resp.headers_mut();
            headers.insert(REQUEST_ID, request_id);
            headers
                .entry(header::X_CONTENT_TYPE_OPTIONS)
                .or_insert(HeaderValue::from_static("nosniff"));
            if let Some(hsts) = &settings.hsts {
                headers
                    .entry(header::STRICT_TRANSPORT_SECURITY)
                    .or_insert_with(|| hsts.clone());
            }
            let latency = settings.metrics.finish_request(timer, status);
            if status.is_server_error() {
                tracing::error!(parent: &span, status = status.as_u16(), ?latency, "request failed");
            } else {
                tracing::debug!(parent: &span, status = status.as_u16(), ?latency, "request finished");
            }
            Ok(resp)
        })
    }
}

/// Longest caller-supplied request id kept (a UUID is 36 characters).
const MAX_REQUEST_ID_LEN: usize = 64;

/// The request's id: the caller's `X-Request-Id` when it sent a usable one (at most
/// [`MAX_REQUEST_ID_LEN`] visible ASCII characters, so it cannot flood or forge log lines),
/// else a fresh UUID, which is then set on the request for the handlers to see.
fn request_id(req: &mut Request<Body>) -> HeaderValue {
    if let Some(id) = req.headers().get(REQUEST_ID)
        && usable_request_id(id.as_bytes())
    {
        return id.clone();
    }
    let mut buf = uuid::Uuid::encode_buffer();
    let id = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buf);
    let id = HeaderValue::from_str(id).expect("a UUID is a valid header value");
    req.headers_mut().insert(REQUEST_ID, id.clone());
    id
}

fn usable_request_id(id: &[u8]) -> bool {
    !id.is_empty() && id.len() <= MAX_REQUEST_ID_LEN && id.iter().all(|b| b.is_ascii_graphic())
}
