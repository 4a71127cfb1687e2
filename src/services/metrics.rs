//! Prometheus metrics (issue 6 §9): `GET /metrics` in the OpenMetrics text format.
//!
//! Each [`AppState`] owns its own [`Metrics`] registry (no process-global recorder), so several
//! servers in one process, as in the test suite, keep separate counts. Three sources feed it:
//! - HTTP traffic, from the [`track`] middleware: a request counter and a latency histogram per
//!   method, matched route (never the raw URI, so the label set stays bounded) and status;
//! - the handlers' `audit` tracing events, turned into domain counters by [`AuditLayer`]
//!   (tokens issued per grant, login failures, refresh-token reuse, key rotations, ...): the
//!   handlers need not know about metrics. The layer finds the registry of the request (or
//!   background task) that emitted the event through a task-local set by [`Metrics::scope`];
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
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

use crate::domain::{GrantType, KeyState};
use crate::http::paths;
use crate::keys::KeyManager;

/// The tracing target of audit events (`tracing::info!(target: "audit", event = "...")`).
pub const AUDIT_TARGET: &str = "audit";

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

/// Label of tokens issued.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GrantLabels {
    grant: &'static str,
}

/// Label of tokens revoked.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
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
    tokens_issued: Family<GrantLabels, Counter>,
    tokens_revoked: Family<KindLabels, Counter>,
    login_failures: Counter,
    login_throttled: Counter,
    refresh_reuse: Counter,
    code_reuse: Counter,
    assertion_replays: Counter,
    key_rotations: Counter,
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
        let tokens_issued = Family::<GrantLabels, Counter>::default();
        let tokens_revoked = Family::<KindLabels, Counter>::default();
        let (login_failures, login_throttled) = (Counter::default(), Counter::default());
        let (refresh_reuse, code_reuse) = (Counter::default(), Counter::default());
        let (assertion_replays, key_rotations) = (Counter::default(), Counter::default());
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
        registry.register(
            "tokens_issued",
            "Access tokens issued at the token endpoint, by grant type",
            tokens_issued.clone(),
        );
        registry.register(
            "tokens_revoked",
            "Tokens revoked at the revocation endpoint, by kind",
            tokens_revoked.clone(),
        );
        registry.register(
            "login_failures",
            "Sign-ins refused for a wrong username or password",
            login_failures.clone(),
        );
        registry.register(
            "login_throttled",
            "Sign-in attempts refused by the failed-login throttle",
            login_throttled.clone(),
        );
        registry.register(
            "refresh_reuse_detected",
            "Used refresh tokens presented again (the family was revoked)",
            refresh_reuse.clone(),
        );
        registry.register(
            "code_reuse_detected",
            "Authorization codes presented a second time",
            code_reuse.clone(),
        );
        registry.register(
            "client_assertion_replays",
            "private_key_jwt client assertions presented a second time",
            assertion_replays.clone(),
        );
        registry.register(
            "key_rotations",
            "Signing-key rotations performed by this instance, all algorithms",
            key_rotations.clone(),
        );
        registry.register_collector(Box::new(KeyGauge(keys)));
        Self {
            inner: Arc::new(Inner {
                registry,
                requests,
                latency,
                tokens_issued,
                tokens_revoked,
                login_failures,
                login_throttled,
                refresh_reuse,
                code_reuse,
                assertion_replays,
                key_rotations,
            }),
        }
    }

    /// Runs `fut` with this registry as the one audit events are counted in.
    pub fn scope<F: Future>(&self, fut: F) -> impl Future<Output = F::Output> + use<F> {
        CURRENT.scope(self.clone(), fut)
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

    /// Counts one audit event, by its `event` field.
    fn record_audit(&self, event: &Event<'_>) {
        let mut fields = AuditFields::default();
        event.record(&mut fields);
        let m = &self.inner;
        match fields.event {
            Some(AuditEvent::TokenIssued) => {
                let grant = fields.grant.unwrap_or("other");
                m.tokens_issued.get_or_create(&GrantLabels { grant }).inc();
            }
            Some(AuditEvent::TokenRevoked) => {
                let kind = fields.kind.unwrap_or("other");
                m.tokens_revoked.get_or_create(&KindLabels { kind }).inc();
            }
            Some(AuditEvent::LoginFailed) => {
                m.login_failures.inc();
            }
            Some(AuditEvent::LoginThrottled) => {
                m.login_throttled.inc();
            }
            Some(AuditEvent::RefreshTokenReuse) => {
                m.refresh_reuse.inc();
            }
            Some(AuditEvent::CodeReused) => {
                m.code_reuse.inc();
            }
            Some(AuditEvent::ClientAssertionReplayed) => {
                m.assertion_replays.inc();
            }
            Some(AuditEvent::KeyRotated) => {
                m.key_rotations.inc();
            }
            None => {}
        }
    }
}

tokio::task_local! {
    /// The registry of the request or background task being run (see [`Metrics::scope`]).
    static CURRENT: Metrics;
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

/// The `tracing` layer that turns audit events into counters, filtered to the audit target so
/// no other event reaches it. Register it beside the log output (see `cli::init_tracing`).
pub fn audit_layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    AuditLayer.with_filter(Targets::new().with_target(AUDIT_TARGET, Level::TRACE))
}

/// Counts audit events in the registry of the task that emitted them; events outside any
/// server (the admin commands) are ignored.
#[derive(Debug, Clone, Copy)]
pub struct AuditLayer;

impl<S: Subscriber> Layer<S> for AuditLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != AUDIT_TARGET {
            return;
        }
        let _ = CURRENT.try_with(|m| m.record_audit(event));
    }
}

/// The audit events that feed a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuditEvent {
    TokenIssued,
    TokenRevoked,
    LoginFailed,
    LoginThrottled,
    RefreshTokenReuse,
    CodeReused,
    ClientAssertionReplayed,
    KeyRotated,
}

impl AuditEvent {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "token_issued" => Self::TokenIssued,
            "token_revoked" => Self::TokenRevoked,
            "login_failed" => Self::LoginFailed,
            "login_throttled" => Self::LoginThrottled,
            "refresh_token_reuse" => Self::RefreshTokenReuse,
            "code_reused" => Self::CodeReused,
            "client_assertion_replayed" => Self::ClientAssertionReplayed,
            "key_rotated" => Self::KeyRotated,
            _ => return None,
        })
    }
}

/// The fields of an audit event that become labels, mapped to fixed strings (bounded).
#[derive(Debug, Default)]
struct AuditFields {
    event: Option<AuditEvent>,
    grant: Option<&'static str>,
    kind: Option<&'static str>,
}

impl Visit for AuditFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "event" => self.event = AuditEvent::parse(value),
            "grant" => {
                self.grant = Some(GrantType::parse(value).map_or("other", GrantType::as_str))
            }
            "kind" => {
                self.kind = Some(match value {
                    "access_token" => "access_token",
                    "refresh_token" => "refresh_token",
                    _ => "other",
                })
            }
            _ => {}
        }
    }

    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
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
            for state in KeyState::ALL {
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
