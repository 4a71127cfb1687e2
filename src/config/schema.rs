//! The sections of the configuration file and their defaults.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::http::client_ip::TrustedProxies;
use crate::keys::Alg;

/// `[server]`: the HTTP listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub bind: String,
    /// `text` or `json` log lines.
    #[serde(default)]
    pub log_format: LogFormat,
    /// Longest time one request may take before it is answered with 408.
    #[serde(default = "d_request_timeout", deserialize_with = "duration")]
    pub request_timeout: Duration,
    /// Largest request body accepted, in bytes.
    #[serde(default = "d_max_body_bytes")]
    pub max_body_bytes: usize,
    /// Reverse proxies (IPs or CIDR networks) whose `X-Forwarded-For` names the client; empty
    /// trusts no forwarding header and the client is the TCP peer.
    #[serde(default)]
    pub trusted_proxies: TrustedProxies,
    /// Threads that answer requests; 0 means one per core this process may use. With one, the
    /// server runs tokio's single-threaded scheduler (see `cli::runtime`).
    #[serde(default)]
    pub worker_threads: usize,
}

/// Log line format.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// `[database]`: where everything persistent lives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    pub url: String,
    /// Most connections one instance holds open.
    #[serde(default = "d_max_connections")]
    pub max_connections: u32,
    /// How long a request waits for a free connection before it gets 503.
    #[serde(default = "d_acquire_timeout", deserialize_with = "duration")]
    pub acquire_timeout: Duration,
    /// Longest a single PostgreSQL statement may run before the database cancels it and the
    /// request gets 503 (PostgreSQL `statement_timeout`; SQLite has no equivalent).
    #[serde(default = "d_statement_timeout", deserialize_with = "duration")]
    pub statement_timeout: Duration,
}

impl DatabaseConfig {
    /// The pool settings this section describes.
    pub fn pool_options(&self) -> crate::store::PoolOptions {
        crate::store::PoolOptions {
            max_connections: self.max_connections,
            acquire_timeout: self.acquire_timeout,
            statement_timeout: self.statement_timeout,
        }
    }
}

/// `[keys]`: signing keys and the key-encryption key that protects them at rest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysConfig {
    /// Folder holding the key-encryption key (`kek.key`).
    pub dir: PathBuf,
    /// Signing algorithms with keys published and ready to sign.
    #[serde(default = "d_algorithms")]
    pub algorithms: Vec<Alg>,
    /// Default algorithm of ID tokens (a client may register another enabled one).
    #[serde(default = "d_id_token_alg")]
    pub id_token_alg: Alg,
    /// Algorithm of JWT access tokens (RFC 9068).
    #[serde(default = "d_access_token_alg")]
    pub access_token_alg: Alg,
    /// How long a key signs before the next key takes over.
    #[serde(default = "d_rotation_interval", deserialize_with = "duration")]
    pub rotation_interval: Duration,
    /// How often a running server re-reads the key set (to see rotations by others).
    #[serde(default = "d_reload_interval", deserialize_with = "duration")]
    pub reload_interval: Duration,
    /// Extra time a retired key stays in the JWKS after the last token it may have signed
    /// expired: room for resource servers whose clocks run behind (their `exp` leeway).
    #[serde(default = "d_retired_key_grace", deserialize_with = "duration")]
    pub retired_key_grace: Duration,
}

/// `[tokens]`: lifetimes of everything Tessera issues.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokensConfig {
    #[serde(default = "d_access_ttl", deserialize_with = "duration")]
    pub access_token_ttl: Duration,
    #[serde(default = "d_id_ttl", deserialize_with = "duration")]
    pub id_token_ttl: Duration,
    #[serde(default = "d_code_ttl", deserialize_with = "duration")]
    pub code_ttl: Duration,
    #[serde(default = "d_refresh_idle", deserialize_with = "duration")]
    pub refresh_idle_ttl: Duration,
    #[serde(default = "d_refresh_absolute", deserialize_with = "duration")]
    pub refresh_absolute_ttl: Duration,
    /// Window in which a retried refresh with the just-rotated token is not treated as reuse.
    #[serde(default, deserialize_with = "duration")]
    pub refresh_reuse_grace: Duration,
    /// `aud` of JWT access tokens (RFC 9068 §3); the issuer when unset.
    #[serde(default)]
    pub access_token_audience: Option<String>,
}

