//! `[[upstream]]`: other identity providers a person may sign in with (OpenID Connect, or plain
//! OAuth 2.0 with a userinfo endpoint, GitHub-style). Zero or more; each is parsed here and
//! checked in [`check_upstreams`], whose errors name the key (`upstream[0].issuer`).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::schema::{Secret, duration};
use crate::domain::Issuer;

/// One `[[upstream]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamConfig {
    /// `[a-z0-9-]+`: names the upstream in its callback URL and in the account links.
    pub id: String,
    /// Shown on the login page: "Sign in with {name}".
    pub name: String,
    /// An OpenID Provider: discovery, JWKS and ID token. Without it, the three URLs below.
    pub issuer: Option<Issuer>,
    /// Plain OAuth 2.0: the upstream's authorization endpoint.
    pub authorization_url: Option<url::Url>,
    /// Plain OAuth 2.0: its token endpoint.
    pub token_url: Option<url::Url>,
    /// Plain OAuth 2.0: where the access token reads the person's JSON.
    pub userinfo_url: Option<url::Url>,
    /// Tessera's client id at the upstream.
    pub client_id: String,
    /// The environment variable holding the client secret (none: a public client).
    pub client_secret_env: Option<String>,
    /// The secret read from `client_secret_env` at load time.
    #[serde(skip)]
    pub client_secret: Option<Secret>,
    /// Scopes asked for; unset: `openid profile email` with `issuer`, none without.
    pub scopes: Option<Vec<String>>,
    /// Userinfo member holding the stable account id.
    #[serde(default = "UpstreamConfig::default_subject_claim")]
    pub subject_claim: String,
    /// Userinfo member holding the email address.
    #[serde(default = "UpstreamConfig::default_email_claim")]
    pub email_claim: String,
    /// Userinfo member holding the display name.
    #[serde(default = "UpstreamConfig::default_name_claim")]
    pub name_claim: String,
    /// Userinfo member holding the login name a provisioned username is made from.
    #[serde(default = "UpstreamConfig::default_username_claim")]
    pub username_claim: String,
    /// How a first sign-in finds an existing account.
    #[serde(default)]
    pub link: LinkPolicy,
    /// Create a local account on a first sign-in that found none.
    #[serde(default)]
    pub provision: bool,
    /// Longest one call to the upstream (discovery, JWKS, token, userinfo) may take.
    #[serde(
        default = "UpstreamConfig::default_timeout",
        deserialize_with = "duration"
    )]
    pub timeout: Duration,
}

/// Defaults of the optional `[[upstream]]` keys (the only place they are written).
impl UpstreamConfig {
    fn default_subject_claim() -> String {
        "sub".into()
    }
    fn default_email_claim() -> String {
        "email".into()
    }
    fn default_name_claim() -> String {
        "name".into()
    }
    fn default_username_claim() -> String {
        "preferred_username".into()
    }
    fn default_timeout() -> Duration {
        Duration::from_secs(10)
    }

    /// The scopes asked for.
    pub fn scopes(&self) -> Vec<String> {
        match (&self.scopes, &self.issuer) {
            (Some(s), _) => s.clone(),
            (None, Some(_)) => ["openid", "profile", "email"].map(String::from).to_vec(),
            (None, None) => Vec::new(),
        }
    }

    /// Where the upstream sends the person back: registered at the upstream.
    pub fn callback_url(&self, issuer: &Issuer) -> String {
        format!("{}/upstream/{}/callback", issuer.as_str(), self.id)
    }
}

/// `upstream.link`: how a first sign-in through an upstream finds an existing local account.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LinkPolicy {
    /// Only a previous link (or provisioning) leads to an account.
    #[default]
    None,
    /// An account whose email equals one the upstream marks verified (`email_verified: true`).
    VerifiedEmail,
}

/// Checks every upstream and reads its secret from `env` (else the process environment);
/// an error names the key.
pub(super) fn check_upstreams(
    upstreams: &mut [UpstreamConfig],
    env: &BTreeMap<String, String>,
) -> Result<(), (String, String)> {
    let mut seen = std::collections::BTreeSet::new();
    for (i, u) in upstreams.iter_mut().enumerate() {
        let key = |k: &str| format!("upstream[{i}].{k}");
        if u.id.is_empty()
            || !u
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err((key("id"), "must be made of a-z, 0-9 and -".into()));
        }
        if !seen.insert(u.id.clone()) {
            return Err((key("id"), format!("`{}` is used by another upstream", u.id)));
        }
        if u.name.trim().is_empty() {
            return Err((key("name"), "must not be empty".into()));
        }
        if u.client_id.is_empty() {
            return Err((key("client_id"), "must not be empty".into()));
        }
        let plain = [
            ("authorization_url", &u.authorization_url),
            ("token_url", &u.token_url),
            ("userinfo_url", &u.userinfo_url),
        ];
        match &u.issuer {
            Some(_) => {
                if let Some((k, _)) = plain.iter().find(|(_, v)| v.is_some()) {
                    return Err((key(k), "is for plain OAuth 2.0: not with issuer".into()));
                }
            }
            None => {
                for (k, v) in plain {
                    let Some(url) = v else {
                        return Err((
                            key(k),
                            "is required without issuer (plain OAuth 2.0)".into(),
                        ));
                    };
                    // Same rule as the issuer: TLS unless the upstream is on this machine.
                    Issuer::parse(url.as_str().trim_end_matches('/')).map_err(|e| (key(k), e))?;
                }
            }
        }
        if u.timeout < Duration::from_secs(1) || u.timeout > Duration::from_secs(60) {
            return Err((key("timeout"), "must be between 1s and 60s".into()));
        }
        if let Some(var) = &u.client_secret_env {
            let value = env
                .get(var)
                .cloned()
                .or_else(|| std::env::var(var).ok())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    (
                        key("client_secret_env"),
                        format!("the environment variable {var} is not set"),
                    )
                })?;
            u.client_secret = Some(Secret::new(value));
        }
    }
    Ok(())
}
