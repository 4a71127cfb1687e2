//! The signature side of a DPoP proof (RFC 9449 §4.2, §4.3 items 4–7): a JWT signed by the key
//! it carries in its own `jwk` header, and that key's JWK SHA-256 thumbprint (RFC 7638), which
//! tokens are bound to (`cnf.jkt`, §6.1). The claims (`htm`, `htu`, `iat`, `jti`, `ath`, `nonce`)
//! are checked by `services::dpop`.
//!
//! The embedded key decides the algorithm as with registered keys ([`super::foreign`]): only
//! [`Alg`]s are possible, so `none` and HMAC never verify, and the key's type must fit `alg`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::Jwk;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::algorithms;
use crate::domain::Alg;

/// The `typ` of a DPoP proof (RFC 9449 §4.2).
pub const DPOP_TYP: &str = "dpop+jwt";

/// JWK members that only a private (or symmetric) key has (RFC 7517 §9.2, RFC 7518 §6).
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Why a proof's header or signature is refused; every variant is `invalid_dpop_proof`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProofKeyError {
    #[error("the DPoP proof is not a well-formed signed JWT")]
    Malformed,
    #[error("the DPoP proof's typ is not dpop+jwt")]
    WrongType,
    #[error("the DPoP proof's alg is not supported")]
    UnsupportedAlg,
    #[error("the DPoP proof's jwk is missing, private, or does not fit its alg")]
    BadKey,
    #[error("the DPoP proof's signature is invalid")]
    BadSignature,
}

/// A proof whose signature checked out with its own key.
#[derive(Debug)]
pub struct VerifiedProof {
    pub alg: Alg,
    /// The JWK SHA-256 thumbprint of the proof key, base64url (RFC 7638, RFC 9449 §6.1).
    pub jkt: String,
    pub payload: Vec<u8>,
}

#[derive(Deserialize)]
struct Header {
    typ: Option<String>,
    alg: Option<String>,
    jwk: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Verifies `proof` with the public key in its `jwk` header, by one of `allowed` algorithms.
pub fn verify_proof(proof: &str, allowed: &[Alg]) -> Result<VerifiedProof, ProofKeyError> {
    if proof.split('.').count() != 3 {
        return Err(ProofKeyError::Malformed);
    }
    let header = read_header(proof)?;
    // RFC 9449 §4.3 item 4: explicitly typed, `dpop+jwt` (media types compare case-insensitively).
    if !header
        .typ
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case(DPOP_TYP))
    {
        return Err(ProofKeyError::WrongType);
    }
    // Item 5: an asymmetric algorithm the server supports; `none` and MACs are not `Alg`s.
    let alg = header
        .alg
        .as_deref()
        .and_then(Alg::parse)
        .filter(|a| allowed.contains(a))
        .ok_or(ProofKeyError::UnsupportedAlg)?;
    // Item 7: the key is public only.
    let mut map = header.jwk.ok_or(ProofKeyError::BadKey)?;
    if PRIVATE_MEMBERS.iter().any(|m| map.contains_key(*m)) {
        return Err(ProofKeyError::BadKey);
    }
    let jkt = thumbprint(&map).ok_or(ProofKeyError::BadKey)?;
    // josekit would insist the header names the key's kid; the key is the header's own.
    map.remove("kid");
    let jwk = Jwk::from_map(map).map_err(|_| ProofKeyError::BadKey)?;
    if !super::foreign::key_fits(&jwk, alg) {
        return Err(ProofKeyError::BadKey);
    }
    let verifier = algorithms::verifier(alg, &jwk).map_err(|_| ProofKeyError::BadKey)?;
    // Item 6: the signature.
    let (payload, _) = josekit::jws::deserialize_compact(proof, verifier.as_ref())
        .map_err(|_| ProofKeyError::BadSignature)?;
    Ok(VerifiedProof { alg, jkt, payload })
}

/// The RFC 7638 thumbprint: SHA-256 over the required members of the key type, in
/// lexicographic order, without whitespace; `None` for a key type that has none of ours.
pub fn thumbprint(jwk: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    let members: &[&str] = match jwk.get("kty")?.as_str()? {
        "EC" => &["crv", "kty", "x", "y"],
        "RSA" => &["e", "kty", "n"],
        "OKP" => &["crv", "kty", "x"],
        _ => return None,
    };
    let mut canonical = serde_json::Map::new();
    for m in members {
        canonical.insert(
            (*m).to_string(),
            serde_json::Value::String(jwk.get(*m)?.as_str()?.into()),
        );
    }
    // serde_json's map is ordered by key (no `preserve_order`), so this is the canonical form.
    let json = serde_json::Value::Object(canonical).to_string();
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(json.as_bytes())))
}

fn read_header(token: &str) -> Result<Header, ProofKeyError> {
    let b64 = token.split('.').next().ok_or(ProofKeyError::Malformed)?;
    let raw = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|_| ProofKeyError::Malformed)?;
    serde_json::from_slice(&raw).map_err(|_| ProofKeyError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use josekit::jws::{ES256, HS256, JwsHeader};
    use serde_json::json;

    #[test]
    fn rfc_7638_example_thumbprint() {
        // RFC 7638 §3.1.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(
            thumbprint(jwk.as_object().unwrap()).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    fn proof(header: JwsHeader, signer: &dyn josekit::jws::JwsSigner) -> String {
        josekit::jws::serialize_compact(br#"{"jti":"a"}"#, &header, signer).unwrap()
    }

    #[test]
    fn an_es256_proof_verifies_with_its_own_key() {
        let pair = ES256.generate_key_pair().unwrap();
        let mut h = JwsHeader::new();
        h.set_token_type("dpop+jwt");
        h.set_jwk(pair.to_jwk_public_key());
        let signer = ES256.signer_from_jwk(&pair.to_jwk_private_key()).unwrap();
        let p = proof(h.clone(), &signer);
        let v = verify_proof(&p, &Alg::ALL).unwrap();
        assert_eq!(v.alg, Alg::ES256);
        assert_eq!(
            v.jkt,
            thumbprint(pair.to_jwk_public_key().as_ref()).unwrap()
        );
        // The same proof with the private key in the header is refused.
        h.set_jwk(pair.to_jwk_private_key());
        assert_eq!(
            verify_proof(&proof(h, &signer), &Alg::ALL).unwrap_err(),
            ProofKeyError::BadKey
        );
    }

    #[test]
    fn hmac_and_untyped_proofs_are_refused() {
        let key = Jwk::from_map(
            json!({"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC14eA"})
                .as_object()
                .unwrap()
                .clone(),
        )
        .unwrap();
        let signer = HS256.signer_from_jwk(&key).unwrap();
        let mut h = JwsHeader::new();
        h.set_token_type("dpop+jwt");
        assert_eq!(
            verify_proof(&proof(h, &signer), &Alg::ALL).unwrap_err(),
            ProofKeyError::UnsupportedAlg
        );
        let pair = ES256.generate_key_pair().unwrap();
        let mut h = JwsHeader::new();
        h.set_token_type("JWT");
        h.set_jwk(pair.to_jwk_public_key());
        let signer = ES256.signer_from_jwk(&pair.to_jwk_private_key()).unwrap();
        assert_eq!(
            verify_proof(&proof(h, &signer), &Alg::ALL).unwrap_err(),
            ProofKeyError::WrongType
        );
    }
}