/// `[authorization]`: policy of the authorization endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationConfig {
    /// Require PKCE from confidential clients too (RFC 9700 §2.1.1).
    #[serde(default = "d_true")]
    pub require_pkce_for_confidential: bool,
}

/// `[session]`: the browser session at the OP (SSO).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionConfig {
    /// A session unused this long ends.
    #[serde(default = "d_session_idle", deserialize_with = "duration")]
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, used or not.
    #[serde(default = "d_session_absolute", deserialize_with = "duration")]
    pub absolute_timeout: Duration,
    /// Logout also revokes the refresh tokens (and their access tokens) issued in the session.
    #[serde(default)]
    pub revoke_refresh_tokens_on_logout: bool,
    /// How long one Back-Channel Logout request to a client may take (connect and answer)
    /// before it counts as failed and is retried.
    #[serde(
        default = "d_backchannel_logout_timeout",
        deserialize_with = "duration"
    )]
    pub backchannel_logout_timeout: Duration,
}

/// `[throttle]`: failed sign-ins allowed per username and per client IP before an exponential
/// delay (counters live in the database, so instances sharing it share the limits).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThrottleConfig {
    /// Failures of one username within `window` before it is throttled.
    #[serde(default = "d_max_failures_per_user")]
    pub max_failures_per_user: i64,
    /// Failures from one IP address within `window` before it is throttled; 0 turns the per-IP
    /// limit off (behind a reverse proxy every request comes from the proxy's address).
    #[serde(default = "d_max_failures_per_ip")]
    pub max_failures_per_ip: i64,
    /// Failures are counted in windows of this length.
    #[serde(default = "d_throttle_window", deserialize_with = "duration")]
    pub window: Duration,
    /// Delay after the limit is reached; doubled with each further failure.
    #[serde(default = "d_throttle_base_delay", deserialize_with = "duration")]
    pub base_delay: Duration,
    /// Longest delay.
    #[serde(default = "d_throttle_max_delay", deserialize_with = "duration")]
    pub max_delay: Duration,
}

/// `[cache]`: the in-memory cache of client registrations (and a client's roles) that keeps the
/// token endpoint off the database. Changes made elsewhere (the CLI, another instance) are noticed
/// through a change counter the database bumps (`change_epochs`), read every `refresh_interval`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheConfig {
    /// Longest time a cached client is used without reading it again; `0s` turns the cache off.
    #[serde(default = "d_client_cache_ttl", deserialize_with = "duration")]
    pub client_ttl: Duration,
    /// How often the change counter is read: the longest a changed client (rotated secret,
    /// deletion, role change) can still be served from the cache.
    #[serde(default = "d_cache_refresh_interval", deserialize_with = "duration")]
    pub refresh_interval: Duration,
}

/// `[metrics]`: the Prometheus endpoint `GET /metrics`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Serve `/metrics` at all.
    #[serde(default = "d_true")]
    pub enabled: bool,
    /// A separate listen address for `/metrics` (e.g. `127.0.0.1:9090`); when set, the main
    /// port does not serve it. Metrics reveal traffic volumes: keep them off the public side.
    #[serde(default)]
    pub bind: Option<String>,
}

/// `[rate_limit]`: per-client request rates at the token and introspection endpoints, counted
/// in memory by each instance (the hot path does no database write).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Sustained `POST /token` requests per second and client; 0 turns the limit off.
    #[serde(default = "d_token_per_second")]
    pub token_per_second: f64,
    /// Requests a client may make at once above the sustained rate.
    #[serde(default = "d_token_burst")]
    pub token_burst: u32,
    /// Sustained `POST /introspect` requests per second and client; 0 turns the limit off.
    #[serde(default = "d_introspect_per_second")]
    pub introspect_per_second: f64,
    /// Introspection requests a client may make at once above the sustained rate.
    #[serde(default = "d_introspect_burst")]
    pub introspect_burst: u32,
}

fn d_request_timeout() -> Duration {
    Duration::from_secs(30)
}

