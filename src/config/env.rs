//! The environment overlay: `TESSERA_<SECTION>_<KEY>` (top-level: `TESSERA_ISSUER`) sets one key
//! of the file, as if it had been written there.

use std::collections::BTreeMap;

use super::ConfigError;

/// Sections whose keys can be set from `TESSERA_<SECTION>_<KEY>`.
const SECTIONS: &[&str] = &[
    "server",
    "database",
    "keys",
    "tokens",
    "authorization",
    "session",
    "throttle",
    "authentication",
    "cache",
    "metrics",
    "rate_limit",
    "password",
    "email",
    "registration",
    "device",
    "dpop",
    "scim",
    "ui",
];

/// Environment variables that start with `TESSERA_` but are not config keys.
const NON_CONFIG_VARS: &[&str] = &["TESSERA_CONFIG"];

/// The process's `TESSERA_*` variables that are config keys.
pub(super) fn from_process() -> BTreeMap<String, String> {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("TESSERA_"))
        .filter(|(k, _)| !NON_CONFIG_VARS.contains(&k.as_str()) && !k.starts_with("TESSERA_TEST_"))
        .collect()
}

/// Writes each variable of `env` into `table` (read from `file`); returns which variable set
/// which key (`database.url` → `TESSERA_DATABASE_URL`), so errors can name it.
pub(super) fn overlay(
    table: &mut toml::Table,
    env: &BTreeMap<String, String>,
    file: &str,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let mut origin: BTreeMap<String, String> = BTreeMap::new();
    // Other variables are not config keys: an upstream's `client_secret_env` names one.
    for (var, raw) in env.iter().filter(|(k, _)| k.starts_with("TESSERA_")) {
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
    Ok(origin)
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
