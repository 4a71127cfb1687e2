//! DPoP proofs (RFC 9449): the checks of §4.3 on a proof's claims, replay protection across
//! instances (§11.1), and stateless server nonces (§8). The signature and the key's thumbprint
//! are checked in [`crate::keys`]; turning a refusal into a response is the endpoint's part
//! (`oauth::dpop`), since `/token` and a resource answer differently (§5, §7.1).
//!
//! Nonces are an HMAC of a time window under a key derived from the key-encryption key, so every
//! instance of one installation makes and accepts the same nonces without sharing state. A nonce
//! is good for the window it was made in and the next one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use crate::config::DpopConfig;
use crate::crypto::{constant_time_eq, hmac_sha256, sha256_b64url, sha256_hex};
use crate::domain::Alg;
use crate::keys::{KeyManager, verify_proof};
use crate::services::dpop_replay::ReplayLog;
use crate::store::{Store, StoreError};

/// The algorithms proofs may be signed with (`dpop_signing_alg_values_supported`).
pub const PROOF_ALGS: [Alg; 4] = [Alg::ES256, Alg::EdDSA, Alg::PS256, Alg::RS256];

/// The largest proof looked at. An RSA-4096 proof is under 3 KiB; anything far larger is
/// refused before it is decoded.
pub const MAX_PROOF_BYTES: usize = 8 * 1024;

/// What the request a proof comes with is: the proof must name it (§4.3 items 8, 9, 12).
#[derive(Debug, Clone, Copy)]
pub struct ProofTarget<'a> {
    /// The HTTP method (`htm`).
    pub method: &'a str,
    /// The URL of the endpoint, without query or fragment (`htu`).
    pub url: &'a str,
    /// The access token the request presents, at a resource (`ath`).
    pub access_token: Option<&'a str>,
}

/// A proof that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// The JWK SHA-256 thumbprint of the proof key: what tokens are bound to (`cnf.jkt`).
    pub jkt: String,
}

/// Why a proof was refused.
#[derive(Debug, thiserror::Error)]
pub enum DpopError {
    /// `invalid_dpop_proof` (§5, §7.1); the description is safe to show.
    #[error("{0}")]
    Invalid(String),
    /// `use_dpop_nonce` (§8): the proof lacks the current nonce.
    #[error("a DPoP nonce from the DPoP-Nonce header is required")]
    NonceRequired,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(why: impl Into<String>) -> DpopError {
    DpopError::Invalid(why.into())
}

/// The claims §4.2 names.
#[derive(Deserialize)]
struct Claims {
    jti: Option<String>,
    htm: Option<String>,
    htu: Option<String>,
    iat: Option<serde_json::Number>,
    ath: Option<String>,
    nonce: Option<String>,
}

/// Checks DPoP proofs and makes nonces. Cheap to share (one per server).
pub struct DpopService {
    max_skew: i64,
    require_nonce: bool,
    nonce_key: [u8; 32],
    /// Accepted proofs on their way to the database, many per commit.
    replays: ReplayLog,
}

impl std::fmt::Debug for DpopService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopService")
            .field("max_skew", &self.max_skew)
            .field("require_nonce", &self.require_nonce)
            .finish_non_exhaustive()
    }
}

impl DpopService {
    /// The service for `[dpop]`, its nonce key derived from `keys`' key-encryption key.
    pub fn new(config: &DpopConfig, keys: &KeyManager) -> Self {
        Self {
            max_skew: config.max_clock_skew.as_secs() as i64,
            require_nonce: config.require_nonce,
            nonce_key: keys.derive_secret("tessera dpop nonce v1"),
            replays: ReplayLog::default(),
        }
    }

    /// Whether proofs must carry a server nonce (`[dpop] require_nonce`).
    pub fn requires_nonce(&self) -> bool {
        self.require_nonce
    }

    /// The nonce to hand out now (`DPoP-Nonce`), when nonces are required.
    pub fn fresh_nonce(&self, now: i64) -> Option<String> {
        self.require_nonce
            .then(|| self.nonce_for_window(now.div_euclid(self.max_skew)))
    }

    fn nonce_for_window(&self, window: i64) -> String {
        URL_SAFE_NO_PAD.encode(&hmac_sha256(&self.nonce_key, &window.to_be_bytes())[..18])
    }

    fn nonce_is_current(&self, nonce: &str, now: i64) -> bool {
        let window = now.div_euclid(self.max_skew);
        [window, window - 1]
            .iter()
            .any(|w| constant_time_eq(nonce, &self.nonce_for_window(*w)))
    }

