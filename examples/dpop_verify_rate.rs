//! Prints how many DPoP proofs the server checks per second on this core, signature and key
//! handling only: `dpop_verify_rate [SECONDS]` → `proof_verifies_per_s N per_cpu_second M` (the
//! second counts only the CPU time this thread got, so other load on the machine does not skew it). This is the extra work a
//! DPoP request costs beyond a bearer one, before the replay insert; `bench/dpop_ratio.sh` runs
//! it pinned to the server's core to show how close the DPoP rate comes to its ceiling.

use std::time::{Duration, Instant};

use josekit::jws::{ES256, JwsHeader};
use tessera::keys::verify_proof;
use tessera::services::dpop::PROOF_ALGS;

fn main() -> anyhow::Result<()> {
    let secs: f64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(3.0);
    let pair = ES256.generate_key_pair()?;
    let signer = ES256.signer_from_jwk(&pair.to_jwk_private_key())?;
    let mut header = JwsHeader::new();
    header.set_token_type("dpop+jwt");
    header.set_jwk(pair.to_jwk_public_key());
    let proofs = (0..1000)
        .map(|i| {
            let claims = serde_json::json!({
                "htm": "POST", "htu": "http://127.0.0.1:8080/token", "iat": 1_900_000_000,
                "jti": format!("bench-{i}"),
            });
            josekit::jws::serialize_compact(claims.to_string().as_bytes(), &header, &signer)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let budget = Duration::from_secs_f64(secs);
    let cpu_before = thread_cpu_seconds()?;
    let start = Instant::now();
    let mut done = 0u64;
    while start.elapsed() < budget {
        for p in &proofs {
            std::hint::black_box(verify_proof(p, &PROOF_ALGS)?);
        }
        done += proofs.len() as u64;
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds()? - cpu_before;
    println!(
        "proof_verifies_per_s {:.0} per_cpu_second {:.0}",
        done as f64 / wall,
        done as f64 / cpu
    );
    Ok(())
}

/// User + system time of this thread so far (`/proc/thread-self/stat`, fields 14 and 15).
fn thread_cpu_seconds() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat")?;
    // The command name (field 2) may hold spaces; the fields after it are plain numbers.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    // Linux reports these in USER_HZ, 100 on every architecture it runs on.
    Ok(ticks / 100.0)
}
