//! Authenticator apps (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps, one step either side
//! accepted) and recovery codes (ten, single-use). A code that was accepted is never accepted
//! again, nor one of an earlier step (RFC 6238 §5.2): the store keeps the last accepted step.
//! Checking a code reads the secret and writes only when the code is accepted.

use totp_rs::{Algorithm, TOTP};

use crate::crypto::{constant_time_eq, random_bytes, recovery_code, recovery_code_hash};
use crate::keys::{KeyError, KeyManager};
use crate::store::Store;

/// Seconds per step (RFC 6238 §4.1, X).
const STEP: i64 = 30;
/// Digits per code.
const DIGITS: usize = 6;
/// Steps accepted either side of the current one, for clock drift (RFC 6238 §5.2).
const SKEW: i64 = 1;
/// Recovery codes per enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A new authenticator-app secret, not yet stored: what the person scans or types.
#[derive(Clone)]
pub struct NewSecret {
    bytes: Vec<u8>,
    /// The secret in base32 without padding.
    pub base32: String,
    /// `otpauth://totp/…`, what the QR code holds.
    pub otpauth_uri: String,
}

impl std::fmt::Debug for NewSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewSecret(…)")
    }
}

impl NewSecret {
    /// 160 random bits (RFC 4226 §4 recommends 160), labelled `issuer_host:username`.
    pub fn generate(issuer_host: &str, username: &str) -> Self {
        Self::from_bytes(random_bytes(20), issuer_host, username)
    }

    /// A secret known already (the one parked during enrolment on the account page).
    pub fn from_bytes(bytes: Vec<u8>, issuer_host: &str, username: &str) -> Self {
        let totp = totp(bytes.clone(), Some(issuer_host), username);
        Self {
            base32: totp.get_secret_base32(),
            otpauth_uri: totp.get_url(),
            bytes,
        }
    }

    /// The raw secret (to seal it).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The step of `code` if it is right for `now` (±1 step).
    pub fn matching_step(&self, code: &str, now: i64) -> Option<i64> {
        matching_step(&self.bytes, code, now, 0)
    }
}

/// What a person typed on the second step, once checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A current authenticator code.
    Totp,
    /// One of their unused recovery codes, now spent.
    RecoveryCode,
    /// Neither (or a code used before).
    Wrong,
}

/// Checks `typed` as an authenticator code (six digits) or else a recovery code.
pub async fn verify(
    store: &Store,
    keys: &KeyManager,
    user_id: &str,
    typed: &str,
    now: i64,
) -> Result<Verdict, KeyError> {
    let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() == DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
        let Some(row) = store.totp(user_id).await? else {
            return Ok(Verdict::Wrong);
        };
        let secret = keys.open_secret(&row.secret_enc, &aad(user_id))?;
        let Some(step) = matching_step(&secret, &compact, now, row.last_step) else {
            return Ok(Verdict::Wrong);
        };
        // Conditional on the step being newer than the last accepted: of two racing requests
        // with one code, one wins.
        return Ok(if store.accept_totp_step(user_id, step).await? {
            Verdict::Totp
        } else {
            Verdict::Wrong
        });
    }
    if compact.len() > 64 {
        return Ok(Verdict::Wrong);
    }
    let hash = recovery_code_hash(user_id, &compact);
    Ok(if store.use_recovery_code(user_id, &hash, now).await? {
        Verdict::RecoveryCode
    } else {
        Verdict::Wrong
    })
}

/// Stores `secret` as the person's authenticator app with ten new recovery codes (replacing
/// any before) and returns the codes, to be shown once. `accepted_step` is the step of the code
/// that confirmed the enrolment, so that code cannot be used again to sign in.
pub async fn enroll(
    store: &Store,
    keys: &KeyManager,
    user_id: &str,
    secret: &NewSecret,
    accepted_step: Option<i64>,
    now: i64,
) -> Result<Vec<String>, KeyError> {
    let sealed = keys.seal_secret(secret.bytes(), &aad(user_id));
    let (codes, hashes) = new_recovery_codes(user_id);
    store.enroll_totp(user_id, &sealed, &hashes, now).await?;
    if let Some(step) = accepted_step {
        store.accept_totp_step(user_id, step).await?;
    }
    Ok(codes)
}

/// Replaces the person's recovery codes; returns the new ones, to be shown once.
pub async fn regenerate_recovery_codes(
    store: &Store,
    user_id: &str,
    now: i64,
) -> Result<Vec<String>, KeyError> {
    let (codes, hashes) = new_recovery_codes(user_id);
    store.replace_recovery_codes(user_id, &hashes, now).await?;
    Ok(codes)
}

fn new_recovery_codes(user_id: &str) -> (Vec<String>, Vec<String>) {
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let hashes = codes
        .iter()
        .map(|c| recovery_code_hash(user_id, c))
        .collect();
    (codes, hashes)
}

/// What a sealed secret is bound to: the person it belongs to, so a row copied to another
/// person does not decrypt.
fn aad(user_id: &str) -> String {
    format!("totp:{user_id}")
}

fn totp(secret: Vec<u8>, issuer: Option<&str>, account: &str) -> TOTP {
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        0, // skew is applied here, so each step can be compared with the last accepted
        STEP as u64,
        secret,
        issuer.map(str::to_string),
        account.to_string(),
    )
}

/// The step within ±[`SKEW`] of `now` whose code is `code`, if it is later than `after`.
fn matching_step(secret: &[u8], code: &str, now: i64, after: i64) -> Option<i64> {
    let t = totp(secret.to_vec(), None, "");
    let current = now.div_euclid(STEP);
    (current - SKEW..=current + SKEW)
        .filter(|&step| step > after && step >= 0)
        .find(|&step| constant_time_eq(&t.generate((step * STEP) as u64), code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1, truncated to six digits.
    #[test]
    fn codes_match_the_rfc_vectors_within_one_step() {
        let secret = b"12345678901234567890".to_vec();
        assert_eq!(matching_step(&secret, "287082", 59, 0), Some(1));
        assert_eq!(
            matching_step(&secret, "081804", 1_111_111_109, 0),
            Some(37_037_036)
        );
        // One step late is fine; two steps late is not.
        assert!(matching_step(&secret, "081804", 1_111_111_109 + 30, 0).is_some());
        assert!(matching_step(&secret, "081804", 1_111_111_109 + 60, 0).is_none());
        // A step at or before the last accepted one is never accepted again.
        assert!(matching_step(&secret, "081804", 1_111_111_109, 37_037_036).is_none());
    }

    #[test]
    fn the_uri_carries_the_secret_and_the_label() {
        let s = NewSecret::generate("id.example.com", "alice");
        assert_eq!(s.base32.len(), 32, "160 bits in base32 without padding");
        assert!(!s.base32.contains('='));
        assert!(
            s.otpauth_uri
                .starts_with("otpauth://totp/id.example.com:alice?secret="),
            "{}",
            s.otpauth_uri
        );
        assert!(s.otpauth_uri.contains("issuer=id.example.com"));
    }
}
