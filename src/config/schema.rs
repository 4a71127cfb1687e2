//! The sections of the configuration file and their defaults.
//!
//! Each default is written once: a section that may be left out entirely has an `impl Default`
//! that serde fills missing keys from (`#[serde(default)]` on the struct); a section with a
//! required key names a function per optional key, next to the struct.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use super::TrustedProxies;
use crate::crypto::Argon2Cost;
use crate::domain::Alg;
use crate::domain::password::PasswordPolicy;

/// `[server]`: the HTTP listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port to listen on.
    #[serde(deserialize_with = "server_bind")]
    pub bind: SocketAddr,
    /// `text` or `json` log lines.
    #[serde(default)]
    pub log_format: LogFormat,
    /// Longest time one request may take before it is answered with 408.
    #[serde(
        default = "ServerConfig::default_request_timeout",
        deserialize_with = "duration"
    )]
    pub request_timeout: Duration,
    /// Largest request body accepted, in bytes.
    #[serde(default = "ServerConfig::default_max_body_bytes")]
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
    #[serde(
        default = "ServerConfig::default_header_read_timeout",
        deserialize_with = "duration"
    )]
    pub header_read_timeout: Duration,
    /// Longest a kept-alive connection may wait, idle, for its next request.
    #[serde(
        default = "ServerConfig::default_keep_alive_timeout",
        deserialize_with = "duration"
    )]
    pub keep_alive_timeout: Duration,
    /// Most connections open at once from one TCP peer address; 0 means no cap. Peers in
    /// `trusted_proxies` are not capped: each carries many clients' connections.
    #[serde(default = "ServerConfig::default_max_connections_per_ip")]
    pub max_connections_per_ip: usize,
}

/// Defaults of the optional `[server]` keys (the only place they are written).
impl ServerConfig {
    fn default_request_timeout() -> Duration {
        Duration::from_secs(30)
    }
    fn default_max_body_bytes() -> usize {
        64 * 1024
    }
    fn default_header_read_timeout() -> Duration {
        Duration::from_secs(10)
    }
    fn default_keep_alive_timeout() -> Duration {
        Duration::from_secs(60)
    }
    fn default_max_connections_per_ip() -> usize {
        256
    }
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
    #[serde(default = "DatabaseConfig::default_max_connections")]
    pub max_connections: u32,
    /// How long a request waits for a free connection before it gets 503.
    #[serde(
        default = "DatabaseConfig::default_acquire_timeout",
        deserialize_with = "duration"
    )]
    pub acquire_timeout: Duration,
    /// Longest a single PostgreSQL statement may run before the database cancels it and the
    /// request gets 503 (PostgreSQL `statement_timeout`; SQLite has no equivalent).
    #[serde(
        default = "DatabaseConfig::default_statement_timeout",
        deserialize_with = "duration"
    )]
    pub statement_timeout: Duration,
    /// What a SQLite commit survives: `normal` (default; a crash of the process loses nothing
    /// answered, a power loss may lose the last commits) or `full` (an fsync per commit).
    #[serde(default)]
    pub sqlite_synchronous: crate::store::SqliteSynchronous,
}

/// Defaults of the optional `[database]` keys (the only place they are written).
impl DatabaseConfig {
    fn default_max_connections() -> u32 {
        10
    }
    fn default_acquire_timeout() -> Duration {
        Duration::from_secs(5)
    }
    fn default_statement_timeout() -> Duration {
        Duration::from_secs(10)
    }
}

