//! Prints how many password verifications the server's own verifier does per second on this
//! core: `argon2_rate SECONDS PHC` → one line `argon2id verifications_per_s`. PHC is a stored
//! hash (`users.password_hash`) of the password `bench-larkspur-tinfoil-quarry-nimbus`, so the
//! parameters are exactly the ones the server verifies with (the default `[password]` cost; a
//! hash at another cost would also be re-hashed on every call). Run it pinned to the server's core
//! (`taskset -c 1`); `bench/sso.sh` does, beside the full sign-in it is the ceiling of.

use std::time::{Duration, Instant};

use tessera::crypto::{Argon2Cost, verify_password};

const PASSWORD: &str = "bench-larkspur-tinfoil-quarry-nimbus";

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(3.0);
    let phc = args.next().expect("usage: argon2_rate SECONDS PHC");
    let cost = Argon2Cost::default();
    let check = verify_password(PASSWORD, Some(&phc), cost);
    assert!(check.ok, "the hash is not of the bench password");
    assert!(
        check.rehashed.is_none(),
        "the hash was made at another cost"
    );
    let (start, mut n) = (Instant::now(), 0u64);
    while start.elapsed() < Duration::from_secs_f64(seconds) {
        assert!(verify_password(PASSWORD, Some(&phc), cost).ok);
        n += 1;
    }
    println!("argon2id {:.1}", n as f64 / start.elapsed().as_secs_f64());
}
