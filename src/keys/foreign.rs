//! Verification of JWTs signed by someone else with keys they registered: client assertions
//! (`private_key_jwt`, RFC 7523) checked against a client's JWK Set.
//!
//! The key, not the token, decides the algorithm (RFC 8725 §3.1): the key is chosen by `kid`
//! (or is the only signing key in the set), its `alg` — or, when it has none, its `kty`/`crv` —
//! must agree with the header's `alg`, and only [`Alg`]s are possible, so `none` and HMAC can
//! never verify. `jku`, `x5u`, `jwk` and `x5c` headers are ignored: keys come only from the
//! registered set.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::{Jwk, JwkSet};
use serde::Deserialize;

use super::{Verified, VerifyError, algorithms};
use crate::domain::Alg;

#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
}

/// Checks a JWK Set a client registers (`private_key_jwt`): a JWK Set document with at least
/// one key and only public keys (a private or symmetric key sent to the server is a leak).
pub fn check_client_jwk_set(jwks_json: &str) -> Result<(), String> {
    let set =
        JwkSet::from_bytes(jwks_json.as_bytes()).map_err(|e| format!("not a JWK Set ({e})"))?;
    if set.keys().is_empty() {
        return Err("the JWK Set has no keys".into());
    }
    if set
        .keys()
        .iter()
        .any(|k| k.parameter("d").is_some() || k.parameter("k").is_some())
    {
        return Err(
            "the JWK Set holds private or symmetric key material; register public keys only".into(),
        );
    }
    Ok(())
}

/// Verifies `token` against `jwks_json` (a JWK Set document) with one of `allowed` algorithms.
/// `UnknownKey` when no key in the set fits (the caller may re-fetch the set once).
pub fn verify_with_jwk_set(
    token: &str,
    jwks_json: &str,
    allowed: &[Alg],
) -> Result<Verified, VerifyError> {
    if token.len() > 16 * 1024 || token.split('.').count() != 3 {
        return Err(VerifyError::Malformed);
    }
    let header = read_header(token)?;
    let alg = header
        .alg
        .as_deref()
        .and_then(Alg::parse)
        .filter(|a| allowed.contains(a))
        .ok_or(VerifyError::UnknownKey)?;
    let set = JwkSet::from_bytes(jwks_json.as_bytes()).map_err(|_| VerifyError::UnknownKey)?;
    let candidates: Vec<&Jwk> = match header.kid.as_deref() {
        Some(kid) => set.get(kid),
        None => set.keys(),
    };
    let fitting: Vec<&Jwk> = candidates
        .into_iter()
        .filter(|k| key_fits(k, alg))
        .collect();
    // Without a kid the key must be unambiguous (OIDC Core §10.1).
    let [jwk] = fitting.as_slice() else {
        return Err(VerifyError::UnknownKey);
    };
    // josekit insists the header carries the key's kid; the choice is already made above.
    let mut map = jwk.as_ref().clone();
    map.remove("kid");
    let jwk = Jwk::from_map(map).map_err(|_| VerifyError::UnknownKey)?;
    let verifier = algorithms::verifier(alg, &jwk).map_err(|_| VerifyError::UnknownKey)?;
    let (payload, _) = josekit::jws::deserialize_compact(token, verifier.as_ref())
        .map_err(|_| VerifyError::BadSignature)?;
    Ok(Verified {
        typ: header.typ,
        alg,
        payload,
    })
}

/// Whether `jwk` is a public signing key for `alg`.
pub(super) fn key_fits(jwk: &Jwk, alg: Alg) -> bool {
    if jwk.key_use().is_some_and(|u| u != "sig") {
        return false;
    }
    // Private or symmetric material has no place in a registered set.
    if jwk.parameter("d").is_some() || jwk.parameter("k").is_some() {
        return false;
    }
    if let Some(key_alg) = jwk.algorithm() {
        return key_alg == alg.as_str();
    }
    match alg {
        Alg::RS256 | Alg::PS256 => jwk.key_type() == "RSA",
        Alg::ES256 => jwk.key_type() == "EC" && jwk.curve() == Some("P-256"),
        Alg::EdDSA => jwk.key_type() == "OKP" && jwk.curve() == Some("Ed25519"),
    }
}

