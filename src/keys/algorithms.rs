//! What each [`Alg`] is in code: how its keys are generated and which library signs and
//! verifies with them. The names and the closed set live in `domain::Alg`.

use josekit::jwk::Jwk;
use josekit::jws::{ES256, EdDSA, JwsSigner, JwsVerifier, PS256, RS256};

use super::{KeyError, signer};
use crate::domain::Alg;

/// A fresh private JWK for `alg`, carrying `kid`, `alg` and `use: sig`.
pub(super) fn generate(alg: Alg, kid: &str) -> Result<Jwk, KeyError> {
    use josekit::jwk::KeyPair;
    let mut jwk = match alg {
        Alg::RS256 => RS256.generate_key_pair(2048)?.to_jwk_key_pair(),
        Alg::PS256 => PS256.generate_key_pair(2048)?.to_jwk_key_pair(),
        Alg::ES256 => ES256.generate_key_pair()?.to_jwk_key_pair(),
        Alg::EdDSA => EdDSA
            .generate_key_pair(josekit::jwk::alg::ed::EdCurve::Ed25519)?
            .to_jwk_key_pair(),
    };
    jwk.set_key_id(kid);
    jwk.set_algorithm(alg.as_str());
    jwk.set_key_use("sig");
    Ok(jwk)
}

/// ES256 and EdDSA sign through aws-lc-rs (`signer.rs` says why), RSA through josekit.
pub(super) fn signer(alg: Alg, jwk: &Jwk) -> Result<Box<dyn JwsSigner>, KeyError> {
    Ok(match alg {
        Alg::RS256 => Box::new(RS256.signer_from_jwk(jwk)?),
        Alg::PS256 => Box::new(PS256.signer_from_jwk(jwk)?),
        Alg::ES256 | Alg::EdDSA => Box::new(signer::FastSigner::from_jwk(alg, jwk)?),
    })
}

/// ES256 and EdDSA verify through aws-lc-rs, RSA through josekit. josekit reads the JWK
/// first in every case, so which keys are accepted (`kty`, `use`, `key_ops`, `alg`) is
/// josekit's decision alone.
pub(super) fn verifier(alg: Alg, jwk: &Jwk) -> Result<Box<dyn JwsVerifier>, KeyError> {
    let josekit = josekit_verifier(alg, jwk)?;
    Ok(match alg {
        Alg::RS256 | Alg::PS256 => josekit,
        Alg::ES256 | Alg::EdDSA => Box::new(signer::FastVerifier::from_jwk(alg, jwk)?),
    })
}

pub(super) fn josekit_verifier(alg: Alg, jwk: &Jwk) -> Result<Box<dyn JwsVerifier>, KeyError> {
    Ok(match alg {
        Alg::RS256 => Box::new(RS256.verifier_from_jwk(jwk)?),
        Alg::PS256 => Box::new(PS256.verifier_from_jwk(jwk)?),
        Alg::ES256 => Box::new(ES256.verifier_from_jwk(jwk)?),
        Alg::EdDSA => Box::new(EdDSA.verifier_from_jwk(jwk)?),
    })
}