impl DatabaseConfig {
    /// The pool settings this section describes.
    pub fn pool_options(&self) -> crate::store::PoolOptions {
        crate::store::PoolOptions {
            max_connections: self.max_connections,
            acquire_timeout: self.acquire_timeout,
            statement_timeout: self.statement_timeout,
            sqlite_synchronous: self.sqlite_synchronous,
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
    #[serde(default = "KeysConfig::default_algorithms")]
    pub algorithms: Vec<Alg>,
    /// Default algorithm of ID tokens (a client may register another enabled one).
    #[serde(default = "KeysConfig::default_id_token_alg")]
    pub id_token_alg: Alg,
    /// Algorithm of JWT access tokens (RFC 9068).
    #[serde(default = "KeysConfig::default_access_token_alg")]
    pub access_token_alg: Alg,
    /// How long a key signs before the next key takes over.
    #[serde(
        default = "KeysConfig::default_rotation_interval",
        deserialize_with = "duration"
    )]
    pub rotation_interval: Duration,
    /// How often a running server re-reads the key set (to see rotations by others).
    #[serde(
        default = "KeysConfig::default_reload_interval",
        deserialize_with = "duration"
    )]
    pub reload_interval: Duration,
    /// Extra time a retired key stays in the JWKS after the last token it may have signed
    /// expired: room for resource servers whose clocks run behind (their `exp` leeway).
    #[serde(
        default = "KeysConfig::default_retired_key_grace",
        deserialize_with = "duration"
    )]
    pub retired_key_grace: Duration,
}

/// Defaults of the optional `[keys]` keys (the only place they are written).
impl KeysConfig {
    fn default_algorithms() -> Vec<Alg> {
        vec![Alg::RS256, Alg::ES256]
    }
    fn default_id_token_alg() -> Alg {
        Alg::RS256
    }
    fn default_access_token_alg() -> Alg {
        Alg::RS256
    }
    fn default_rotation_interval() -> Duration {
        Duration::from_secs(30 * 86_400)
    }
    fn default_reload_interval() -> Duration {
        Duration::from_secs(5)
    }
    fn default_retired_key_grace() -> Duration {
        Duration::from_secs(60)
    }
}

/// `[tokens]`: lifetimes of everything Tessera issues.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TokensConfig {
    #[serde(deserialize_with = "duration")]
    pub access_token_ttl: Duration,
    #[serde(deserialize_with = "duration")]
    pub id_token_ttl: Duration,
    #[serde(deserialize_with = "duration")]
    pub code_ttl: Duration,
    #[serde(deserialize_with = "duration")]
    pub refresh_idle_ttl: Duration,
    #[serde(deserialize_with = "duration")]
    pub refresh_absolute_ttl: Duration,
    /// Window in which a retried refresh with the just-rotated token is not treated as reuse.
    #[serde(deserialize_with = "duration")]
    pub refresh_reuse_grace: Duration,
    /// `aud` of JWT access tokens (RFC 9068 §3); the issuer when unset.
    pub access_token_audience: Option<String>,
}

impl Default for TokensConfig {
    fn default() -> Self {
        Self {
            access_token_ttl: Duration::from_secs(15 * 60),
            id_token_ttl: Duration::from_secs(60 * 60),
            code_ttl: Duration::from_secs(60),
            refresh_idle_ttl: Duration::from_secs(7 * 86_400),
            refresh_absolute_ttl: Duration::from_secs(30 * 86_400),
            refresh_reuse_grace: Duration::ZERO,
            access_token_audience: None,
        }
    }
}

/// `[authorization]`: policy of the authorization endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthorizationConfig {
    /// Require PKCE from confidential clients too (RFC 9700 §2.1.1).
    pub require_pkce_for_confidential: bool,
    /// Every client must push its authorization requests (RFC 9126 §5), as if each were
    /// registered with `require_pushed_authorization_requests`.
    pub require_par: bool,
    /// A security profile every client is held to (`"fapi2"`), as if each were registered
    /// with it; unset: none.
    pub profile: Option<crate::domain::Profile>,
}

impl Default for AuthorizationConfig {
    fn default() -> Self {
        Self {
            require_pkce_for_confidential: true,
            require_par: false,
            profile: None,
        }
    }
}

/// `[session]`: the browser session at the OP (SSO).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    /// A session unused this long ends.
    #[serde(deserialize_with = "duration")]
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, used or not.
    #[serde(deserialize_with = "duration")]
    pub absolute_timeout: Duration,
    /// Logout also revokes the refresh tokens (and their access tokens) issued in the session.
    pub revoke_refresh_tokens_on_logout: bool,
    /// How long one Back-Channel Logout request to a client may take (connect and answer)
    /// before it counts as failed and is retried.
    #[serde(deserialize_with = "duration")]
    pub backchannel_logout_timeout: Duration,
    /// Pauses before the retries of a Back-Channel Logout request that failed (timeout, network
    /// error or 5xx): one retry per entry.
    #[serde(deserialize_with = "durations")]
    pub backchannel_logout_retry_delays: Vec<Duration>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(60 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            revoke_refresh_tokens_on_logout: false,
            backchannel_logout_timeout: Duration::from_secs(5),
            backchannel_logout_retry_delays: vec![Duration::from_secs(1), Duration::from_secs(4)],
        }
    }
}

