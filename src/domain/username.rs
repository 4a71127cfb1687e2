//! Usernames as typed at the login page, under the identifier profile of
//! [`identifier`](super::identifier): unique, looked up and throttled by their folded form.

use std::fmt;

use unicode_normalization::char::is_combining_mark;

use super::identifier::{fold, nfc, single_script};

/// Most characters in a username, before and after folding.
pub const MAX_CHARS: usize = 64;

/// A username: 1–64 letters, digits, combining marks and `. _ @ + -`, in one script (see
/// [`single_script`]). Keeps the form as typed (NFC) for display and the folded form for
/// comparison; two usernames are the same account when their folded forms are equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username {
    display: String,
    folded: String,
}

impl Username {
    /// Parses a username, for registration and for look-ups alike. No surrounding whitespace is
    /// trimmed: the login form trims what a browser may add; the CLI takes the name as given.
    pub fn parse(s: &str) -> Result<Self, String> {
        let display = nfc(s);
        let folded = fold(&display);
        let too_long = |t: &str| t.chars().count() > MAX_CHARS;
        if display.is_empty() || too_long(&display) || too_long(&folded) {
            return Err(format!(
                "a username must be 1 to {MAX_CHARS} characters long"
            ));
        }
        // Checked on the folded form, which is what must be unique: NFKC can turn one allowed
        // character into several (`½` into `1⁄2`), and the result must still be allowed.
        if !allowed_characters(&folded) {
            return Err(format!(
                "username `{}` may contain only letters, digits and . _ @ + -",
                s.escape_default()
            ));
        }
        if !single_script(&folded) {
            return Err(format!(
                "username `{}` mixes letters of different scripts (such as Latin and Cyrillic)",
                s.escape_default()
            ));
        }
        Ok(Self { display, folded })
    }

    /// The username as typed (NFC), for display.
    pub fn as_str(&self) -> &str {
        &self.display
    }

    /// The comparison form (NFKC, lowercase): what is unique, looked up and throttled.
    pub fn folded(&self) -> &str {
        &self.folded
    }
}

/// Letters, digits, `. _ @ + -`, and combining marks after a letter (NFKC leaves some
/// uncomposed, and lowercasing `İ` gives `i` + U+0307).
fn allowed_characters(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphanumeric() || "._@+-".contains(c))
        && chars.all(|c| c.is_alphanumeric() || "._@+-".contains(c) || is_combining_mark(c))
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_compatibility_forms_fold_to_one_name() {
        let a = Username::parse("Alice").unwrap();
        assert_eq!(a.as_str(), "Alice", "shown as typed");
        assert_eq!(a.folded(), "alice");
        for same in ["alice", "ALICE", "ａｌｉｃｅ"] {
            assert_eq!(Username::parse(same).unwrap().folded(), "alice", "{same}");
        }
    }

    #[test]
    fn composed_and_decomposed_accents_are_one_name() {
        let composed = Username::parse("Jos\u{e9}").unwrap();
        let decomposed = Username::parse("Jose\u{301}").unwrap();
        assert_eq!(composed.folded(), decomposed.folded());
        assert_eq!(decomposed.as_str(), "Jos\u{e9}", "stored in NFC");
    }

    #[test]
    fn a_cyrillic_lookalike_in_a_latin_name_is_refused() {
        let err = Username::parse("\u{430}lice").unwrap_err();
        assert!(err.contains("scripts"), "{err}");
        assert!(Username::parse("алиса").is_ok(), "all Cyrillic is fine");
    }

    #[test]
    fn empty_long_spaced_and_control_names_are_refused() {
        assert!(Username::parse("").is_err());
        assert!(Username::parse(&"a".repeat(MAX_CHARS)).is_ok());
        assert!(Username::parse(&"a".repeat(MAX_CHARS + 1)).is_err());
        for bad in [
            "al ice",
            " alice",
            "alice\u{a0}",
            "al\u{2003}ice",
            "al\u{0}ice",
            "al\u{7f}ice",
            "ali\u{200b}ce",
            "alice/../x",
            "\u{301}alice",
        ] {
            assert!(Username::parse(bad).is_err(), "{}", bad.escape_default());
        }
    }

    #[test]
    fn a_character_whose_compatibility_form_is_not_allowed_is_refused() {
        // `½` is a digit, but its NFKC form holds U+2044 FRACTION SLASH.
        assert!(Username::parse("\u{bd}").is_err());
    }

    #[test]
    fn dotted_capital_i_folds_to_an_allowed_name() {
        let u = Username::parse("İlker").unwrap();
        assert_eq!(u.folded(), "i\u{307}lker");
    }

    #[test]
    fn folding_a_folded_name_changes_nothing() {
        for s in ["Alice", "ΣΊΣΥΦΟΣ", "Straße", "ǅemal", "ﬁona"] {
            let once = Username::parse(s).unwrap();
            let twice = Username::parse(once.folded()).unwrap();
            assert_eq!(twice.folded(), once.folded(), "{s}");
        }
    }
}