    /// Checks `proof` (the one `DPoP` header value) for a request to `target` (RFC 9449 §4.3),
    /// and remembers it so it cannot be used again.
    pub async fn check(
        &self,
        store: &Store,
        proof: &str,
        target: &ProofTarget<'_>,
        now: i64,
    ) -> Result<Proof, DpopError> {
        if proof.len() > MAX_PROOF_BYTES {
            return Err(invalid("the DPoP proof is too large"));
        }
        // Items 2, 4–7: a JWT, typed, an asymmetric alg we support, a public key, its signature.
        let verified = verify_proof(proof, &PROOF_ALGS).map_err(|e| invalid(e.to_string()))?;
        // Item 3: the required claims.
        let claims: Claims = serde_json::from_slice(&verified.payload)
            .map_err(|_| invalid("the DPoP proof's claims are malformed"))?;
        let (Some(jti), Some(htm), Some(htu), Some(iat)) =
            (claims.jti, claims.htm, claims.htu, claims.iat)
        else {
            return Err(invalid("the DPoP proof lacks jti, htm, htu or iat"));
        };
        if jti.is_empty() || jti.len() > 256 {
            return Err(invalid("the DPoP proof's jti is empty or too long"));
        }
        // Item 8: the method, exactly.
        if htm != target.method {
            return Err(invalid("the DPoP proof's htm is not this request's method"));
        }
        // Item 9: the URL, without query and fragment, normalised.
        if !same_url(&htu, target.url) {
            return Err(invalid("the DPoP proof's htu is not this endpoint"));
        }
        // Item 10: the server's nonce, when it gives them out.
        if self.require_nonce
            && !claims
                .nonce
                .as_deref()
                .is_some_and(|n| self.nonce_is_current(n, now))
        {
            return Err(DpopError::NonceRequired);
        }
        // Item 11: made within the accepted window (§11.1).
        let iat = iat
            .as_i64()
            .or_else(|| iat.as_f64().map(|f| f as i64))
            .ok_or_else(|| invalid("the DPoP proof's iat is not a time"))?;
        if (iat - now).abs() > self.max_skew {
            return Err(invalid(
                "the DPoP proof's iat is outside the accepted window",
            ));
        }
        // Item 12: bound to the access token presented with it.
        if let Some(token) = target.access_token {
            let expected = sha256_b64url(token);
            if !claims
                .ath
                .as_deref()
                .is_some_and(|ath| constant_time_eq(ath, &expected))
            {
                return Err(invalid(
                    "the DPoP proof's ath does not match the access token",
                ));
            }
        }
        // §11.1: never seen before while it could be accepted.
        let key = sha256_hex(&format!("{}:{jti}", verified.jkt));
        let until = iat + self.max_skew + 1;
        self.remember(store, key, until).await?;
        Ok(Proof { jkt: verified.jkt })
    }

    /// Remembers an accepted proof in the database, where every instance sees it; a replay is
    /// refused. (No cache in memory: proofs are unique by design, so it would only hold
    /// every proof of the last two minutes — and scanning it to prune cost more than the
    /// database write it saved.)
    async fn remember(&self, store: &Store, key: String, until: i64) -> Result<(), DpopError> {
        if !self.replays.record(store, key, until).await? {
            return Err(invalid("the DPoP proof has been used before"));
        }
        Ok(())
    }
}

/// Whether two URLs are the same once query and fragment are dropped and both are normalised
/// (scheme and host case, default port, dot segments; RFC 9449 §4.3 item 9, RFC 3986 §6).
fn same_url(a: &str, b: &str) -> bool {
    let strip = |s: &str| {
        let mut u = url::Url::parse(s).ok()?;
        u.set_query(None);
        u.set_fragment(None);
        Some(u)
    };
    match (strip(a), strip(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compare_without_query_fragment_and_case() {
        assert!(same_url(
            "HTTPS://Server.Example.COM:443/token?x=1#f",
            "https://server.example.com/token"
        ));
        assert!(same_url(
            "http://127.0.0.1:8080/a/../token",
            "http://127.0.0.1:8080/token"
        ));
        assert!(!same_url(
            "https://server.example.com/token/",
            "https://server.example.com/token"
        ));
        assert!(!same_url(
            "https://other.example.com/token",
            "https://server.example.com/token"
        ));
        assert!(!same_url("/token", "https://server.example.com/token"));
    }
}
