//! DPoP-bound tokens at a resource server (RFC 9449 §7): a token with `cnf.jkt` is accepted only
//! as `Authorization: DPoP <token>` with a proof signed by that key, naming this request
//! (`htm`, `htu`) and the token (`ath`), made within the last minute, and never seen before.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::ThumbprintHash;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// How far a proof's `iat` may be from now, in seconds.
pub const MAX_SKEW: i64 = 60;

/// The algorithms accepted for proofs (Tessera's `dpop_signing_alg_values_supported`).
pub const ALGS: &[Algorithm] = &[
    Algorithm::ES256,
    Algorithm::EdDSA,
    Algorithm::PS256,
    Algorithm::RS256,
];

#[derive(Deserialize)]
struct ProofClaims {
    jti: String,
    htm: String,
    htu: String,
    iat: i64,
    ath: Option<String>,
}

/// What the proof must match.
pub struct Expected<'a> {
    pub method: &'a str,
    /// The URL of this request, without query.
    pub url: &'a str,
    pub access_token: &'a str,
    /// The token's `cnf.jkt`.
    pub jkt: &'a str,
    pub now: i64,
}

/// Proofs already accepted (`jti` → when they can be forgotten).
#[derive(Default)]
pub struct SeenProofs(Mutex<HashMap<String, i64>>);

impl SeenProofs {
    /// Checks `proof` (RFC 9449 §4.3); the error text is safe to show.
    pub fn check(&self, proof: &str, e: &Expected<'_>) -> Result<(), String> {
        if proof.len() > 8 * 1024 {
            return Err("the DPoP proof is too large".into());
        }
        let header = jsonwebtoken::decode_header(proof).map_err(|_| "malformed DPoP proof")?;
        if !header
            .typ
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("dpop+jwt"))
        {
            return Err("the DPoP proof's typ is not dpop+jwt".into());
        }
        if !ALGS.contains(&header.alg) {
            return Err("the DPoP proof's alg is not supported".into());
        }
        let jwk = header.jwk.ok_or("the DPoP proof has no jwk")?;
        // DecodingKey::from_jwk reads only the public members, so a private key cannot leak in.
        if jwk.thumbprint(ThumbprintHash::SHA256) != e.jkt {
            return Err("the DPoP proof's key is not the one the token is bound to".into());
        }
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| "the DPoP proof's jwk is unusable")?;
        let mut validation = Validation::new(header.alg);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        let claims = jsonwebtoken::decode::<ProofClaims>(proof, &key, &validation)
            .map_err(|_| "the DPoP proof's signature or claims are invalid")?
            .claims;
        if claims.htm != e.method || strip(&claims.htu) != strip(e.url) {
            return Err("the DPoP proof is for another request (htm, htu)".into());
        }
        if (claims.iat - e.now).abs() > MAX_SKEW {
            return Err("the DPoP proof's iat is outside the accepted window".into());
        }
        let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(e.access_token.as_bytes()));
        if claims.ath.as_deref() != Some(ath.as_str()) {
            return Err("the DPoP proof's ath does not match the access token".into());
        }
        let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        seen.retain(|_, until| *until > e.now);
        let key = format!("{}:{}", e.jkt, claims.jti);
        if seen.contains_key(&key) {
            return Err("the DPoP proof has been used before".into());
        }
        seen.insert(key, claims.iat + MAX_SKEW + 1);
        Ok(())
    }
}

/// The URL without query and fragment, scheme and host in lower case.
fn strip(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or_default();
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            format!(
                "{}://{}{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase(),
                path
            )
        }
        None => url.to_string(),
    }
}
