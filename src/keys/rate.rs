//! The floor of the token endpoint: how many JWTs the server's own signers (josekit's for RSA,
//! aws-lc-rs behind josekit's trait for ES256 and EdDSA: `signer.rs`) sign per second on this
//! core, with nothing else. `examples/sign_rate.rs` prints it so `bench/run.sh` can report the
//! token endpoint's rate as a share of it. Lives here because josekit is used only in `src/keys`.

use std::time::{Duration, Instant};

use josekit::jws::JwsHeader;

use super::{KeyError, algorithms};
use crate::domain::Alg;

/// Signs a representative RFC 9068 access token (~320-byte payload) with a throwaway key of
/// `alg` for about `for_how_long`; returns signatures per second.
pub fn raw_sign_rate(alg: Alg, for_how_long: Duration) -> Result<f64, KeyError> {
    let kid = "bench-0123456789abcdef";
    let signer = algorithms::signer(alg, &algorithms::generate(alg, kid)?)?;
    let payload = serde_json::json!({
        "iss": "http://127.0.0.1:8080",
        "sub": "d2b1c0f9a8e7d6c5b4a3",
        "aud": "http://127.0.0.1:8080",
        "client_id": "d2b1c0f9a8e7d6c5b4a3",
        "scope": "reports:read reports:write",
        "exp": 1_900_000_900_i64,
        "iat": 1_900_000_000_i64,
        "jti": "Zm9vYmFyYmF6cXV4cXV1eA",
    });
    let payload =
        serde_json::to_vec(&payload).map_err(|e| KeyError::Corrupt(kid.into(), e.to_string()))?;
    let mut header = JwsHeader::new();
    header.set_token_type("at+jwt");
    header.set_key_id(kid);
    let start = Instant::now();
    let mut n: u64 = 0;
    while start.elapsed() < for_how_long {
        for _ in 0..16 {
            std::hint::black_box(josekit::jws::serialize_compact(
                &payload,
                &header,
                signer.as_ref(),
            )?);
        }
        n += 16;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}
