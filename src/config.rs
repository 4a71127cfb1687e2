//! Typed configuration: one TOML file, overridable key by key with `TESSERA_<SECTION>_<KEY>`
//! environment variables. Every error names the file (or variable) and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::http::client_ip::TrustedProxies;
use crate::keys::Alg;

/// The whole configuration. Only `issuer`, `server.bind`, `database.url` and `keys.dir` are
/// required; everything else has a safe default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The OP's issuer identifier (OIDC Discovery §3): absolute http(s) URL, no trailing slash.
    pub issuer: String,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub keys: KeysConfig,
    #[serde(default)]
    pub tokens: TokensConfig,
    #[serde(default)]
    pub authorization: AuthorizationConfig,
    #[serde(default)]
    pub session: SessionConfig,
    #[serde(default)]
    pub throttle: ThrottleConfig,
    #[serde(default)]
    pub cache: CacheConfig,
    #[serde(default)]
    pub metrics: MetricsConfig,
    #[serde(default)]
    pub rate_limit: RateLimitConfig,
}

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
    /// Longest a client may take to send a request's line and headers, counted from the
    /// connection's opening or the request's first byte; then the connection is closed.
    #[serde(default = "d_header_read_timeout", deserialize_with = "duration")]
    pub header_read_timeout: Duration,
    /// Longest a kept-alive connection may wait, idle, for its next request.
    #[serde(default = "d_keep_alive_timeout", deserialize_with = "duration")]
    pub keep_alive_timeout: Duration,
    /// Most connections open at once from one TCP peer address; 0 means no cap. Peers in
    /// `trusted_proxies` are not capped: each carries many clients' connections.
    #[serde(default = "d_max_connections_per_ip")]
    pub max_connections_per_ip: usize,
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
/// More threads than this would be a typo: each one is an OS thread with its own stack.
const MAX_WORKER_THREADS: usize = 1024;

