//! The upstream leg of a sign-in through another identity provider (`[[upstream]]`): the
//! authorization request Tessera sends there, and the identity read from the answer.
//!
//! Both kinds use PKCE (S256, RFC 7636), `state` (RFC 6749 §10.12) and, for OpenID Connect, a
//! `nonce` (OIDC Core §3.1.2.1); the caller parks them in the browser session and compares the
//! callback's `state`. An OpenID Provider (`oidc.rs`, with the `openidconnect` crate) is found by
//! discovery; its ID token is validated against its JWKS (signature, `iss`, `aud`, `exp`,
//! `nonce`, `azp`), and an unknown `kid` fetches the JWKS again (the upstream rotated its keys).
//! A plain OAuth 2.0 upstream (`plain.rs`, with the `oauth2` crate) is read through its userinfo
//! endpoint with the configured claim names. Every call has the upstream's `timeout` and follows
//! no redirects.

pub mod link;
mod oidc;
mod plain;

use std::sync::Arc;

use oauth2::PkceCodeChallenge;

use crate::clock::Clock;
use crate::config::{Config, UpstreamConfig};
use crate::crypto::random_token;

/// The configured upstreams, each with its HTTP client and (OpenID Connect) discovery cache.
/// Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Upstreams(Arc<Vec<Upstream>>);

/// One upstream.
#[derive(Debug)]
pub struct Upstream {
    pub config: UpstreamConfig,
    /// `{issuer}/upstream/{id}/callback`.
    callback: String,
    http: reqwest::Client,
    /// OpenID Connect: the provider's metadata and JWKS, cached.
    oidc: oidc::Provider,
}

/// A started upstream sign-in: where to send the browser, and what to park until it returns.
#[derive(Debug)]
pub struct Started {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the upstream says signed in.
#[derive(Debug, Clone, Default)]
pub struct UpstreamIdentity {
    /// The upstream's stable id of the account (`sub`, or the userinfo's `subject_claim`).
    pub subject: String,
    pub email: Option<String>,
    /// The upstream says it verified `email`.
    pub email_verified: bool,
    pub name: Option<String>,
    /// A login name to make a local username from.
    pub username: Option<String>,
    /// The upstream's `amr` (OpenID Connect only).
    pub amr: Vec<String>,
}

/// Why the upstream leg failed. The messages never carry a token or secret.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// Down, slow (timeout), a 5xx, or a discovery document that could not be had.
    #[error("the upstream could not be reached: {0}")]
    Unreachable(String),
    /// An answer that must not be trusted: a bad ID token (signature, issuer, audience, expiry,
    /// nonce), a refused code, an answer without a subject.
    #[error("the upstream's answer was refused: {0}")]
    Refused(String),
}

impl Upstreams {
    /// The upstreams of `config`; their clients time out after each one's `timeout`.
    pub fn from_config(config: &Config, clock: Clock) -> Self {
        let list = config
            .upstream
            .iter()
            .map(|u| Upstream {
                callback: u.callback_url(&config.issuer),
                http: reqwest::Client::builder()
                    .timeout(u.timeout)
                    .connect_timeout(u.timeout)
                    // No redirects: a token or code must not be forwarded elsewhere.
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent("Tessera")
                    .build()
                    .unwrap_or_default(),
                oidc: oidc::Provider::new(clock.clone()),
                config: u.clone(),
            })
            .collect();
        Self(Arc::new(list))
    }

    /// Every upstream, in configuration order.
    pub fn all(&self) -> &[Upstream] {
        &self.0
    }

    /// The upstream with this id.
    pub fn get(&self, id: &str) -> Option<&Upstream> {
        self.0.iter().find(|u| u.config.id == id)
    }
}

impl Upstream {
    /// A fresh `state`, `nonce` and PKCE pair, and the upstream's authorization URL carrying
    /// them (OpenID Connect: after discovery).
    pub async fn start(&self) -> Result<Started, UpstreamError> {
        let state = random_token(24);
        let nonce = random_token(24);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let url = match &self.config.issuer {
            Some(_) => {
                oidc::authorization_url(self, state.clone(), nonce.clone(), challenge).await?
            }
            None => plain::authorization_url(self, state.clone(), challenge)?,
        };
        Ok(Started {
            url,
            state,
            nonce,
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Redeems `code` and reads who signed in.
    pub async fn finish(
        &self,
        code: String,
        pkce_verifier: String,
        nonce: String,
    ) -> Result<UpstreamIdentity, UpstreamError> {
        let identity = match &self.config.issuer {
            Some(_) => oidc::finish(self, code, pkce_verifier, nonce).await?,
            None => plain::finish(self, code, pkce_verifier).await?,
        };
        if identity.subject.is_empty() {
            return Err(UpstreamError::Refused("the answer names no subject".into()));
        }
        Ok(identity)
    }

    /// The scopes to ask for.
    fn scopes(&self) -> impl Iterator<Item = oauth2::Scope> + '_ {
        self.config
            .scopes()
            .into_iter()
            // openidconnect adds `openid` itself.
            .filter(|s| s != "openid" || self.config.issuer.is_none())
            .map(oauth2::Scope::new)
    }
}

/// Sorts a failed token request: no answer at all is the upstream being unreachable; an
/// error answer (`invalid_grant` for a replayed code) or a garbled one is a refusal.
fn token_error<RE, T>(e: oauth2::RequestTokenError<RE, T>) -> UpstreamError
where
    RE: std::error::Error + 'static,
    T: oauth2::ErrorResponse + 'static,
{
    match e {
        oauth2::RequestTokenError::Request(e) => UpstreamError::Unreachable(e.to_string()),
        oauth2::RequestTokenError::ServerResponse(e) => {
            UpstreamError::Refused(format!("token endpoint: {e}"))
        }
        oauth2::RequestTokenError::Parse(e, _) => {
            UpstreamError::Refused(format!("token response: {e}"))
        }
        oauth2::RequestTokenError::Other(e) => UpstreamError::Refused(e),
    }
}