/// `[throttle]`: failed sign-ins allowed per username and per client IP before an exponential
/// delay (counters live in the database, so instances sharing it share the limits).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleConfig {
    /// Failures of one username within `window` before it is throttled.
    pub max_failures_per_user: i64,
    /// Failures from one IP address within `window` before it is throttled; 0 turns the per-IP
    /// limit off (behind a reverse proxy every request comes from the proxy's address).
    pub max_failures_per_ip: i64,
    /// Failures are counted in windows of this length.
    #[serde(deserialize_with = "duration")]
    pub window: Duration,
    /// Delay after the limit is reached; doubled with each further failure.
    #[serde(deserialize_with = "duration")]
    pub base_delay: Duration,
    /// Longest delay.
    #[serde(deserialize_with = "duration")]
    pub max_delay: Duration,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            max_failures_per_user: 5,
            max_failures_per_ip: 50,
            window: Duration::from_secs(15 * 60),
            base_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(15 * 60),
        }
    }
}

/// `[authentication]`: what every sign-in needs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthenticationConfig {
    /// Every sign-in, for every client, needs two factors (as `client create --require-mfa`
    /// does for one client); a person without one enrolls an authenticator app on the way.
    pub require_mfa: bool,
}

/// `[device]`: the device authorization grant (RFC 8628): how long a user code stays valid, how
/// often a device may poll, and how many wrong user codes one IP may type.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeviceConfig {
    /// Lifetime of a device code and its user code (`expires_in`).
    #[serde(deserialize_with = "duration")]
    pub code_ttl: Duration,
    /// Seconds a device waits between polls (`interval`, RFC 8628 §3.2).
    #[serde(deserialize_with = "duration")]
    pub interval: Duration,
    /// User codes typed on `/device` from one IP within `throttle.window` before that IP is
    /// refused until the window ends; right codes are given back. 0 turns it off.
    pub max_failures_per_ip: i64,
}

impl Default for DeviceConfig {
    fn default() -> Self {
        Self {
            code_ttl: Duration::from_secs(10 * 60),
            interval: Duration::from_secs(5),
            max_failures_per_ip: 10,
        }
    }
}

/// `[dpop]`: DPoP proofs (RFC 9449): how far a proof's `iat` may be from now, and whether the
/// server hands out nonces a proof must carry (§8).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DpopConfig {
    /// How far a proof's `iat` may lie before or after now; a proof's `jti` is remembered for
    /// as long, so it cannot be replayed.
    #[serde(deserialize_with = "duration")]
    pub max_clock_skew: Duration,
    /// Proofs must carry a nonce from a `DPoP-Nonce` header (RFC 9449 §8); nonces are derived
    /// from the key-encryption key and the time, so any instance accepts any instance's.
    pub require_nonce: bool,
}

impl Default for DpopConfig {
    fn default() -> Self {
        Self {
            max_clock_skew: Duration::from_secs(60),
            require_nonce: false,
        }
    }
}

/// `[scim]`: the SCIM 2.0 service (`/scim/v2`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScimConfig {
    /// Above this many users (or groups), a filter no index narrows (`co`, `sw`, `ew`, `ne`,
    /// `not`, `pr`, an `or` with such a side) is refused with 400 `invalidFilter` instead of
    /// reading every row.
    pub max_rows_scanned: i64,
}

impl Default for ScimConfig {
    fn default() -> Self {
        Self {
            max_rows_scanned: 10_000,
        }
    }
}