fn read_header(token: &str) -> Result<Header, VerifyError> {
    let b64 = token.split('.').next().ok_or(VerifyError::Malformed)?;
    let raw = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|_| VerifyError::Malformed)?;
    serde_json::from_slice(&raw).map_err(|_| VerifyError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use josekit::jws::{ES256, HS256, JwsHeader, RS256};
    use serde_json::json;

    fn b64(v: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(v.to_string())
    }

    fn es256_set() -> (Jwk, String) {
        let pair = ES256.generate_key_pair().unwrap();
        let mut public = pair.to_jwk_public_key();
        public.set_key_id("k1");
        public.set_algorithm("ES256");
        let set = json!({"keys": [serde_json::Value::Object(public.as_ref().clone())]});
        (pair.to_jwk_private_key(), set.to_string())
    }

    fn sign_es256(private: &Jwk, header: JwsHeader) -> String {
        let signer = ES256.signer_from_jwk(private).unwrap();
        josekit::jws::serialize_compact(br#"{"sub":"c"}"#, &header, &signer).unwrap()
    }

    #[test]
    fn a_registered_key_verifies_and_pins_its_algorithm() {
        let (private, set) = es256_set();
        let mut h = JwsHeader::new();
        h.set_key_id("k1");
        let token = sign_es256(&private, h);
        let v = verify_with_jwk_set(&token, &set, &Alg::ALL).unwrap();
        assert_eq!(v.alg, Alg::ES256);
        // The same key is refused when its algorithm is not allowed.
        assert_eq!(
            verify_with_jwk_set(&token, &set, &[Alg::RS256]).unwrap_err(),
            VerifyError::UnknownKey
        );
        // A header claiming another algorithm for the key is refused.
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            b64(&json!({"alg": "RS256", "kid": "k1"})),
            parts[1],
            parts[2]
        );
        assert!(verify_with_jwk_set(&forged, &set, &Alg::ALL).is_err());
    }

    #[test]
    fn none_and_hmac_never_verify() {
        let (_, set) = es256_set();
        let unsigned = format!(
            "{}.{}.",
            b64(&json!({"alg": "none", "kid": "k1"})),
            b64(&json!({"sub": "c"}))
        );
        assert!(verify_with_jwk_set(&unsigned, &set, &Alg::ALL).is_err());
        // HS256 keyed with a symmetric key placed in the set: no Alg, no verification.
        let oct = json!({"keys": [{"kty": "oct", "kid": "h", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC14eA"}]});
        let key = Jwk::from_map(oct["keys"][0].as_object().unwrap().clone()).unwrap();
        let signer = HS256.signer_from_jwk(&key).unwrap();
        let mut h = JwsHeader::new();
        h.set_key_id("h");
        let hs = josekit::jws::serialize_compact(br#"{"sub":"c"}"#, &h, &signer).unwrap();
        assert!(verify_with_jwk_set(&hs, &oct.to_string(), &Alg::ALL).is_err());
    }

    #[test]
    fn an_embedded_jwk_header_is_ignored() {
        let (_, set) = es256_set();
        // Signed by an attacker's key that it also embeds in the header (`jwk`), with our kid.
        let pair = RS256.generate_key_pair(2048).unwrap();
        let mut h = JwsHeader::new();
        h.set_key_id("k1");
        h.set_jwk(pair.to_jwk_public_key());
        let signer = RS256.signer_from_jwk(&pair.to_jwk_private_key()).unwrap();
        let token = josekit::jws::serialize_compact(br#"{"sub":"c"}"#, &h, &signer).unwrap();
        assert!(verify_with_jwk_set(&token, &set, &Alg::ALL).is_err());
    }
}
