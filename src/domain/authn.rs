//! How a person signed in: the authentication methods used (RFC 8176 `amr` values) and the
//! assurance level they meet (`acr`, OIDC Core §2). The browser session records the methods;
//! the ID token states both.

use serde::{Deserialize, Serialize};

use super::closed_set::closed_set;

closed_set! {
    /// One authentication method reference (RFC 8176 §2), as the ID token's `amr` lists it.
    pub enum AmrValue("authentication method") {
        /// A password.
        Pwd = "pwd",
        /// A one-time password: a TOTP code or a recovery code.
        Otp = "otp",
        /// A hardware-bound key (a passkey on a security key or platform authenticator).
        Hwk = "hwk",
        /// A software-bound key (a synced passkey).
        Swk = "swk",
        /// The person was present and verified by the authenticator (PIN or biometric).
        User = "user",
        /// More than one factor.
        Mfa = "mfa",
        /// Federated: another identity provider (an `[[upstream]]`) authenticated the person.
        Fed = "fed",
    }
}

closed_set! {
    /// The assurance levels Tessera states in `acr` and accepts in `acr_values`, lowest first.
    pub enum Acr("acr value") {
        /// A password alone.
        Password = "urn:tessera:acr:password",
        /// Two factors, or a user-verified passkey.
        Mfa = "urn:tessera:acr:mfa",
        /// A passkey: bound to the origin, so a phishing site cannot replay it.
        PhishingResistant = "urn:tessera:acr:phishing-resistant",
    }
}

impl Acr {
    /// Rank for comparison: a higher level satisfies every lower one.
    fn rank(self) -> u8 {
        match self {
            Acr::Password => 0,
            Acr::Mfa => 1,
            Acr::PhishingResistant => 2,
        }
    }

    /// Whether a sign-in at this level meets `wanted`.
    pub fn meets(self, wanted: Acr) -> bool {
        self.rank() >= wanted.rank()
    }
}

/// The methods of one sign-in, in the order they happened, without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amr(Vec<AmrValue>);

impl Default for Amr {
    /// A password sign-in: what every session recorded before second factors existed.
    fn default() -> Self {
        Amr(vec![AmrValue::Pwd])
    }
}

impl Amr {
    /// A sign-in with a password alone.
    pub fn password() -> Self {
        Self::default()
    }

    /// Adds a second factor (OTP) to this sign-in: `["pwd", "otp", "mfa"]` (RFC 8176 §2).
    pub fn with_otp(&self) -> Self {
        let mut v = self.0.clone();
        for m in [AmrValue::Otp, AmrValue::Mfa] {
            if !v.contains(&m) {
                v.push(m);
            }
        }
        Amr(v)
    }

    /// A sign-in with a passkey (RFC 8176 §2): `hwk` for a device-bound credential (not backup
    /// eligible: its key cannot leave the authenticator), `swk` for a synced one; `user` for
    /// the presence test every assertion carries; `mfa` when the authenticator verified the
    /// person (PIN or biometric: something they have plus something they know or are).
    pub fn passkey(device_bound: bool, user_verified: bool) -> Self {
        let key = if device_bound {
            AmrValue::Hwk
        } else {
            AmrValue::Swk
        };
        let mut v = vec![key, AmrValue::User];
        if user_verified {
            v.push(AmrValue::Mfa);
        }
        Amr(v)
    }

    /// A sign-in through an upstream identity provider: `fed`, one factor, unless the
    /// upstream's own `amr` says it used more than one (`mfa`).
    pub fn federated(upstream_amr: &[String]) -> Self {
        let mut v = vec![AmrValue::Fed];
        if upstream_amr.iter().any(|m| m == "mfa") {
            v.push(AmrValue::Mfa);
        }
        Amr(v)
    }

    /// Adds a passkey to this sign-in (step-up): the methods of both, in order, no repeats.
    pub fn with(&self, other: &Amr) -> Self {
        let mut v = self.0.clone();
        for m in &other.0 {
            if !v.contains(m) {
                v.push(*m);
            }
        }
        Amr(v)
    }

    /// The methods, in order.
    pub fn values(&self) -> &[AmrValue] {
        &self.0
    }

    /// Whether `m` was used.
    pub fn contains(&self, m: AmrValue) -> bool {
        self.0.contains(&m)
    }

    /// The level these methods meet: a passkey is phishing-resistant; two factors (or a
    /// passkey with user verification, which is `mfa` too) are `mfa`; else a password.
    pub fn acr(&self) -> Acr {
        if self.contains(AmrValue::Hwk) || self.contains(AmrValue::Swk) {
            Acr::PhishingResistant
        } else if self.contains(AmrValue::Mfa) {
            Acr::Mfa
        } else {
            Acr::Password
        }
    }

    /// The space-separated form stored with codes and refresh families.
    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Reads [`Amr::to_stored`] back; a row written before methods were stored (NULL) or a
    /// name no longer known reads as a password sign-in, the only kind there was.
    pub fn from_stored(s: Option<&str>) -> Self {
        let v: Option<Vec<AmrValue>> = s.and_then(|s| s.split(' ').map(AmrValue::parse).collect());
        match v {
            Some(v) if !v.is_empty() => Amr(v),
            _ => Amr::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_otp_after_a_password_is_two_factors() {
        let amr = Amr::password().with_otp();
        assert_eq!(amr.to_stored(), "pwd otp mfa");
        assert_eq!(amr.acr(), Acr::Mfa);
        assert_eq!(Amr::password().acr(), Acr::Password);
        assert_eq!(amr.with_otp(), amr, "no repeats");
    }

    #[test]
    fn stored_methods_read_back_and_old_rows_are_passwords() {
        let amr = Amr::password().with_otp();
        assert_eq!(Amr::from_stored(Some(&amr.to_stored())), amr);
        assert_eq!(Amr::from_stored(None), Amr::password());
        assert_eq!(Amr::from_stored(Some("pwd bogus")), Amr::password());
    }

    #[test]
    fn a_passkey_is_phishing_resistant_and_two_factors_when_verified() {
        let bound = Amr::passkey(true, true);
        assert_eq!(bound.to_stored(), "hwk user mfa");
        assert_eq!(bound.acr(), Acr::PhishingResistant);
        assert_eq!(Amr::passkey(false, true).to_stored(), "swk user mfa");
        assert_eq!(Amr::passkey(false, false).to_stored(), "swk user");
        assert_eq!(Amr::password().with(&bound).to_stored(), "pwd hwk user mfa");
    }

    #[test]
    fn an_upstream_sign_in_is_one_factor_unless_the_upstream_says_more() {
        assert_eq!(Amr::federated(&["pwd".into()]).to_stored(), "fed");
        assert_eq!(Amr::federated(&[]).acr(), Acr::Password);
        let mfa = Amr::federated(&["pwd".into(), "otp".into(), "mfa".into()]);
        assert_eq!(mfa.to_stored(), "fed mfa");
        assert_eq!(mfa.acr(), Acr::Mfa);
        assert_eq!(mfa.with_otp().to_stored(), "fed mfa otp");
    }

    #[test]
    fn levels_are_ordered() {
        assert!(Acr::Mfa.meets(Acr::Password));
        assert!(Acr::PhishingResistant.meets(Acr::Mfa));
        assert!(!Acr::Password.meets(Acr::Mfa));
    }
}
