//! Small cryptographic helpers shared by the protocol modules: random values, hashes of stored
//! secrets, and password hashing. No other module calls a hash or RNG crate directly.

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

use crate::domain::password::{NewPassword, normalize};
use crate::domain::{USER_CODE_ALPHABET, USER_CODE_LEN, UserCode};

mod workspace;

/// `n` random bytes from the OS, base64url without padding (for secrets, codes, tokens, ids).
pub fn random_token(n: usize) -> String {
    let mut buf = vec![0u8; n];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// `n` random bytes from the OS (a TOTP secret).
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    OsRng.fill_bytes(&mut buf);
    buf
}

/// A recovery code: 80 random bits as 16 lowercase base32 letters and digits in groups of four
/// (`abcd-efgh-2345-wxyz`); no 0, 1, 8 or 9 to misread.
pub fn recovery_code() -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let bytes = random_bytes(16);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// How a recovery code is stored: SHA-256 of the person's id and the code as typed without
/// spaces or dashes, lowercased. 80 random bits need no slow hash; the id keeps two people's
/// hashes of one code apart.
pub fn recovery_code_hash(user_id: &str, code: &str) -> String {
    let typed: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    sha256_hex(&format!("{user_id}:{typed}"))
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

/// HMAC-SHA256 of `message` under `key` (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use aws_lc_rs::hmac;
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// Constant-time equality of two strings (secret comparison).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Argon2id cost (`[password] argon2_memory_kib`, `argon2_iterations`, `argon2_parallelism`).
/// The default is OWASP's first recommendation: 19 MiB, two passes, one lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Argon2Cost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for Argon2Cost {
    fn default() -> Self {
        Self {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            parallelism: Params::DEFAULT_P_COST,
        }
    }
}

impl Argon2Cost {
    /// The argon2 parameters, or why they are impossible (config validation names the key).
    pub fn params(&self) -> Result<Params, String> {
        Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| e.to_string())
    }

    fn hasher(&self) -> Argon2<'static> {
        Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            self.params().unwrap_or_default(),
        )
    }

    /// Whether `phc` was made with exactly this cost (argon2id, same m, t, p).
    fn made(&self, phc: &str) -> bool {
        let Ok(hash) = PasswordHash::new(phc) else {
            return false;
        };
        let same_params = Params::try_from(&hash).is_ok_and(|p| {
            p.m_cost() == self.memory_kib
                && p.t_cost() == self.iterations
                && p.p_cost() == self.parallelism
        });
        hash.algorithm == argon2::ARGON2ID_IDENT && same_params
    }

    /// A hash of a fixed password at this cost, made once per cost: what an unknown username
    /// is verified against, so it takes as long as a real account's.
    fn dummy(&self) -> String {
        static DUMMIES: OnceLock<std::sync::Mutex<std::collections::HashMap<Argon2Cost, String>>> =
            OnceLock::new();
        let map = DUMMIES.get_or_init(Default::default);
        let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(*self)
            .or_insert_with(|| hash_raw("tessera-dummy-password", *self).unwrap_or_default())
            .clone()
    }
}

/// An argon2id PHC string for a password being set (checked and NFKC-normalised).
pub fn hash_password(password: &NewPassword, cost: Argon2Cost) -> anyhow::Result<String> {
    hash_raw(password.expose(), cost)
}

fn hash_raw(password: &str, cost: Argon2Cost) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    cost.hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// What a password check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The password is right (never for an unknown user).
    pub ok: bool,
    /// Right, but the stored hash was made at another cost: the new hash to store.
    pub rehashed: Option<String>,
}

/// Verifies a password as typed against a stored PHC string: its NFKC form first, the form
/// every hash is made from now. Hashes made before passwords were normalised hold the form as
/// typed, so when the NFKC form fails and differs, the raw form is tried too: nobody whose
/// password was set un-normalised is locked out (their next password change stores NFKC).
/// With `None` (unknown user) the same verifications run against a dummy hash, so timing does
/// not tell who exists.
/// A right password whose hash was made at another cost (or before normalisation) is hashed
/// again at `cost`, from its NFKC form (`Verified::rehashed`).
pub fn verify_password(password: &str, phc: Option<&str>, cost: Argon2Cost) -> Verified {
    let dummy = cost.dummy();
    let (phc, real) = match phc {
        Some(p) => (p, true),
        None => (dummy.as_str(), false),
    };
    let normalized = normalize(password);
    let nfkc_ok = verify_one(&normalized, phc);
    let ok = (nfkc_ok || (normalized != password && verify_one(password, phc))) && real;
    let rehashed = (ok && (!nfkc_ok || !cost.made(phc)))
        .then(|| hash_raw(&normalized, cost).ok())
        .flatten();
    Verified { ok, rehashed }
}

/// One argon2 verification of exactly `password`, with the hash's own algorithm, version and
/// parameters (as `PasswordVerifier` would), in a reused workspace ([`workspace`]).
fn verify_one(password: &str, phc: &str) -> bool {
    use subtle::ConstantTimeEq;
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm) else {
        return false;
    };
    let Ok(version) = hash.version.map(Version::try_from).transpose() else {
        return false;
    };
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), params);
    let mut out = vec![0u8; expected.len()];
    workspace::with_blocks(blocks, |memory| {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory)
    })
    .is_ok()
        && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// [`verify_password`] off the request threads. argon2 is tens of milliseconds of CPU and
