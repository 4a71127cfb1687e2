//! ES256 and EdDSA signatures through aws-lc-rs, behind josekit's [`JwsSigner`] and
//! [`JwsVerifier`] traits.
//!
//! josekit still builds and parses every token (header, payload, compact serialisation) and
//! still decides which JWKs are acceptable; only the signature itself is made and checked by
//! aws-lc-rs. The reason is speed on the token endpoint's hot path: josekit's OpenSSL signers set
//! up a fresh signing context for every signature, and OpenSSL 3's Ed25519 is slow, so aws-lc-rs
//! signs and verifies both faster (measured in bench/README.md). RSA (RS256, PS256) stays on
//! josekit: aws-lc-rs signs it no faster.
//!
//! A signer is checked when it is made: it signs a probe that josekit's own verifier must accept
//! with the same JWK, so a key this module read wrongly can never sign a token.

use std::sync::Arc;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, ED25519, EcdsaKeyPair,
    Ed25519KeyPair, ParsedPublicKey,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::JoseError;
use josekit::jwk::Jwk;
use josekit::jws::{ES256, EdDSA, JwsAlgorithm, JwsSigner, JwsVerifier};

use super::{KeyError, algorithms};
use crate::domain::Alg;

/// A JWS signer for ES256 (P-256, fixed-length `r || s`, RFC 7518 §3.4) or EdDSA (Ed25519,
/// RFC 8037 §3.1), both 64-byte signatures.
#[derive(Clone)]
pub(super) struct FastSigner {
    key: Arc<Key>,
    kid: Option<String>,
}

enum Key {
    Es256(EcdsaKeyPair, SystemRandom),
    Ed25519(Ed25519KeyPair),
}

impl FastSigner {
    /// The signer of a private JWK of `alg`, which must be ES256 or EdDSA.
    pub(super) fn from_jwk(alg: Alg, jwk: &Jwk) -> Result<Self, KeyError> {
        let key = match alg {
            Alg::ES256 => es256(jwk)?,
            Alg::EdDSA => ed25519(jwk)?,
            Alg::RS256 | Alg::PS256 => return Err(not_ours(jwk, alg)),
        };
        let signer = FastSigner {
            key: Arc::new(key),
            kid: jwk.key_id().map(str::to_owned),
        };
        signer.self_check(alg, jwk)?;
        Ok(signer)
    }

    /// Signs a probe and has josekit verify it with the JWK the key was read from.
    fn self_check(&self, alg: Alg, jwk: &Jwk) -> Result<(), KeyError> {
        let probe = b"tessera signer self-check";
        let signature = self.sign(probe)?;
        algorithms::josekit_verifier(alg, jwk)?
            .verify(probe, &signature)
            .map_err(|e| bad(jwk, &format!("its signature does not verify: {e}")))
    }
}

/// `d`, `x` and `y` of a P-256 JWK, as aws-lc-rs wants them: the scalar and the uncompressed
/// point (`0x04 || x || y`, SEC 1 §2.3.3).
fn es256(jwk: &Jwk) -> Result<Key, KeyError> {
    let point = es256_point(jwk)?;
    let d = param(jwk, "d")?;
    EcdsaKeyPair::from_private_key_and_public_key(&ECDSA_P256_SHA256_FIXED_SIGNING, &d, &point)
        .map(|pair| Key::Es256(pair, SystemRandom::new()))
        .map_err(|e| bad(jwk, &e.to_string()))
}

/// The public point of a P-256 JWK, uncompressed.
fn es256_point(jwk: &Jwk) -> Result<Vec<u8>, KeyError> {
    if jwk.curve() != Some("P-256") {
        return Err(bad(jwk, "not a P-256 key"));
    }
    let mut point = vec![0x04];
    point.extend(param(jwk, "x")?);
    point.extend(param(jwk, "y")?);
    Ok(point)
}

/// Refuses an OKP key of any curve but Ed25519.
fn ed25519_curve(jwk: &Jwk) -> Result<(), KeyError> {
    if jwk.curve() != Some("Ed25519") {
        return Err(bad(jwk, "not an Ed25519 key"));
    }
    Ok(())
}

/// `d` (the 32-byte seed) and `x` (the public key) of an Ed25519 OKP JWK (RFC 8037 §2).
fn ed25519(jwk: &Jwk) -> Result<Key, KeyError> {
    ed25519_curve(jwk)?;
    Ed25519KeyPair::from_seed_and_public_key(&param(jwk, "d")?, &param(jwk, "x")?)
        .map(Key::Ed25519)
        .map_err(|e| bad(jwk, &e.to_string()))
}

