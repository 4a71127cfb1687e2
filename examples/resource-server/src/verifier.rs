//! Verifies Tessera access tokens (RFC 9068) with keys from Tessera's JWKS: cached, and fetched
//! again when a token names a kid the cache does not know (at most once per `refetch_after`).

use std::collections::HashMap;
use std::str::FromStr;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::RwLock;

/// The claims this resource server reads from an access token.
#[derive(Debug, Clone, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub client_id: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    /// Who acts for `sub` in a token issued by token exchange (RFC 8693 §4.1), nested per hop.
    #[serde(default)]
    pub act: Option<serde_json::Value>,
    /// The key a DPoP-bound token is bound to (RFC 9449 §6.1).
    #[serde(default)]
    pub cnf: Option<Confirmation>,
}

/// `cnf` of a DPoP-bound token: the JWK SHA-256 thumbprint of the client's key.
#[derive(Debug, Clone, Deserialize)]
pub struct Confirmation {
    pub jkt: String,
}

/// Why a token was refused (each maps to 401 `invalid_token`).
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    Malformed,
    WrongType,
    UnknownKey,
    Invalid(String),
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::Malformed => f.write_str("the token is malformed"),
            Rejection::WrongType => f.write_str("the token is not an access token (typ at+jwt)"),
            Rejection::UnknownKey => f.write_str("the token is not signed by a known key"),
            Rejection::Invalid(why) => write!(f, "the token is invalid: {why}"),
        }
    }
}

struct Cache {
    keys: HashMap<String, (DecodingKey, Algorithm)>,
    fetched: Option<Instant>,
}

/// Checks signature (key and algorithm from the JWKS, never from the token), `typ`, `iss`,
/// `aud` and `exp`.
pub struct Verifier {
    issuer: String,
    audience: String,
    jwks_uri: String,
    refetch_after: Duration,
    http: reqwest::Client,
    cache: RwLock<Cache>,
    /// `scheme://host[:port]` of this service as clients call it (DPoP `htu`); `None`: the
    /// request's `Host` over http.
    public_url: Option<String>,
    seen_proofs: crate::dpop::SeenProofs,
}

impl Verifier {
    /// A verifier for tokens from `issuer` meant for `audience`, keys from `jwks_uri`.
    pub fn new(issuer: &str, audience: &str, jwks_uri: &str) -> Self {
        Self {
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            jwks_uri: jwks_uri.to_string(),
            refetch_after: Duration::from_secs(10),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
            cache: RwLock::new(Cache {
                keys: HashMap::new(),
                fetched: None,
            }),
            public_url: None,
            seen_proofs: Default::default(),
        }
    }

    /// Sets the URL clients call this service at (`scheme://host[:port]`), which DPoP proofs
    /// must name in `htu`.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = Some(url.trim_end_matches('/').to_string());
        self
    }

    /// See [`Verifier::with_public_url`].
    pub fn public_url(&self) -> Option<&str> {
        self.public_url.as_deref()
    }

    /// DPoP proofs this service accepted (replay protection).
    pub fn seen_proofs(&self) -> &crate::dpop::SeenProofs {
        &self.seen_proofs
    }

    /// Sets the shortest interval between two JWKS fetches caused by unknown kids (10 s by
    /// default): a flood of made-up kids cannot make the verifier hammer the issuer.
    pub fn with_refetch_after(mut self, refetch_after: Duration) -> Self {
        self.refetch_after = refetch_after;
        self
    }

    /// Verifies a bearer token and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<AccessClaims, Rejection> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Rejection::Malformed)?;
        // RFC 9068 §4: resource servers MUST check typ is at+jwt (or application/at+jwt).
        let typ = header
            .typ
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if typ != "at+jwt" && typ != "application/at+jwt" {
            return Err(Rejection::WrongType);
        }
        let kid = header.kid.ok_or(Rejection::UnknownKey)?;
        let (key, alg) = self.key(&kid).await.ok_or(Rejection::UnknownKey)?;
        let mut validation = Validation::new(alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.leeway = 5;
        jsonwebtoken::decode::<AccessClaims>(token, &key, &validation)
            .map(|d| d.claims)
            .map_err(|e| Rejection::Invalid(e.to_string()))
    }

    async fn key(&self, kid: &str) -> Option<(DecodingKey, Algorithm)> {
        if let Some(k) = self.cache.read().await.keys.get(kid) {
            return Some(k.clone());
        }
        let mut cache = self.cache.write().await;
        let due = cache
            .fetched
            .is_none_or(|t| t.elapsed() >= self.refetch_after);
        if due {
            match self.fetch().await {
                Ok(keys) => cache.keys = keys,
                Err(e) => tracing::warn!(error = %e, "fetching the JWKS failed"),
            }
            cache.fetched = Some(Instant::now());
        }
        cache.keys.get(kid).cloned()
    }

    async fn fetch(&self) -> Result<HashMap<String, (DecodingKey, Algorithm)>, String> {
        let set: JwkSet = self
            .http
            .get(&self.jwks_uri)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let (Some(kid), Some(alg)) = (jwk.common.key_id.clone(), jwk.common.key_algorithm)
            else {
                continue;
            };
            // Asymmetric signature algorithms only: an HMAC "key" in a JWKS is never trusted.
            if matches!(
                alg,
                KeyAlgorithm::HS256 | KeyAlgorithm::HS384 | KeyAlgorithm::HS512
            ) {
                continue;
            }
            let Ok(alg) = Algorithm::from_str(&format!("{alg:?}")) else {
                continue;
            };
            if let Ok(key) = DecodingKey::from_jwk(jwk) {
                keys.insert(kid, (key, alg));
            }
        }
        Ok(keys)
    }
}
