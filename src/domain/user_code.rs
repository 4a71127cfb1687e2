//! The user code of the device authorization grant (RFC 8628 §6.1): what a person types on
//! `/device`. Eight characters from twenty consonants (no vowels, so no words; no easily
//! confused letters), shown as `XXXX-XXXX`, accepted in any letter case with or without the
//! dash or spaces: 20^8 ≈ 2.6·10^10 codes, so wrong guesses are throttled per IP.

/// The characters a user code is drawn from (RFC 8628 §6.1's example alphabet).
pub const USER_CODE_ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";

/// How many characters a user code has.
pub const USER_CODE_LEN: usize = 8;

/// A well-formed user code in its canonical form: eight upper-case letters, no dash.
#[derive(Clone, PartialEq, Eq)]
pub struct UserCode(String);

impl UserCode {
    /// Reads what a person typed: letter case, dashes and spaces are set aside. `None` when
    /// what is left is not eight characters of the alphabet.
    pub fn parse(typed: &str) -> Option<Self> {
        let code: String = typed
            .chars()
            .filter(|c| *c != '-' && !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let well_formed =
            code.len() == USER_CODE_LEN && code.bytes().all(|b| USER_CODE_ALPHABET.contains(&b));
        well_formed.then_some(Self(code))
    }

    /// The canonical form (`BCDFGHJK`), what is hashed for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown to people and sent to the device: `BCDF-GHJK`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

/// Only the first two characters: a code in a log must not be usable.
impl std::fmt::Debug for UserCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UserCode({}…)", &self.0[..2])
    }
}

#[cfg(test)]
mod tests {
    use super::UserCode;

    #[test]
    fn case_dashes_and_spaces_are_set_aside() {
        let code = UserCode::parse("bcdf-ghjk").unwrap();
        assert_eq!(code.as_str(), "BCDFGHJK");
        assert_eq!(code.display(), "BCDF-GHJK");
        for same in ["BCDFGHJK", "bcdfghjk", " BCDF GHJK ", "BcDf-gHjK"] {
            assert_eq!(UserCode::parse(same), Some(code.clone()), "{same}");
        }
    }

    #[test]
    fn other_letters_and_lengths_are_refused() {
        for bad in [
            "",
            "BCDF-GHJ",
            "BCDF-GHJKL",
            "ABCD-EFGH",
            "BCDF-GHJ1",
            "BCDF_GHJK",
            "ＢCDF-GHJK",
        ] {
            assert_eq!(UserCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn debug_shows_only_a_prefix() {
        let code = UserCode::parse("BCDF-GHJK").unwrap();
        assert_eq!(format!("{code:?}"), "UserCode(BC…)");
    }
}
