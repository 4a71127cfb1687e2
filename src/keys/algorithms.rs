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

/// ES256 and EdDSA verify through aws-lc-rs, RSA through josekit. Which keys are accepted is
/// josekit's rule in every case: for RSA josekit reads the JWK itself; for ES256 and EdDSA
/// [`check_like_josekit`] applies the same rules, since having josekit (OpenSSL) decode a key
/// only to drop it cost more than the signature check itself (a DPoP proof brings a new key with
/// every request).
pub(super) fn verifier(alg: Alg, jwk: &Jwk) -> Result<Box<dyn JwsVerifier>, KeyError> {
    Ok(match alg {
        Alg::RS256 | Alg::PS256 => josekit_verifier(alg, jwk)?,
        Alg::ES256 | Alg::EdDSA => {
            check_like_josekit(alg, jwk)?;
            Box::new(signer::FastVerifier::from_jwk(alg, jwk)?)
        }
    })
}

/// josekit's `verifier_from_jwk` rules on a JWK's metadata (`kty`, `use`, `key_ops`, `alg`);
/// the curve and the point are checked when aws-lc-rs parses the key.
fn check_like_josekit(alg: Alg, jwk: &Jwk) -> Result<(), KeyError> {
    let kty = match alg {
        Alg::ES256 => "EC",
        Alg::EdDSA => "OKP",
        Alg::RS256 | Alg::PS256 => "RSA",
    };
    let refuse =
        |why: String| KeyError::Jose(josekit::JoseError::InvalidJwkFormat(anyhow::anyhow!(why)));
    if jwk.key_type() != kty {
        return Err(refuse(format!("A parameter kty must be {kty}")));
    }
    if jwk.key_use().is_some_and(|u| u != "sig") {
        return Err(refuse("A parameter use must be sig".into()));
    }
    if !jwk.is_for_key_operation("verify") {
        return Err(refuse("A parameter key_ops must contains verify.".into()));
    }
    if jwk.algorithm().is_some_and(|a| a != alg.as_str()) {
        return Err(refuse(format!("A parameter alg must be {alg}")));
    }
    Ok(())
}

pub(super) fn josekit_verifier(alg: Alg, jwk: &Jwk) -> Result<Box<dyn JwsVerifier>, KeyError> {
    Ok(match alg {
        Alg::RS256 => Box::new(RS256.verifier_from_jwk(jwk)?),
        Alg::PS256 => Box::new(PS256.verifier_from_jwk(jwk)?),
        Alg::ES256 => Box::new(ES256.verifier_from_jwk(jwk)?),
        Alg::EdDSA => Box::new(EdDSA.verifier_from_jwk(jwk)?),
    })
}