fn d_header_read_timeout() -> Duration {
    Duration::from_secs(10)
}
fn d_keep_alive_timeout() -> Duration {
    Duration::from_secs(60)
}
fn d_max_connections_per_ip() -> usize {
    256
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

/// A configuration that could not be loaded; the message names the file or variable and the key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

/// Sections whose keys can be set from `TESSERA_<SECTION>_<KEY>`.
const SECTIONS: &[&str] = &[
    "server",
    "database",
    "keys",
    "tokens",
    "authorization",
    "session",
    "throttle",
    "cache",
    "metrics",
    "rate_limit",
];

/// Environment variables that start with `TESSERA_` but are not config keys.
const NON_CONFIG_VARS: &[&str] = &["TESSERA_CONFIG"];

impl Config {
    /// Reads `path`, applies the process environment and validates the result.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let env: BTreeMap<String, String> = std::env::vars()
            .filter(|(k, _)| k.starts_with("TESSERA_"))
            .filter(|(k, _)| {
                !NON_CONFIG_VARS.contains(&k.as_str()) && !k.starts_with("TESSERA_TEST_")
            })
            .collect();
        Self::load_with_env(path, &env)
    }

    /// As [`Config::load`], with the environment given explicitly (for tests).
    pub fn load_with_env(path: &Path, env: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("{file}: cannot read the config file: {e}")))?;
        let mut table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError(format!("{file}: {e}")))?;
        let mut origin: BTreeMap<String, String> = BTreeMap::new();
        for (var, raw) in env {
            let (section, key) = split_env_var(var).ok_or_else(|| {
                ConfigError(format!(
                    "environment variable {var} does not name a config key \
                     (expected TESSERA_ISSUER or TESSERA_<SECTION>_<KEY> with SECTION one of {})",
                    SECTIONS.join(", ")
                ))
            })?;
            let value = env_value(raw);
            match section {
                None => {
                    table.insert(key.clone(), value);
                    origin.insert(key, var.clone());
                }
                Some(section) => {
                    let entry = table
                        .entry(section.to_string())
                        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                    let toml::Value::Table(t) = entry else {
                        return Err(ConfigError(format!(
                            "{file}: key `{section}` must be a table"
                        )));
                    };
                    t.insert(key.clone(), value);
                    origin.insert(format!("{section}.{key}"), var.clone());
                }
            }
        }
        let config: Config =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                let key = e.path().to_string();
                let source = origin
                    .get(&key)
                    .map(|var| format!(" (set by environment variable {var})"))
                    .unwrap_or_default();
                ConfigError(format!("{file}: key `{key}`{source}: {}", e.inner()))
            })?;
        config
            .validate()
            .map_err(|(key, msg)| ConfigError(format!("{file}: key `{key}`: {msg}")))?;
        Ok(config)
    }

    /// Checks that cannot be expressed by types alone; returns the offending key.
    fn validate(&self) -> Result<(), (&'static str, String)> {
        let url = url::Url::parse(&self.issuer).map_err(|e| {
            (
                "issuer",
                format!("`{}` is not an absolute URL ({e})", self.issuer),
            )
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(("issuer", "must be an http or https URL".into()));
        }
        if url.scheme() == "http" && !is_loopback(&url) {
            // OIDC Discovery §3: the issuer is an https URL. Plain http only for development on
            // this machine; in production TLS terminates at a proxy and the issuer is https.
            return Err((
                "issuer",
                "must be an https URL (http only for 127.0.0.1, ::1 or localhost)".into(),
            ));
        }
        if self.issuer.ends_with('/') {
            return Err(("issuer", "must not end with a slash".into()));
        }
        if url.query().is_some() || url.fragment().is_some() {
            // OIDC Discovery §3 / RFC 8414 §2: no query or fragment components.
            return Err(("issuer", "must not have a query or fragment".into()));
        }
        validate_bind("server.bind", &self.server.bind, "127.0.0.1:8080")?;
        if self.server.worker_threads > MAX_WORKER_THREADS {
            return Err((
                "server.worker_threads",
                format!("must be at most {MAX_WORKER_THREADS} (0: one per core)"),
            ));
        }
        // Zero would close every connection before it could send a request.
        if self.server.header_read_timeout.is_zero() {
            return Err(("server.header_read_timeout", "must be more than 0s".into()));
        }
        if self.server.keep_alive_timeout.is_zero() {
            return Err(("server.keep_alive_timeout", "must be more than 0s".into()));
        }
        if !(self.database.url.starts_with("sqlite:")
            || self.database.url.starts_with("postgres:")
            || self.database.url.starts_with("postgresql:"))
        {
            return Err((
                "database.url",
                "must start with sqlite: or postgres:".into(),
            ));
        }
        if self.database.statement_timeout < Duration::from_millis(100) {
            // PostgreSQL reads 0 as "no limit": a stuck query would hold a connection forever.
            return Err((
                "database.statement_timeout",
                "must be at least 100ms".into(),
            ));
        }
        if self.keys.algorithms.is_empty() {
            return Err(("keys.algorithms", "must name at least one algorithm".into()));
        }
        if !self.keys.algorithms.contains(&Alg::RS256) {
            // OIDC Core §15.1: RS256 must be supported for ID tokens.
            return Err((
                "keys.algorithms",
                "must include RS256 (required by OpenID Connect)".into(),
            ));
        }
        if !self.keys.algorithms.contains(&self.keys.id_token_alg) {
            return Err(("keys.id_token_alg", "must be one of keys.algorithms".into()));
        }
        if !self.keys.algorithms.contains(&self.keys.access_token_alg) {
            return Err((
                "keys.access_token_alg",
                "must be one of keys.algorithms".into(),
            ));
        }
        if self.throttle.max_failures_per_user < 1 {
            return Err((
                "throttle.max_failures_per_user",
                "must be at least 1".into(),
            ));
        }
        if self.throttle.max_failures_per_ip < 0 {
            return Err((
                "throttle.max_failures_per_ip",
                "must be 0 (off) or more".into(),
            ));
        }
        if let Some(bind) = &self.metrics.bind {
            validate_bind("metrics.bind", bind, "127.0.0.1:9090")?;
        }
        let limits = &self.rate_limit;
        validate_quota(
            ("rate_limit.token_per_second", limits.token_per_second),
            ("rate_limit.token_burst", limits.token_burst),
        )?;
        validate_quota(
            (
                "rate_limit.introspect_per_second",
                limits.introspect_per_second,
            ),
            ("rate_limit.introspect_burst", limits.introspect_burst),
        )?;
        if self.keys.rotation_interval < Duration::from_secs(3600) {
            return Err(("keys.rotation_interval", "must be at least 1h".into()));
        }
        if self.keys.reload_interval < Duration::from_secs(1)
            || self.keys.reload_interval > Duration::from_secs(300)
        {
            // A rotation elsewhere must be seen within seconds; zero would spin.
            return Err(("keys.reload_interval", "must be between 1s and 5m".into()));
        }
        if self.cache.refresh_interval < Duration::from_millis(100)
            || self.cache.refresh_interval > Duration::from_secs(60)
        {
            // It bounds how long a revoked client secret keeps working; zero would spin.
            return Err((
                "cache.refresh_interval",
                "must be between 100ms and 1m".into(),
            ));
        }
        if self.session.backchannel_logout_timeout < Duration::from_secs(1)
            || self.session.backchannel_logout_timeout > Duration::from_secs(60)
        {
            // Zero would fail every notification; a long one only keeps dead clients' tasks.
            return Err((
                "session.backchannel_logout_timeout",
                "must be between 1s and 60s".into(),
            ));
        }
        Ok(())
    }

    /// Whether cookies must carry `Secure` (the issuer is served over https).
    pub fn is_https(&self) -> bool {
        self.issuer.starts_with("https://")
    }
}

