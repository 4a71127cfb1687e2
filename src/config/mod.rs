//! Typed configuration: one TOML file, overridable key by key with `TESSERA_<SECTION>_<KEY>`
//! environment variables. Every error names the file (or variable) and the key.
//!
//! `schema.rs` holds the sections and their defaults, `env.rs` the environment overlay,
//! `validate.rs` the checks across fields and `trusted_proxies.rs` the one list type of its own;
//! this file puts them together. Values are parsed once, while loading (`Issuer`, `SocketAddr`,
//! `Duration`), so a `Config` that exists is a valid one.

mod env;
mod schema;
mod trusted_proxies;
pub mod ui;
mod upstream;
mod validate;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::domain::Issuer;

pub use schema::Secret;
pub use schema::{
    AuthenticationConfig, AuthorizationConfig, CacheConfig, DatabaseConfig, DeviceConfig,
    DpopConfig, EmailConfig, KeysConfig, LogFormat, MetricsConfig, PasswordConfig, RateLimitConfig,
    RegistrationConfig, RegistrationMode, ScimConfig, ServerConfig, SessionConfig, ThrottleConfig,
    TokensConfig,
};
pub use trusted_proxies::TrustedProxies;
pub use ui::UiConfig;
pub use upstream::{LinkPolicy, UpstreamConfig};

/// The whole configuration. Only `issuer`, `server.bind`, `database.url` and `keys.dir` are
/// required; everything else has a safe default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The OP's issuer identifier (OIDC Discovery §3): absolute http(s) URL, no trailing slash.
    pub issuer: Issuer,
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
    pub authentication: AuthenticationConfig,
    #[serde(default)]
    pub cache: CacheConfig,
    #[serde(default)]
    pub metrics: MetricsConfig,
    #[serde(default)]
    pub rate_limit: RateLimitConfig,
    #[serde(default)]
    pub password: PasswordConfig,
    #[serde(default)]
    pub email: EmailConfig,
    #[serde(default)]
    pub registration: RegistrationConfig,
    #[serde(default)]
    pub device: DeviceConfig,
    /// DPoP proofs (RFC 9449).
    #[serde(default)]
    pub dpop: DpopConfig,
    /// The SCIM 2.0 service.
    #[serde(default)]
    pub scim: ScimConfig,
    /// Languages, the operator's brand, template and asset overrides.
    #[serde(default)]
    pub ui: UiConfig,
    /// Identity providers a person may sign in with instead (`[[upstream]]`, zero or more).
    #[serde(default)]
    pub upstream: Vec<UpstreamConfig>,
}

/// A configuration that could not be loaded; the message names the file or variable and the key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl Config {
    /// Reads `path`, applies the process environment and validates the result.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        Self::load_with_env(path, &env::from_process())
    }

    /// As [`Config::load`], with the environment given explicitly (for tests).
    pub fn load_with_env(path: &Path, env: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("{file}: cannot read the config file: {e}")))?;
        let mut table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError(format!("{file}: {e}")))?;
        let origin = env::overlay(&mut table, env, &file)?;
        let mut config: Config = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| {
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
        upstream::check_upstreams(&mut config.upstream, env)
            .map_err(|(key, msg)| ConfigError(format!("{file}: key `{key}`: {msg}")))?;
        Ok(config)
    }

    /// Whether cookies must carry `Secure` (the issuer is served over https).
    pub fn is_https(&self) -> bool {
        self.issuer.is_https()
    }

    /// The issuer's host: the label of authenticator-app entries (and the WebAuthn RP ID).
    pub fn issuer_host(&self) -> String {
        url::Url::parse(self.issuer.as_str())
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| self.issuer.as_str().to_string())
    }
}
