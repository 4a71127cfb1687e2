//! Prints how many access tokens the server's signers sign per second on this core, per algorithm:
//! `sign_rate [SECONDS] [ALG...]` → one line `ALG signs_per_s` each. Run it pinned to the core
//! the server uses (`taskset -c 1`); `bench/run.sh` does.

use std::time::Duration;

use tessera::domain::Alg;
use tessera::keys::raw_sign_rate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let secs: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3.0);
    let mut algs: Vec<Alg> = args.filter_map(|a| Alg::parse(&a)).collect();
    if algs.is_empty() {
        algs = vec![Alg::RS256, Alg::ES256];
    }
    for alg in algs {
        let rate = raw_sign_rate(alg, Duration::from_secs_f64(secs))?;
        println!("{alg} {rate:.0}");
    }
    Ok(())
}
