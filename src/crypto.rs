//! Small cryptographic helpers shared by the protocol modules: random values, hashes of stored
//! secrets, and password hashing. No other module calls a hash or RNG crate directly.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

use crate::domain::password::{NewPassword, normalize};
use crate::domain::{USER_CODE_ALPHABET, USER_CODE_LEN, UserCode};

/// `n` random bytes from the OS, base64url without padding (for secrets, codes, tokens, ids).
pub fn random_token(n: usize) -> String {
    let mut buf = vec![0u8; n];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A new user code for the device grant: each character drawn uniformly from the alphabet.
pub fn random_user_code() -> UserCode {
    use rand::Rng;
    let code: String = (0..USER_CODE_LEN)
        .map(|_| char::from(USER_CODE_ALPHABET[OsRng.gen_range(0..USER_CODE_ALPHABET.len())]))
        .collect();
    UserCode::parse(&code).expect("drawn from the alphabet")
}

/// A new identifier an operator will type (a client_id, a key's kid): 128 random bits, base64url,
/// never beginning with `-` or `_`, so it can be passed to `--client-id`/`--kid` or pasted into a
/// shell without reading as an option. (Ids made before this rule may begin with `-`; the flags
/// that take them accept that too.)
pub fn random_id() -> String {
    loop {
        let id = random_token(16);
        if id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return id;
        }
    }
}

/// Hex SHA-256: how high-entropy secrets (client secrets, codes, refresh tokens) are stored.
/// They carry ≥128 bits of randomness, so a fast hash is enough and keeps lookups cheap.
pub fn sha256_hex(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(s.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

/// base64url(SHA-256(s)), as PKCE S256 (RFC 7636 §4.2) uses.
pub fn sha256_b64url(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(s.as_bytes()))
}

/// Constant-time equality of two strings (secret comparison).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// An argon2id PHC string for a password being set (checked and NFKC-normalised).
pub fn hash_password(password: &NewPassword) -> anyhow::Result<String> {
    hash_raw(password.expose())
}

fn hash_raw(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Verifies a password as typed against a stored PHC string: its NFKC form first, the form
/// every hash is made from now. Hashes made before passwords were normalised hold the form as
/// typed, so when the NFKC form fails and differs, the raw form is tried too: nobody whose
/// password was set un-normalised is locked out (their next password change stores NFKC).
/// With `None` (unknown user) the same verifications run against a dummy hash, so timing does
/// not tell who exists.
pub fn verify_password(password: &str, phc: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_raw("tessera-dummy-password").unwrap_or_default());
    let (phc, real) = match phc {
        Some(p) => (p, true),
        None => (dummy.as_str(), false),
    };
    let normalized = normalize(password);
    let ok = verify_one(&normalized, phc) || (normalized != password && verify_one(password, phc));
    ok && real
}

/// One argon2 verification of exactly `password`.
fn verify_one(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`verify_password`] off the request threads. argon2 is tens of milliseconds of CPU and
/// ~19 MiB of memory per call: on the async threads it would stall every request queued behind
/// the login (all of them, on one core). At most one verification per core runs at a time, so a
/// burst of logins queues here instead of taking all memory.
pub async fn verify_password_off_thread(password: String, phc: Option<String>) -> bool {
    let Ok(_slot) = argon2_slots().acquire().await else {
        return false; // never closed
    };
    tokio::task::spawn_blocking(move || verify_password(&password, phc.as_deref()))
        .await
        .unwrap_or(false)
}

/// [`hash_password`] off the request threads, in the same slots as verifications (a password
/// change or reset from a page).
pub async fn hash_password_off_thread(password: NewPassword) -> anyhow::Result<String> {
    let _slot = argon2_slots().acquire().await?;
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

/// One argon2 computation per core at a time.
fn argon2_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_never_read_as_an_option() {
        // One id in 32 would begin with '-' or '_' if drawn freely; 10,000 draws catch a regression.
        for _ in 0..10_000 {
            let id = random_id();
            assert_eq!(id.len(), 22, "{id}");
            assert!(id.starts_with(|c: char| c.is_ascii_alphanumeric()), "{id}");
        }
    }

    /// On the single-threaded scheduler (one core) as on any: the right password passes, a
    /// wrong one and an unknown user do not.
    #[tokio::test(flavor = "current_thread")]
    async fn passwords_verify_off_the_request_thread() {
        let phc = hash_raw("correct horse").unwrap();
        assert!(verify_password_off_thread("correct horse".into(), Some(phc.clone())).await);
        assert!(!verify_password_off_thread("wrong horse".into(), Some(phc)).await);
        assert!(!verify_password_off_thread("correct horse".into(), None).await);
    }

    #[test]
    fn a_password_verifies_in_either_normal_form_and_old_raw_hashes_still_work() {
        let policy = crate::domain::password::PasswordPolicy::default();
        let set = NewPassword::parse_for("caf\u{e9} velvet kettle orbit", &policy, &[]).unwrap();
        let phc = hash_password(&set).unwrap();
        assert!(verify_password("caf\u{e9} velvet kettle orbit", Some(&phc)));
        assert!(verify_password(
            "cafe\u{301} velvet kettle orbit",
            Some(&phc)
        ));
        // A hash made before normalisation, from the decomposed form as typed.
        let old = hash_raw("cafe\u{301}").unwrap();
        assert!(verify_password("cafe\u{301}", Some(&old)));
        assert!(!verify_password("cafe", Some(&old)));
    }

    #[test]
    fn sha256_hex_is_the_lowercase_hex_digest() {
        // FIPS 180-2 appendix B.1.
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
