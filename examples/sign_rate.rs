//! Prints how many access tokens the server's signers sign per second on this core, per algorithm:
//! `sign_rate [SECONDS] [ALG...]` → one line `ALG signs_per_s` each. Run it pinned to the core
//! the server uses (`taskset -c 1`); `bench/run.sh` does.
//!
//! This is the floor of the token endpoint: the call it makes to sign (`KeyManager::sign`, which
//! builds the header, serialises the claims and signs) of a representative RFC 9068 access token
//! (~320-byte payload), with nothing else. The keys are fresh ones in a throwaway database and
//! key folder, made by the same `KeyManager::open` the server runs at start-up.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;
use tessera::config::Config;
use tessera::domain::Alg;
use tessera::keys::KeyManager;
use tessera::store::Store;

/// The claims of a client_credentials access token, as the token endpoint serialises them.
#[derive(Serialize)]
struct AccessClaims {
    iss: &'static str,
    sub: &'static str,
    aud: &'static str,
    client_id: &'static str,
    scope: &'static str,
    exp: i64,
    iat: i64,
    jti: &'static str,
}

const CLAIMS: AccessClaims = AccessClaims {
    iss: "http://127.0.0.1:8080",
    sub: "d2b1c0f9a8e7d6c5b4a3",
    aud: "http://127.0.0.1:8080",
    client_id: "d2b1c0f9a8e7d6c5b4a3",
    scope: "reports:read reports:write",
    exp: 1_900_000_900,
    iat: 1_900_000_000,
    jti: "Zm9vYmFyYmF6cXV4cXV1eA",
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let secs: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3.0);
    let mut algs: Vec<Alg> = args.filter_map(|a| Alg::parse(&a)).collect();
    if algs.is_empty() {
        algs = vec![Alg::RS256, Alg::ES256];
    }
    let dir = tempfile::tempdir()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let keys = runtime.block_on(open_keys(dir.path(), &algs))?;
    for alg in algs {
        let rate = sign_rate(&keys, alg, Duration::from_secs_f64(secs))?;
        println!("{alg} {rate:.0}");
    }
    Ok(())
}

/// A key manager with an active key of each of `algs`, in a fresh SQLite database under `dir`.
async fn open_keys(
    dir: &std::path::Path,
    algs: &[Alg],
) -> Result<KeyManager, Box<dyn std::error::Error>> {
    let algorithms: Vec<String> = algs.iter().map(|a| format!("\"{a}\"")).collect();
    let config_file = dir.join("tessera.toml");
    std::fs::write(
        &config_file,
        format!(
            "issuer = \"http://127.0.0.1:8080\"\n\
             [server]\nbind = \"127.0.0.1:8080\"\n\
             [database]\nurl = \"sqlite://{d}/tessera.db?mode=rwc\"\n\
             [keys]\ndir = \"{d}/keys\"\nalgorithms = [{algs}]\n",
            d = dir.display(),
            algs = algorithms.join(", "),
        ),
    )?;
    // No environment: a TESSERA_* variable of the calling shell must not change what is measured.
    let config = Config::load_with_env(&config_file, &BTreeMap::new())?;
    let store = Store::connect(&config.database.url, 4, Duration::from_secs(5)).await?;
    store.migrate().await?;
    Ok(KeyManager::open(&store, &config).await?)
}

/// Signs [`CLAIMS`] with the active key of `alg` for about `for_how_long`; returns signatures
/// per second.
fn sign_rate(
    keys: &KeyManager,
    alg: Alg,
    for_how_long: Duration,
) -> Result<f64, Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut n: u64 = 0;
    while start.elapsed() < for_how_long {
        for _ in 0..16 {
            std::hint::black_box(keys.sign(alg, "at+jwt", &CLAIMS)?);
        }
        n += 16;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}