/// `[cache]`: the in-memory cache of client registrations (and a client's roles) that keeps the
/// token endpoint off the database. Changes made elsewhere (the CLI, another instance) are noticed
/// through a change counter the database bumps (`change_epochs`), read every `refresh_interval`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// Longest time a cached client is used without reading it again; `0s` turns the cache off.
    #[serde(deserialize_with = "duration")]
    pub client_ttl: Duration,
    /// How often the change counter is read: the longest a changed client (rotated secret,
    /// deletion, role change) can still be served from the cache.
    #[serde(deserialize_with = "duration")]
    pub refresh_interval: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            client_ttl: Duration::from_secs(60),
            refresh_interval: Duration::from_secs(1),
        }
    }
}

/// `[metrics]`: the Prometheus endpoint `GET /metrics`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// Serve `/metrics` at all.
    pub enabled: bool,
    /// A separate listen address for `/metrics` (e.g. `127.0.0.1:9090`); when set, the main
    /// port does not serve it. Metrics reveal traffic volumes: keep them off the public side.
    #[serde(deserialize_with = "metrics_bind")]
    pub bind: Option<SocketAddr>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            bind: None,
        }
    }
}

/// `[rate_limit]`: per-client request rates at the token and introspection endpoints, counted
/// in memory by each instance (the hot path does no database write).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Sustained `POST /token` requests per second and client; 0 turns the limit off.
    pub token_per_second: f64,
    /// Requests a client may make at once above the sustained rate.
    pub token_burst: u32,
    /// Sustained `POST /introspect` requests per second and client; 0 turns the limit off.
    pub introspect_per_second: f64,
    /// Introspection requests a client may make at once above the sustained rate.
    pub introspect_burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            token_per_second: 200.0,
            token_burst: 400,
            introspect_per_second: 1000.0,
            introspect_burst: 2000,
        }
    }
}

/// `[email]`: the SMTP server that sends verification and password-reset links. Without
/// `smtp_url` there are no email features at all (no "Forgot password?" link,
/// `email_verified` stays false).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailConfig {
    /// `smtps://host[:port]`, `smtp://host[:port]?tls=required` (STARTTLS), or plain
    /// `smtp://host:port` for a loopback relay only; may carry `user:password@`.
    pub smtp_url: Option<Secret>,
    /// SMTP user name, when not in the URL.
    pub smtp_username: Option<String>,
    /// SMTP password, when not in the URL: set it with `TESSERA_EMAIL_SMTP_PASSWORD`.
    pub smtp_password: Option<Secret>,
    /// The sender, e.g. `Tessera <no-reply@example.com>` (required with `smtp_url`).
    pub from: Option<String>,
    /// Longest one delivery attempt may take (connect, TLS, the whole SMTP exchange).
    #[serde(deserialize_with = "duration")]
    pub send_timeout: Duration,
    /// Pauses before the retries of a failed delivery, one retry per entry.
    #[serde(deserialize_with = "durations")]
    pub retry_delays: Vec<Duration>,
    /// Password-reset requests for one address within `throttle.window`; then refused (429).
    pub reset_requests_per_address: i64,
    /// Password-reset requests from one client IP within `throttle.window`; 0 turns it off.
    pub reset_requests_per_ip: i64,
}

impl Default for EmailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            smtp_username: None,
            smtp_password: None,
            from: None,
            send_timeout: Duration::from_secs(10),
            retry_delays: vec![
                Duration::from_secs(30),
                Duration::from_secs(120),
                Duration::from_secs(600),
            ],
            reset_requests_per_address: 3,
            reset_requests_per_ip: 20,
        }
    }
}

/// `[registration]`: dynamic client registration (RFC 7591) at `POST /register`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationConfig {
    /// Who may register a client: nobody (`off`: 404, not advertised), holders of an initial
    /// access token or of an access token with `clients:write` (`token`), or anyone (`open`).
    pub mode: RegistrationMode,
    /// The scopes a dynamically registered client may ask for (space-separated); also the
    /// scope of a registration that names none.
    pub allowed_scopes: String,
    /// In `open` mode, registrations one client IP may make per hour (all at once, then one
    /// every hour / N); 0 turns the limit off.
    pub open_registrations_per_ip_per_hour: u32,
    /// Accept an https URL as `client_id` and fetch the client's metadata from it
    /// (draft-ietf-oauth-client-id-metadata-document).
    pub client_id_metadata_documents: bool,
    /// TESTS ONLY: also fetch metadata documents over http and from loopback addresses (never
    /// from other private ones). Turning this on in production opens a request-forgery hole.
    pub client_id_metadata_documents_allow_loopback_for_tests: bool,
}