/// A base64url member of the JWK, decoded.
fn param(jwk: &Jwk, name: &str) -> Result<Vec<u8>, KeyError> {
    jwk.parameter(name)
        .and_then(|v| v.as_str())
        .and_then(|s| URL_SAFE_NO_PAD.decode(s).ok())
        .ok_or_else(|| bad(jwk, &format!("`{name}` is missing or not base64url")))
}

/// RSA keys are josekit's (`algorithms::signer`, `algorithms::verifier`), never given to this module.
fn not_ours(jwk: &Jwk, alg: Alg) -> KeyError {
    bad(jwk, &format!("{alg} is not signed through aws-lc-rs"))
}

/// The error for a key that cannot be used. Names the key, never its material.
fn bad(jwk: &Jwk, why: &str) -> KeyError {
    KeyError::Corrupt(jwk.key_id().unwrap_or("?").to_owned(), why.to_owned())
}

/// A JWS verifier for ES256 or EdDSA: the public half of a JWK, parsed once.
#[derive(Clone)]
pub(super) struct FastVerifier {
    key: Arc<ParsedPublicKey>,
    alg: Alg,
    kid: Option<String>,
}

impl FastVerifier {
    /// The verifier of a JWK of `alg`, which must be ES256 or EdDSA. Only the public members
    /// are read.
    pub(super) fn from_jwk(alg: Alg, jwk: &Jwk) -> Result<Self, KeyError> {
        let key = match alg {
            Alg::ES256 => ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, es256_point(jwk)?),
            Alg::EdDSA => {
                ed25519_curve(jwk)?;
                ParsedPublicKey::new(&ED25519, param(jwk, "x")?)
            }
            Alg::RS256 | Alg::PS256 => return Err(not_ours(jwk, alg)),
        }
        .map_err(|e| bad(jwk, &e.to_string()))?;
        Ok(FastVerifier {
            key: Arc::new(key),
            alg,
            kid: jwk.key_id().map(str::to_owned),
        })
    }
}

impl JwsVerifier for FastVerifier {
    fn algorithm(&self) -> &dyn JwsAlgorithm {
        match self.alg {
            Alg::ES256 => &ES256,
            _ => &EdDSA,
        }
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), JoseError> {
        self.key.verify_sig(message, signature).map_err(|_| {
            JoseError::InvalidSignature(anyhow::anyhow!("the {} signature is invalid", self.alg))
        })
    }

    fn box_clone(&self) -> Box<dyn JwsVerifier> {
        Box::new(self.clone())
    }
}