fn d_max_body_bytes() -> usize {
    64 * 1024
}
fn d_max_connections() -> u32 {
    10
}
fn d_acquire_timeout() -> Duration {
    Duration::from_secs(5)
}
fn d_statement_timeout() -> Duration {
    Duration::from_secs(10)
}
fn d_algorithms() -> Vec<Alg> {
    vec![Alg::RS256, Alg::ES256]
}
fn d_id_token_alg() -> Alg {
    Alg::RS256
}
fn d_access_token_alg() -> Alg {
    Alg::RS256
}
fn d_rotation_interval() -> Duration {
    Duration::from_secs(30 * 86_400)
}
fn d_reload_interval() -> Duration {
    Duration::from_secs(5)
}
fn d_retired_key_grace() -> Duration {
    Duration::from_secs(60)
}
fn d_access_ttl() -> Duration {
    Duration::from_secs(15 * 60)
}
fn d_id_ttl() -> Duration {
    Duration::from_secs(60 * 60)
}
fn d_code_ttl() -> Duration {
    Duration::from_secs(60)
}
fn d_refresh_idle() -> Duration {
    Duration::from_secs(7 * 86_400)
}
fn d_refresh_absolute() -> Duration {
    Duration::from_secs(30 * 86_400)
}
fn d_session_idle() -> Duration {
    Duration::from_secs(60 * 60)
}
fn d_session_absolute() -> Duration {
    Duration::from_secs(12 * 60 * 60)
}
fn d_backchannel_logout_timeout() -> Duration {
    Duration::from_secs(5)
}
fn d_max_failures_per_user() -> i64 {
    5
}
fn d_max_failures_per_ip() -> i64 {
    50
}
fn d_throttle_window() -> Duration {
    Duration::from_secs(15 * 60)
}
fn d_throttle_base_delay() -> Duration {
    Duration::from_secs(30)
}
fn d_throttle_max_delay() -> Duration {
    Duration::from_secs(15 * 60)
}
fn d_client_cache_ttl() -> Duration {
    Duration::from_secs(60)
}
fn d_cache_refresh_interval() -> Duration {
    Duration::from_secs(1)
}
fn d_token_per_second() -> f64 {
    200.0
}
fn d_token_burst() -> u32 {
    400
}
fn d_introspect_per_second() -> f64 {
    1000.0
}
fn d_introspect_burst() -> u32 {
    2000
}
fn d_true() -> bool {
    true
}

impl Default for TokensConfig {
    fn default() -> Self {
        Self {
            access_token_ttl: d_access_ttl(),
            id_token_ttl: d_id_ttl(),
            code_ttl: d_code_ttl(),
            refresh_idle_ttl: d_refresh_idle(),
            refresh_absolute_ttl: d_refresh_absolute(),
            refresh_reuse_grace: Duration::ZERO,
            access_token_audience: None,
        }
    }
}

impl Default for AuthorizationConfig {
    fn default() -> Self {
        Self {
            require_pkce_for_confidential: true,
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_timeout: d_session_idle(),
            absolute_timeout: d_session_absolute(),
            revoke_refresh_tokens_on_logout: false,
            backchannel_logout_timeout: d_backchannel_logout_timeout(),
        }
    }
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            max_failures_per_user: d_max_failures_per_user(),
            max_failures_per_ip: d_max_failures_per_ip(),
            window: d_throttle_window(),
            base_delay: d_throttle_base_delay(),
            max_delay: d_throttle_max_delay(),
        }
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            client_ttl: d_client_cache_ttl(),
            refresh_interval: d_cache_refresh_interval(),
        }
    }
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            bind: None,
        }
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            token_per_second: d_token_per_second(),
            token_burst: d_token_burst(),
            introspect_per_second: d_introspect_per_second(),
            introspect_burst: d_introspect_burst(),
        }
    }
}

/// Durations are written the human way: `60s`, `15m`, `7d`.
fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    humantime::parse_duration(&s).map_err(|e| {
        serde::de::Error::custom(format!(
            "`{s}` is not a duration ({e}); write e.g. \"60s\", \"15m\" or \"30d\""
        ))
    })
}
