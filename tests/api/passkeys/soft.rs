//! A software authenticator for the HTTP tests: an ES256 key, "none" attestation, and
//! assertions it can be told to get wrong (another RP ID, a bad signature, an old counter).
//! CBOR is written by hand: only the few shapes WebAuthn needs.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// One credential on a software authenticator.
pub struct SoftKey {
    key: EcdsaKeyPair,
    pub credential_id: Vec<u8>,
    /// The user handle the server gave at registration.
    pub user_handle: Vec<u8>,
    /// The signature counter of the next assertion.
    pub counter: u32,
}

/// What an assertion should get wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    #[default]
    None,
    /// Signed for another RP ID.
    OtherRpId,
    /// The signature does not verify.
    BadSignature,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).expect("base64url")
}

/// A CBOR head: major type and argument (RFC 8949 §3).
fn head(major: u8, n: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        _ => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
    }
}

fn int(i: i64, out: &mut Vec<u8>) {
    if i >= 0 {
        head(0, i as u64, out);
    } else {
        head(1, (-1 - i) as u64, out);
    }
}

fn bytes(b: &[u8], out: &mut Vec<u8>) {
    head(2, b.len() as u64, out);
    out.extend_from_slice(b);
}

fn text(s: &str, out: &mut Vec<u8>) {
    head(3, s.len() as u64, out);
    out.extend_from_slice(s.as_bytes());
}

fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

fn client_data(kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
    json!({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": false})
        .to_string()
        .into_bytes()
}

impl SoftKey {
    /// Makes a credential for `options` (what `/account/passkeys/options` answered) and
    /// returns it with the registration answer, as the script would submit it.
    pub fn register(options: &Value, origin: &str) -> (SoftKey, String) {
        let pk = &options["publicKey"];
        let rp_id = pk["rp"]["id"].as_str().expect("rp.id");
        let challenge = pk["challenge"].as_str().expect("challenge");
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let key =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref()).unwrap();
        let point = key.public_key().as_ref().to_vec(); // 0x04 | x | y
        let credential_id = uuid::Uuid::new_v4().as_bytes().to_vec();
        let mut cose = Vec::new();
        head(5, 5, &mut cose);
        int(1, &mut cose); // kty: EC2
        int(2, &mut cose);
        int(3, &mut cose); // alg: ES256
        int(-7, &mut cose);
        int(-1, &mut cose); // crv: P-256
        int(1, &mut cose);
        int(-2, &mut cose);
        bytes(&point[1..33], &mut cose);
        int(-3, &mut cose);
        bytes(&point[33..65], &mut cose);
        let mut auth_data = sha256(rp_id.as_bytes());
        auth_data.push(0x45); // UP | UV | AT; not backup eligible: device-bound
        auth_data.extend(0u32.to_be_bytes());
        auth_data.extend([0u8; 16]); // AAGUID
        auth_data.extend((credential_id.len() as u16).to_be_bytes());
        auth_data.extend(&credential_id);
        auth_data.extend(cose);
        let mut att = Vec::new();
        head(5, 3, &mut att);
        text("fmt", &mut att);
        text("none", &mut att);
        text("attStmt", &mut att);
        head(5, 0, &mut att);
        text("authData", &mut att);
        bytes(&auth_data, &mut att);
        let answer = json!({
            "id": b64(&credential_id),
            "rawId": b64(&credential_id),
            "type": "public-key",
            "extensions": {},
            "response": {
                "attestationObject": b64(&att),
                "clientDataJSON": b64(&client_data("webauthn.create", challenge, origin)),
            },
        });
        let soft = SoftKey {
            key,
            credential_id,
            user_handle: unb64(pk["user"]["id"].as_str().expect("user.id")),
            counter: 1,
        };
        (soft, answer.to_string())
    }

    /// An assertion for `options` (what `/login/passkey/options` answered); the counter moves
    /// on unless `fault` says otherwise.
    pub fn assert(&mut self, options: &Value, origin: &str, fault: Fault) -> String {
        let pk = &options["publicKey"];
        let challenge = pk["challenge"].as_str().expect("challenge");
        let rp_id = match fault {
            Fault::OtherRpId => "evil.example",
            _ => pk["rpId"].as_str().expect("rpId"),
        };
        self.assert_challenge(challenge, rp_id, origin, fault)
    }

    /// An assertion of `challenge` for `rp_id`.
    pub fn assert_challenge(
        &mut self,
        challenge: &str,
        rp_id: &str,
        origin: &str,
        fault: Fault,
    ) -> String {
        let mut auth_data = sha256(rp_id.as_bytes());
        auth_data.push(0x05); // UP | UV
        auth_data.extend(self.counter.to_be_bytes());
        self.counter += 1;
        let client_data = client_data("webauthn.get", challenge, origin);
        let mut signed = auth_data.clone();
        signed.extend(sha256(&client_data));
        let rng = SystemRandom::new();
        let mut signature = self.key.sign(&rng, &signed).unwrap().as_ref().to_vec();
        if fault == Fault::BadSignature {
            let last = signature.len() - 1;
            signature[last] ^= 0x01;
        }
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "extensions": {},
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(&signature),
                "userHandle": b64(&self.user_handle),
            },
        })
        .to_string()
    }
}