impl Default for RegistrationConfig {
    fn default() -> Self {
        Self {
            mode: RegistrationMode::Off,
            allowed_scopes: crate::domain::DEFAULT_SCOPE.to_string(),
            open_registrations_per_ip_per_hour: 10,
            client_id_metadata_documents: false,
            client_id_metadata_documents_allow_loopback_for_tests: false,
        }
    }
}

/// `registration.mode`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RegistrationMode {
    /// No dynamic registration.
    #[default]
    Off,
    /// A Bearer initial access token, or an access token carrying `clients:write`.
    Token,
    /// Anyone, rate-limited per IP.
    Open,
}

/// A configuration value that must never be printed (a password, a URL holding one): its
/// `Debug` is `****`.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value read from somewhere other than the file (the environment).
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The value, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("****")
    }
}

/// `[password]`: the policy every new password must meet (NIST SP 800-63B §5.1.1.2), at
/// `user create`, `user set-password`, the account page and password reset. Passwords already
/// set keep working whatever it says.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordConfig {
    /// Fewest characters (Unicode characters of the NFKC form).
    pub min_length: usize,
    /// Most characters (ditto); longer ones are refused before they are scored.
    pub max_length: usize,
    /// Lowest zxcvbn strength score accepted, 0 (anything) to 4 (hardest to guess).
    pub min_score: u8,
    /// Argon2id memory per hash, KiB.
    pub argon2_memory_kib: u32,
    /// Argon2id passes.
    pub argon2_iterations: u32,
    /// Argon2id lanes.
    pub argon2_parallelism: u32,
}

impl Default for PasswordConfig {
    fn default() -> Self {
        let policy = PasswordPolicy::default();
        Self {
            min_length: policy.min_length,
            max_length: policy.max_length,
            min_score: policy.min_score,
            argon2_memory_kib: Argon2Cost::default().memory_kib,
            argon2_iterations: Argon2Cost::default().iterations,
            argon2_parallelism: Argon2Cost::default().parallelism,
        }
    }
}

impl PasswordConfig {
    /// The argon2id cost new hashes are made with.
    pub fn argon2(&self) -> Argon2Cost {
        Argon2Cost {
            memory_kib: self.argon2_memory_kib,
            iterations: self.argon2_iterations,
            parallelism: self.argon2_parallelism,
        }
    }

    /// The policy this section describes.
    pub fn policy(&self) -> PasswordPolicy {
        PasswordPolicy {
            min_length: self.min_length,
            max_length: self.max_length,
            min_score: self.min_score,
        }
    }
}

/// Durations are written the human way: `60s`, `15m`, `7d`.
pub(super) fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    humantime::parse_duration(&s).map_err(|e| {
        serde::de::Error::custom(format!(
            "`{s}` is not a duration ({e}); write e.g. \"60s\", \"15m\" or \"30d\""
        ))
    })
}

/// A list of durations, each written as [`duration`] reads it: `["1s", "4s"]`.
fn durations<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Duration>, D::Error> {
    Vec::<String>::deserialize(d)?
        .into_iter()
        .map(|s| duration(serde::de::value::StringDeserializer::<D::Error>::new(s)))
        .collect()
}

/// `server.bind`: parsed once here, so a bad address is refused at load time under its key.
fn server_bind<'de, D: Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    socket_addr(d, "127.0.0.1:8080")
}

/// `metrics.bind`, when it is set at all.
fn metrics_bind<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SocketAddr>, D::Error> {
    socket_addr(d, "127.0.0.1:9090").map(Some)
}

/// A listen address such as `example`.
fn socket_addr<'de, D: Deserializer<'de>>(d: D, example: &str) -> Result<SocketAddr, D::Error> {
    let s = String::deserialize(d)?;
    s.parse()
        .map_err(|_| serde::de::Error::custom(format!("`{s}` is not an address like {example}")))
}
