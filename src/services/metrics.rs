//! Prometheus metrics: `GET /metrics` in the OpenMetrics text format.
//!
//! Each [`AppState`] owns its own [`Metrics`] registry (no process-global recorder), so several
//! servers in one process, as in the test suite, keep separate counts. Three sources feed it:
//! - HTTP traffic, from the [`track`] middleware: a request counter and a latency histogram per
//!   method, matched route (never the raw URI, so the label set stays bounded) and status;
//! - the audit events, which count themselves in the domain counters ([`audit::Counters`]:
//!   tokens issued per grant, login failures, refresh-token reuse, key rotations, ...) as they
//!   are emitted: the emitting code need not know about metrics. An event finds the counters
//!   of the request (or background task) that emitted it through a task-local set by
//!   [`Metrics::scope`];
//! - the signing keys, counted per algorithm and state from the [`KeyManager`] at scrape time.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, StatusCode};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::audit;
use crate::domain::KeyState;
use crate::http::paths;
use crate::keys::KeyManager;

/// Label of requests that matched no route (404s of any path share it).
const UNMATCHED: &str = "unmatched";

/// Latency buckets in seconds: a token request takes ~100 µs, a sign-in with argon2 ~100 ms.
const LATENCY_BUCKETS: [f64; 16] = [
    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

/// Every routed path, so a matched route becomes a `&'static str` label without allocating.
const ROUTES: &[&str] = &[
    paths::HEALTHZ,
    paths::READYZ,
    paths::OPENID_CONFIGURATION,
    paths::OAUTH_AUTHORIZATION_SERVER,
    paths::JWKS,
    paths::JWKS_WELL_KNOWN,
    paths::AUTHORIZE,
    paths::TOKEN,
    paths::USERINFO,
    paths::REVOKE,
    paths::INTROSPECT,
    paths::END_SESSION,
    paths::LOGIN,
    paths::CONSENT,
    paths::STYLESHEET,
    paths::FORM_POST_SCRIPT,
    paths::METRICS,
];

/// Labels of the HTTP metrics.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: &'static str,
    path: &'static str,
    status: u16,
}

/// One instance's metrics. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    registry: Registry,
    requests: Family<HttpLabels, Counter>,
    latency: Family<HttpLabels, Histogram, fn() -> Histogram>,
    audit: audit::Counters,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

impl Metrics {
    /// A fresh registry with every metric registered; `keys` is read at each scrape.
    pub fn new(keys: KeyManager) -> Self {
        let mut registry = Registry::with_prefix("tessera");
        let requests = Family::<HttpLabels, Counter>::default();
        let latency = Family::<HttpLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let audit = audit::Counters::default();
        // Counter names get `_total` appended by the encoder.
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, matched route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method, matched route and status",
            latency.clone(),
        );
        audit.register(&mut registry);
        registry.register_collector(Box::new(KeyGauge(keys)));
        Self {
            inner: Arc::new(Inner {
                registry,
                requests,
                latency,
                audit,
            }),
        }
    }

    /// Runs `fut` with this registry as the one audit events are counted in.
    pub fn scope<F: Future>(&self, fut: F) -> impl Future<Output = F::Output> + use<F> {
        self.inner.audit.scope(fut)
    }

    /// The whole registry in the OpenMetrics text format.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::with_capacity(8 * 1024);
        prometheus_client::encoding::text::encode(&mut out, &self.inner.registry)?;
        Ok(out)
    }

    /// Counts one answered request.
    fn observe_request(&self, labels: &HttpLabels, seconds: f64) {
        self.inner.requests.get_or_create(labels).inc();
        self.inner.latency.get_or_create(labels).observe(seconds);
    }
}

/// One request being measured: its method and matched route, and when it began.
pub struct RequestTimer {
    method: &'static str,
    path: &'static str,
    start: Instant,
}

impl Metrics {
    /// Starts measuring `req`; it must have been routed already (the matched route is a label).
    pub fn start_request<B>(&self, req: &Request<B>) -> RequestTimer {
        RequestTimer {
            method: method_label(req.method()),
            path: route_label(req.extensions().get::<MatchedPath>()),
            start: Instant::now(),
        }
    }

    /// Counts and times a request by method, matched route and the status it was answered
    /// with; returns the latency it recorded.
    pub fn finish_request(&self, timer: RequestTimer, status: StatusCode) -> std::time::Duration {
        let labels = HttpLabels {
            method: timer.method,
            path: timer.path,
            status: status.as_u16(),
        };
        let latency = timer.start.elapsed();
        self.observe_request(&labels, latency.as_secs_f64());
        latency
    }
}

/// The route a request matched, as a label; [`UNMATCHED`] for none.
fn route_label(matched: Option<&MatchedPath>) -> &'static str {
    matched
        .and_then(|m| ROUTES.iter().find(|r| **r == m.as_str()))
        .copied()
        .unwrap_or(UNMATCHED)
}

/// Standard methods by name, anything else as `other` (bounded label values).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

/// Signing keys per algorithm and state, read from the key manager at each scrape.
#[derive(Debug)]
struct KeyGauge(KeyManager);

/// Labels of the key gauge.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KeyLabels {
    alg: &'static str,
    state: &'static str,
}

impl Collector for KeyGauge {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let keys = self.0.list();
        let mut family = encoder.encode_descriptor(
            "signing_keys",
            "Signing keys in the key set, by algorithm and state (next, active, retired)",
            None,
            prometheus_client::metrics::MetricType::Gauge,
        )?;
        for &alg in self.0.algorithms() {
            // A revoked key is out of the key set: it has no gauge.
            for state in KeyState::ALL.into_iter().filter(|s| s.is_published()) {
                let count = keys
                    .iter()
                    .filter(|k| k.alg == alg && k.state == state)
                    .count();
                let labels = KeyLabels {
                    alg: alg.as_str(),
                    state: state.as_str(),
                };
                ConstGauge::new(count as i64).encode(family.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}