/// ~19 MiB of memory per call: on the async threads it would stall every request queued behind
/// the login (all of them, on one core). At most one verification per core runs at a time, so a
/// burst of logins queues here instead of taking all memory.
pub async fn verify_password_off_thread(
    password: String,
    phc: Option<String>,
    cost: Argon2Cost,
) -> Verified {
    let refused = Verified {
        ok: false,
        rehashed: None,
    };
    let Ok(_slot) = argon2_slots().acquire().await else {
        return refused; // never closed
    };
    tokio::task::spawn_blocking(move || verify_password(&password, phc.as_deref(), cost))
        .await
        .unwrap_or(refused)
}

/// [`hash_password`] off the request threads, in the same slots as verifications (a password
/// change or reset from a page).
pub async fn hash_password_off_thread(
    password: NewPassword,
    cost: Argon2Cost,
) -> anyhow::Result<String> {
    let _slot = argon2_slots().acquire().await?;
    tokio::task::spawn_blocking(move || hash_password(&password, cost)).await?
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
        let cost = Argon2Cost::default();
        let phc = hash_raw("correct horse", cost).unwrap();
        let check = |p: &str, phc: Option<String>| verify_password_off_thread(p.into(), phc, cost);
        assert!(check("correct horse", Some(phc.clone())).await.ok);
        assert!(!check("wrong horse", Some(phc)).await.ok);
        assert!(!check("correct horse", None).await.ok);
    }

    #[test]
    fn a_password_verifies_in_either_normal_form_and_old_raw_hashes_still_work() {
        let policy = crate::domain::password::PasswordPolicy::default();
        let set = NewPassword::parse_for("caf\u{e9} velvet kettle orbit", &policy, &[]).unwrap();
        let cost = Argon2Cost::default();
        let phc = hash_password(&set, cost).unwrap();
        let ok = |p: &str, phc: &str| verify_password(p, Some(phc), cost).ok;
        assert!(ok("caf\u{e9} velvet kettle orbit", &phc));
        assert!(ok("cafe\u{301} velvet kettle orbit", &phc));
        // A hash made before normalisation, from the decomposed form as typed: right, and
        // hashed again from the NFKC form.
        let old = hash_raw("cafe\u{301}", cost).unwrap();
        assert!(ok("cafe\u{301}", &old));
        assert!(!ok("cafe", &old));
        assert!(
            verify_password("cafe\u{301}", Some(&old), cost)
                .rehashed
                .is_some()
        );
    }

    /// The reused-workspace verification answers as argon2's own verifier does, for every
    /// algorithm and version a stored hash may name, at several sizes one after another.
    #[test]
    fn verification_in_a_reused_workspace_matches_argon2s_own() {
        use argon2::password_hash::PasswordVerifier;
        let small = Params::new(8192, 1, 1, None).unwrap();
        let wide = Params::new(16384, 2, 2, Some(16)).unwrap();
        let mut hashes = Vec::new();
        for algorithm in [Algorithm::Argon2id, Algorithm::Argon2i, Algorithm::Argon2d] {
            for version in [Version::V0x13, Version::V0x10] {
                for params in [&wide, &small] {
                    let salt = SaltString::generate(&mut OsRng);
                    let hasher = Argon2::new(algorithm, version, params.clone());
                    let phc = hasher.hash_password(b"correct horse", &salt).unwrap();
                    hashes.push(phc.to_string());
                }
            }
        }
        for phc in &hashes {
            let parsed = PasswordHash::new(phc).unwrap();
            for password in ["correct horse", "correct hors", ""] {
                let theirs = Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok();
                assert_eq!(
                    verify_one(password, phc),
                    theirs,
                    "{password:?} against {phc}"
                );
                assert_eq!(theirs, password == "correct horse");
            }
        }
        assert!(!verify_one(
            "correct horse",
            "$argon2id$v=19$m=8192,t=1,p=1$bm9zYWx0"
        ));
        assert!(!verify_one("correct horse", "not a hash"));
    }

    #[test]
    fn a_hash_at_another_cost_is_made_again_at_the_configured_one() {
        let old_cost = Argon2Cost {
            memory_kib: 8192,
            iterations: 1,
            parallelism: 1,
        };
        let cost = Argon2Cost::default();
        let old = hash_raw("correct horse", old_cost).unwrap();
        let v = verify_password("correct horse", Some(&old), cost);
        assert!(v.ok);
        let new = v.rehashed.expect("rehashed");
        assert!(cost.made(&new) && !cost.made(&old));
        assert_eq!(
            verify_password("correct horse", Some(&new), cost).rehashed,
            None
        );
        // Wrong passwords and unknown users are never rehashed.
        assert_eq!(verify_password("wrong", Some(&old), cost).rehashed, None);
        assert!(cost.dummy().contains("m=19456,t=2,p=1"));
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