impl std::fmt::Debug for FastVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastVerifier")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl JwsSigner for FastSigner {
    fn algorithm(&self) -> &dyn JwsAlgorithm {
        match *self.key {
            Key::Es256(..) => &ES256,
            Key::Ed25519(_) => &EdDSA,
        }
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    fn signature_len(&self) -> usize {
        64
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, JoseError> {
        match &*self.key {
            Key::Es256(pair, rng) => pair
                .sign(rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|e| JoseError::InvalidSignature(anyhow::anyhow!("ES256 signing: {e}"))),
            Key::Ed25519(pair) => Ok(pair.sign(message).as_ref().to_vec()),
        }
    }

    fn box_clone(&self) -> Box<dyn JwsSigner> {
        Box::new(self.clone())
    }
}

impl std::fmt::Debug for FastSigner {
    // The key material stays out of every log and error.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastSigner")
            .field("alg", &self.algorithm().name())
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use josekit::jws::JwsHeader;

    use super::*;

    fn key(alg: Alg) -> Jwk {
        algorithms::generate(alg, "k1").unwrap()
    }

    #[test]
    fn tokens_signed_here_verify_with_josekit() {
        for alg in [Alg::ES256, Alg::EdDSA] {
            let jwk = key(alg);
            let signer = FastSigner::from_jwk(alg, &jwk).unwrap();
            assert_eq!(signer.algorithm().name(), alg.as_str());
            assert_eq!(signer.key_id(), Some("k1"));
            let mut header = JwsHeader::new();
            header.set_key_id("k1");
            let token =
                josekit::jws::serialize_compact(b"{\"sub\":\"s\"}", &header, &signer).unwrap();
            let public = jwk.to_public_key().unwrap();
            let verifier = algorithms::josekit_verifier(alg, &public).unwrap();
            let (payload, header) =
                josekit::jws::deserialize_compact(&token, verifier.as_ref()).unwrap();
            assert_eq!(payload, b"{\"sub\":\"s\"}");
            assert_eq!(header.algorithm(), Some(alg.as_str()));
            // A signature over anything else does not verify.
            let other = signer.sign(b"other").unwrap();
            assert!(verifier.verify(b"{\"sub\":\"s\"}", &other).is_err());
        }
    }

    #[test]
    fn tokens_signed_by_josekit_verify_here_and_altered_ones_do_not() {
        for alg in [Alg::ES256, Alg::EdDSA] {
            let jwk = key(alg);
            let josekit_signer: Box<dyn JwsSigner> = match alg {
                Alg::ES256 => Box::new(ES256.signer_from_jwk(&jwk).unwrap()),
                _ => Box::new(EdDSA.signer_from_jwk(&jwk).unwrap()),
            };
            let public = jwk.to_public_key().unwrap();
            let verifier = FastVerifier::from_jwk(alg, &public).unwrap();
            assert_eq!(verifier.algorithm().name(), alg.as_str());
            assert_eq!(verifier.key_id(), public.key_id());
            let token = josekit::jws::serialize_compact(
                b"{\"sub\":\"s\"}",
                &JwsHeader::new(),
                josekit_signer.as_ref(),
            )
            .unwrap();
            let (payload, _) = josekit::jws::deserialize_compact(&token, &verifier).unwrap();
            assert_eq!(payload, b"{\"sub\":\"s\"}");

            let message = b"message";
            let good = josekit_signer.sign(message).unwrap();
            assert!(verifier.verify(message, &good).is_ok());
            assert!(verifier.verify(b"messagf", &good).is_err());
            let mut flipped = good.clone();
            flipped[10] ^= 1;
            assert!(verifier.verify(message, &flipped).is_err());
            assert!(verifier.verify(message, &good[..63]).is_err());
            assert!(
                verifier
                    .verify(message, &[good.clone(), vec![0]].concat())
                    .is_err()
            );
            let stranger = FastSigner::from_jwk(alg, &key(alg)).unwrap();
            assert!(
                verifier
                    .verify(message, &stranger.sign(message).unwrap())
                    .is_err()
            );
        }
    }

    #[test]
    fn a_public_key_off_its_curve_is_refused_when_read() {
        let mut es = key(Alg::ES256).to_public_key().unwrap();
        es.set_parameter("y", Some(es.parameter("x").cloned().unwrap()))
            .unwrap();
        assert!(FastVerifier::from_jwk(Alg::ES256, &es).is_err());
        let mut ed = key(Alg::EdDSA).to_public_key().unwrap();
        ed.set_parameter("x", Some(serde_json::json!("AAAA")))
            .unwrap();
        assert!(FastVerifier::from_jwk(Alg::EdDSA, &ed).is_err());
    }

    #[test]
    fn rsa_is_left_to_josekit() {
        assert!(FastSigner::from_jwk(Alg::RS256, &key(Alg::RS256)).is_err());
        assert!(FastSigner::from_jwk(Alg::PS256, &key(Alg::PS256)).is_err());
        assert!(FastVerifier::from_jwk(Alg::RS256, &key(Alg::RS256)).is_err());
    }

    #[test]
    fn a_key_whose_halves_do_not_match_is_refused() {
        for alg in [Alg::ES256, Alg::EdDSA] {
            let mut jwk = key(alg);
            let other = key(alg);
            jwk.set_parameter("x", other.parameter("x").cloned())
                .unwrap();
            if alg == Alg::ES256 {
                jwk.set_parameter("y", other.parameter("y").cloned())
                    .unwrap();
            }
            let err = FastSigner::from_jwk(alg, &jwk).unwrap_err();
            assert!(
                matches!(err, KeyError::Corrupt(ref kid, _) if kid == "k1"),
                "{err}"
            );
        }
    }

    #[test]
    fn a_key_of_the_wrong_curve_or_without_d_is_refused() {
        let es = key(Alg::ES256);
        assert!(FastSigner::from_jwk(Alg::EdDSA, &es).is_err());
        let mut no_d = key(Alg::EdDSA);
        no_d.set_parameter("d", None).unwrap();
        let err = FastSigner::from_jwk(Alg::EdDSA, &no_d).unwrap_err();
        assert!(err.to_string().contains("`d`"), "{err}");
        // The error names the key, never its material.
        let d = es.parameter("d").and_then(|v| v.as_str()).unwrap();
        let err = FastSigner::from_jwk(Alg::EdDSA, &es).unwrap_err();
        assert!(!err.to_string().contains(d));
        assert!(!format!("{:?}", FastSigner::from_jwk(Alg::ES256, &es)).contains(d));
    }
}