/// A listen address such as `example`.
fn validate_bind(
    key: &'static str,
    bind: &str,
    example: &str,
) -> Result<(), (&'static str, String)> {
    match bind.parse::<std::net::SocketAddr>() {
        Ok(_) => Ok(()),
        Err(_) => Err((key, format!("`{bind}` is not an address like {example}"))),
    }
}

/// A rate limit: the rate is 0 (off) or a positive number of requests per second up to a
/// million (so that one request's interval stays representable); the burst is at least 1.
fn validate_quota(
    (rate_key, rate): (&'static str, f64),
    (burst_key, burst): (&'static str, u32),
) -> Result<(), (&'static str, String)> {
    if !(rate.is_finite() && (rate == 0.0 || (0.000_001..=1_000_000.0).contains(&rate))) {
        return Err((
            rate_key,
            format!("`{rate}` must be 0 (off) or between 0.000001 and 1000000"),
        ));
    }
    if burst < 1 {
        return Err((burst_key, "must be at least 1".into()));
    }
    Ok(())
}

/// Whether `url` names this machine (a loopback address or `localhost`).
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// `TESSERA_ISSUER` → (None, "issuer"); `TESSERA_DATABASE_URL` → (Some("database"), "url").
fn split_env_var(var: &str) -> Option<(Option<&'static str>, String)> {
    let rest = var.strip_prefix("TESSERA_")?.to_ascii_lowercase();
    if rest == "issuer" {
        return Some((None, rest));
    }
    SECTIONS.iter().find_map(|section| {
        let key = rest.strip_prefix(section)?.strip_prefix('_')?;
        (!key.is_empty()).then(|| (Some(*section), key.to_string()))
    })
}

/// An environment value is read as a TOML value when it is one (`true`, `20`, `["RS256"]`),
/// otherwise as a plain string.
fn env_value(raw: &str) -> toml::Value {
    format!("v = {raw}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load_with_env(&path, &env)
    }

    const MINIMAL: &str = r#"
issuer = "http://127.0.0.1:8080"
[server]
bind = "127.0.0.1:8080"
[database]
url = "sqlite://data/tessera.db?mode=rwc"
[keys]
dir = "keys"
"#;

    #[test]
    fn minimal_config_has_safe_defaults() {
        let c = load(MINIMAL, &[]).unwrap();
        assert_eq!(c.tokens.access_token_ttl, Duration::from_secs(900));
        assert_eq!(c.tokens.code_ttl, Duration::from_secs(60));
        assert!(c.authorization.require_pkce_for_confidential);
    }

    #[test]
    fn env_overrides_name_section_and_key() {
        let c = load(
            MINIMAL,
            &[
                ("TESSERA_DATABASE_URL", "postgres://x@h/db"),
                ("TESSERA_TOKENS_ACCESS_TOKEN_TTL", "5m"),
                ("TESSERA_ISSUER", "https://id.example.com"),
            ],
        )
        .unwrap();
        assert_eq!(c.database.url, "postgres://x@h/db");
        assert_eq!(c.tokens.access_token_ttl, Duration::from_secs(300));
        assert_eq!(c.issuer, "https://id.example.com");
    }

    #[test]
    fn key_reload_interval_is_bounded_and_grace_defaults_to_a_minute() {
        let c = load(MINIMAL, &[]).unwrap();
        assert_eq!(c.keys.retired_key_grace, Duration::from_secs(60));
        for bad in ["0s", "10m"] {
            let e = load(MINIMAL, &[("TESSERA_KEYS_RELOAD_INTERVAL", bad)])
                .unwrap_err()
                .to_string();
            assert!(e.contains("keys.reload_interval"), "{e}");
        }
    }

    #[test]
    fn backchannel_logout_timeout_defaults_to_five_seconds_and_is_bounded() {
        let c = load(MINIMAL, &[]).unwrap();
        assert_eq!(c.session.backchannel_logout_timeout, Duration::from_secs(5));
        let c = load(
            MINIMAL,
            &[("TESSERA_SESSION_BACKCHANNEL_LOGOUT_TIMEOUT", "2s")],
        )
        .unwrap();
        assert_eq!(c.session.backchannel_logout_timeout, Duration::from_secs(2));
        for bad in ["0s", "2m"] {
            let e = load(
                MINIMAL,
                &[("TESSERA_SESSION_BACKCHANNEL_LOGOUT_TIMEOUT", bad)],
            )
            .unwrap_err()
            .to_string();
            assert!(e.contains("session.backchannel_logout_timeout"), "{e}");
        }
    }

    #[test]
    fn metrics_and_rate_limits_have_defaults_env_overrides_and_bounds() {
        let c = load(MINIMAL, &[]).unwrap();
        assert!(c.metrics.enabled && c.metrics.bind.is_none());
        assert_eq!(c.rate_limit.token_per_second, 200.0);
        let c = load(
            MINIMAL,
            &[
                ("TESSERA_RATE_LIMIT_TOKEN_PER_SECOND", "0.5"),
                ("TESSERA_RATE_LIMIT_INTROSPECT_BURST", "7"),
                ("TESSERA_METRICS_BIND", "127.0.0.1:9090"),
            ],
        )
        .unwrap();
        assert_eq!(c.rate_limit.token_per_second, 0.5);
        assert_eq!(c.rate_limit.introspect_burst, 7);
        assert_eq!(c.metrics.bind.as_deref(), Some("127.0.0.1:9090"));
        for (var, value, key) in [
            (
                "TESSERA_RATE_LIMIT_TOKEN_PER_SECOND",
                "-1",
                "rate_limit.token_per_second",
            ),
            (
                "TESSERA_RATE_LIMIT_TOKEN_BURST",
                "0",
                "rate_limit.token_burst",
            ),
            ("TESSERA_METRICS_BIND", "localhost", "metrics.bind"),
        ] {
            let e = load(MINIMAL, &[(var, value)]).unwrap_err().to_string();
            assert!(e.contains(key), "{e}");
        }
    }

    #[test]
    fn the_issuer_is_https_except_on_this_machine() {
        for ok in [
            "https://id.example.com",
            "http://localhost:8080",
            "http://[::1]:8080",
        ] {
            assert!(load(MINIMAL, &[("TESSERA_ISSUER", ok)]).is_ok(), "{ok}");
        }
        let e = load(MINIMAL, &[("TESSERA_ISSUER", "http://id.example.com")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("`issuer`") && e.contains("https"), "{e}");
    }

    #[test]
    fn trusted_proxies_default_to_none_and_name_the_bad_entry() {
        let c = load(MINIMAL, &[]).unwrap();
        assert_eq!(c.server.trusted_proxies, TrustedProxies::default());
        let c = load(
            MINIMAL,
            &[("TESSERA_SERVER_TRUSTED_PROXIES", r#"["10.0.0.0/8", "::1"]"#)],
        )
        .unwrap();
        assert!(
            c.server
                .trusted_proxies
                .contains("10.2.3.4".parse().unwrap())
        );
        assert!(
            !c.server
                .trusted_proxies
                .contains("11.0.0.1".parse().unwrap())
        );
        let e = load(MINIMAL, &[("TESSERA_SERVER_TRUSTED_PROXIES", r#"["lb"]"#)])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("server.trusted_proxies") && e.contains("`lb`"),
            "{e}"
        );
    }

    #[test]
    fn errors_name_the_key() {
        let e = load(&format!("{MINIMAL}bogus = 1\n"), &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("bogus"), "{e}");
        let e = load(MINIMAL, &[("TESSERA_TOKENS_CODE_TTL", "soon")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("tokens.code_ttl") && e.contains("TESSERA_TOKENS_CODE_TTL"),
            "{e}"
        );
        let e = load(&MINIMAL.replace("http://127.0.0.1:8080", "not a url"), &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("`issuer`"), "{e}");
        let e = load(MINIMAL, &[("TESSERA_SERVER_BIND", "42")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("server.bind"), "{e}");
    }
}
