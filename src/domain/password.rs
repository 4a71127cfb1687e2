//! Passwords on their way to the hasher: one normalisation on every path that hashes or
//! verifies, so a password typed on a keyboard that sends `é` composed and one that sends it
//! decomposed (`e` + U+0301) is the same password (RFC 8265 §4.2, OpaqueString, asks for NFC;
//! NFKC also makes fullwidth and narrow forms one).

use std::borrow::Cow;
use std::fmt;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// The form every password is hashed and first verified in: NFKC. Borrows when `s` is
/// normalised already (nearly always).
pub fn normalize(s: &str) -> Cow<'_, str> {
    match is_nfkc_quick(s.chars()) {
        IsNormalized::Yes => Cow::Borrowed(s),
        _ => Cow::Owned(s.nfkc().collect()),
    }
}

/// A password being set (CLI `user create`, `user set-password`): normalised, not empty, not
/// only whitespace, no control characters (which the login form refuses). Its `Debug` shows
/// nothing of it.
pub struct NewPassword(String);

impl NewPassword {
    /// Checks and normalises a password being set.
    pub fn parse(s: &str) -> Result<Self, String> {
        let normalized = normalize(s).into_owned();
        if normalized.trim().is_empty() {
            return Err("the password is empty or only whitespace".into());
        }
        if normalized.chars().any(char::is_control) {
            return Err("the password contains control characters".into());
        }
        Ok(Self(normalized))
    }

    /// The normalised password, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_and_decomposed_passwords_are_one() {
        assert_eq!(normalize("caf\u{e9}"), normalize("cafe\u{301}"));
        assert!(matches!(normalize("plain ascii"), Cow::Borrowed(_)));
    }

    #[test]
    fn empty_blank_and_control_passwords_are_refused() {
        for bad in ["", " ", "    ", "\u{3000}\u{a0}", "pass\u{0}word", "\t"] {
            assert!(NewPassword::parse(bad).is_err(), "{}", bad.escape_default());
        }
        let ok = NewPassword::parse(" spaces around are kept ").unwrap();
        assert_eq!(ok.expose(), " spaces around are kept ");
        assert_eq!(format!("{ok:?}"), "NewPassword(****)");
    }
}
