//! Email addresses of users, unique by their folded form.

use std::fmt;

use super::identifier::{fold, nfc};

/// Most characters in an address (RFC 5321 §4.5.3.1.3 bounds a path at 256 octets).
pub const MAX_CHARS: usize = 254;

/// An email address: something `@` something, without whitespace or control characters. Kept as
/// typed (NFC) for display and the `email` claim; unique by its folded form, the *whole*
/// address under the identifier profile. RFC 5321 lets a server treat the local part as case
/// sensitive, but no mail system in use does, and two accounts for `Bob@x` and `bob@x` are
/// the confusion this type exists to prevent. Deliverability is not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    display: String,
    folded: String,
}

impl Email {
    /// Parses an address.
    pub fn parse(s: &str) -> Result<Self, String> {
        let display = nfc(s);
        let refuse = || format!("`{}` is not an email address", s.escape_default());
        let Some((local, domain)) = display.rsplit_once('@') else {
            return Err(refuse());
        };
        if local.is_empty()
            || domain.is_empty()
            || display.chars().count() > MAX_CHARS
            || display.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(refuse());
        }
        let folded = fold(&display);
        Ok(Self { display, folded })
    }

    /// The address as typed (NFC).
    pub fn as_str(&self) -> &str {
        &self.display
    }

    /// The comparison form (NFKC, lowercase): what is unique.
    pub fn folded(&self) -> &str {
        &self.folded
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_differing_in_case_fold_to_one() {
        let a = Email::parse("Alice@Example.COM").unwrap();
        assert_eq!(a.as_str(), "Alice@Example.COM");
        assert_eq!(a.folded(), "alice@example.com");
        assert_eq!(
            Email::parse("alice@example.com").unwrap().folded(),
            a.folded()
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "al ice@x",
            "a@b\u{0}",
            "a\u{a0}@b",
        ] {
            assert!(Email::parse(bad).is_err(), "{}", bad.escape_default());
        }
        assert!(Email::parse(&format!("{}@x", "a".repeat(MAX_CHARS))).is_err());
    }
}
