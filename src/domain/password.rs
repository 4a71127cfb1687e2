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

/// The password policy (NIST SP 800-63B §5.1.1.2): a length range counted in Unicode
/// characters of the NFKC form, and a floor on the zxcvbn strength score (0–4) that refuses
/// common, guessable and user-derived passwords. Built from `[password]` in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Fewest characters a new password may have.
    pub min_length: usize,
    /// Most characters a new password may have.
    pub max_length: usize,
    /// Lowest zxcvbn score (0–4) accepted.
    pub min_score: u8,
}

impl Default for PasswordPolicy {
    /// NIST's floor of 8 characters, room for long passphrases, and zxcvbn's "safely
    /// unguessable" score 3 (more than 10^8 guesses).
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: 128,
            min_score: 3,
        }
    }
}

/// NFKC never turns more than this many characters into one: a composed character's canonical
/// decomposition has at most four code points (UAX #15), and normalisation drops none. So a
/// password longer than `max_length` times this is too long before it is normalised, and a
/// megabyte is refused without normalising or scoring it.
const MOST_INPUT_CHARS_PER_NFKC_CHAR: usize = 4;

/// A password being set (CLI `user create`, `user set-password`, the account page, password
/// reset): normalised, not empty, not only whitespace, no control characters (which the login
/// form refuses), and within the [`PasswordPolicy`]. Its `Debug` shows nothing of it.
pub struct NewPassword(String);

impl NewPassword {
    /// Parses a password being set and applies the policy; `user_inputs` are the username,
    /// name and email (zxcvbn penalises passwords built from them). Err is a plain-words reason.
    pub fn parse_for(
        s: &str,
        policy: &PasswordPolicy,
        user_inputs: &[&str],
    ) -> Result<Self, String> {
        Self::check(s, policy, user_inputs).map_err(|r| r.to_string())
    }

    /// As [`parse_for`](Self::parse_for), with the reason as a [`Refusal`] a page can put in
    /// the person's language.
    pub fn check(s: &str, policy: &PasswordPolicy, user_inputs: &[&str]) -> Result<Self, Refusal> {
        let too_long = || Refusal::TooLong {
            max: policy.max_length,
        };
        // Before any work that grows with the input: scoring a long string is slow.
        let bound = policy
            .max_length
            .saturating_mul(MOST_INPUT_CHARS_PER_NFKC_CHAR);
        if s.len() > bound.saturating_mul(4) || s.chars().count() > bound {
            return Err(too_long());
        }
        let password = Self::parse(s)?;
        let length = password.0.chars().count();
        if length < policy.min_length {
            return Err(Refusal::TooShort {
                min: policy.min_length,
                has: length,
            });
        }
        if length > policy.max_length {
            return Err(too_long());
        }
        password.check_strength(policy.min_score, user_inputs)?;
        Ok(password)
    }

    /// Checks and normalises a password without the policy: what every password being set
    /// must be whatever the policy says.
    fn parse(s: &str) -> Result<Self, Refusal> {
        let normalized = normalize(s).into_owned();
        if normalized.trim().is_empty() {
            return Err(Refusal::Empty);
        }
        if normalized.chars().any(char::is_control) {
            return Err(Refusal::ControlCharacters);
        }
        Ok(Self(normalized))
    }

    /// Refuses a password zxcvbn scores below `min_score`, saying why in plain words.
    fn check_strength(&self, min_score: u8, user_inputs: &[&str]) -> Result<(), Refusal> {
        let words = user_words(user_inputs);
        let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let estimate = zxcvbn::zxcvbn(&self.0, &word_refs);
        if u8::from(estimate.score()) >= min_score {
            return Ok(());
        }
        let lowered = self.0.to_lowercase();
        let own_words = words
            .iter()
            .any(|w| w.chars().count() >= 4 && lowered.contains(w.as_str()));
        let feedback = estimate.feedback();
        Err(Refusal::TooEasy {
            own_words,
            warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
            suggestion: feedback
                .and_then(|f| f.suggestions().first())
                .map(|s| s.to_string()),
        })
    }

    /// The normalised password, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The words a guesser would try from the account itself: each input whole and each run of
/// letters and digits in it (`Alice Smith` gives `alice smith`, `alice`, `smith`;
/// `alice.smith@example.com` gives the address, `alice`, `smith`, `example`, `com`).
fn user_words(inputs: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for input in inputs {
        let input = normalize(input).to_lowercase();
        let parts = input
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| p.chars().count() >= 3)
            .map(str::to_string);
        for word in std::iter::once(input.clone()).chain(parts) {
            if !word.is_empty() && !words.contains(&word) {
                words.push(word);
            }
        }
    }
    words
}

/// Why a new password is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Empty, or only whitespace.
    Empty,
    /// It contains control characters (which the login form refuses).
    ControlCharacters,
    /// Fewer characters than `min`; it `has` so many.
    TooShort { min: usize, has: usize },
    /// More characters than `max`.
    TooLong { max: usize },
    /// zxcvbn scores it below the policy's floor: built from the account's own words, or
    /// guessable for zxcvbn's reason (`warning`, `suggestion`, in English).
    TooEasy {
        own_words: bool,
        warning: Option<String>,
        suggestion: Option<String>,
    },
}

impl fmt::Display for Refusal {
    /// In English, for the shell and SCIM.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Empty => f.write_str("the password is empty or only whitespace"),
            Refusal::ControlCharacters => f.write_str("the password contains control characters"),
            Refusal::TooShort { min, has } => write!(
                f,
                "the password is too short: it needs at least {min} characters (it has {has})"
            ),
            Refusal::TooLong { max } => write!(
                f,
                "the password is too long: at most {max} characters are allowed"
            ),
            Refusal::TooEasy {
                own_words,
                warning,
                suggestion,
            } => {
                let why = match warning {
                    _ if *own_words => {
                        "It is built from the account's own username, name or email."
                    }
                    Some(w) => w.as_str(),
                    None => "Common words, names, dates and keyboard patterns are tried first.",
                };
                write!(f, "the password is too easy to guess. {why}")?;
                if let Some(s) = suggestion {
                    write!(f, " {s}")?;
                }
                Ok(())
            }
        }
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

    /// A passphrase zxcvbn scores 4.
    const STRONG: &str = "velvet kettle orbit marmalade";

    fn policy() -> PasswordPolicy {
        PasswordPolicy::default()
    }

    fn refused(s: &str, inputs: &[&str]) -> String {
        match NewPassword::parse_for(s, &policy(), inputs) {
            Ok(_) => panic!("{} was accepted", s.escape_default()),
            Err(e) => e,
        }
    }

    #[test]
    fn empty_blank_and_control_passwords_are_refused() {
        for bad in ["", " ", "        ", "\u{3000}\u{a0}", "pass\u{0}word", "\t"] {
            refused(bad, &[]);
        }
        let e = refused("velvet kettle\u{0}orbit marmalade", &[]);
        assert!(e.contains("control characters"), "{e}");
        let ok = NewPassword::parse_for(" velvet kettle orbit marmalade ", &policy(), &[]).unwrap();
        assert_eq!(ok.expose(), " velvet kettle orbit marmalade ");
        assert_eq!(format!("{ok:?}"), "NewPassword(****)");
    }

    #[test]
    fn a_strong_passphrase_is_accepted_normalised() {
        let ok =
            NewPassword::parse_for(STRONG, &policy(), &["alice", "Alice", "alice@example.com"]);
        assert_eq!(ok.unwrap().expose(), STRONG);
        // Fullwidth letters are their ASCII selves: the same password everywhere.
        let wide = NewPassword::parse_for("ｖｅｌｖｅｔ kettle orbit marmalade", &policy(), &[]);
        assert_eq!(wide.unwrap().expose(), STRONG);
    }

    #[test]
    fn length_is_counted_in_characters_after_nfkc() {
        let lenient = PasswordPolicy {
            min_length: 8,
            max_length: 10,
            min_score: 0,
        };
        // Seven characters once `e` + U+0301 are composed, though eight were typed.
        let e = NewPassword::parse_for("cafe\u{301}\u{e9}\u{e9}x", &lenient, &[])
            .map(|_| ())
            .unwrap_err();
        assert!(e.contains("too short") && e.contains("at least 8"), "{e}");
        // Ten composed characters typed as twenty code points fit a limit of ten.
        let decomposed = "e\u{301}".repeat(10);
        assert_eq!(
            NewPassword::parse_for(&decomposed, &lenient, &[])
                .unwrap()
                .expose()
                .chars()
                .count(),
            10
        );
        // Eight multi-byte characters are eight, not sixteen bytes' worth.
        assert!(NewPassword::parse_for("ÿéèêëàâä", &lenient, &[]).is_ok());
        // A ligature counts as what it stands for: `ﬀ` is `ff`, so eleven characters.
        let e = NewPassword::parse_for("abcdefghi\u{fb00}", &lenient, &[])
            .map(|_| ())
            .unwrap_err();
        assert!(e.contains("too long") && e.contains("at most 10"), "{e}");
    }

    #[test]
    fn too_short_and_too_long_passwords_are_refused_with_the_limit() {
        let e = refused("x7#kQ9", &[]);
        assert!(e.contains("too short") && e.contains("8"), "{e}");
        let e = refused(&"velvet kettle orbit ".repeat(7), &[]);
        assert!(e.contains("too long") && e.contains("128"), "{e}");
    }

    #[test]
    fn common_and_guessable_passwords_are_refused() {
        for bad in [
            "password",
            "password1",
            "12345678",
            "qwertyuiop",
            "iloveyou",
            "P@ssw0rd!",
            "abcdefgh",
            "aaaaaaaaaaaa",
            "football2024",
        ] {
            let e = refused(bad, &[]);
            assert!(e.contains("too easy to guess"), "{bad}: {e}");
        }
        let e = refused("password", &[]);
        assert!(e.contains("common password"), "{e}");
    }

    #[test]
    fn a_password_made_from_the_account_is_refused() {
        let inputs = [
            "zephyrine",
            "Zephyrine Quillfeather",
            "zephyrine@example.com",
        ];
        // Strong enough for someone else, not for the account it is named after.
        let own = "zephyrine2026";
        assert!(NewPassword::parse_for(own, &policy(), &[]).is_ok());
        let e = refused(own, &inputs);
        assert!(e.contains("username, name or email"), "{e}");
        let e = refused("zephyrinequillfeather", &inputs);
        assert!(e.contains("username, name or email"), "{e}");
    }

    #[test]
    fn the_score_floor_is_the_policy_s() {
        // zxcvbn scores it 1: a common word and a sequence.
        let weak = "tennis1234";
        let e = refused(weak, &[]);
        assert!(e.contains("too easy to guess"), "{e}");
        let floor = |min_score| PasswordPolicy {
            min_score,
            ..policy()
        };
        assert!(NewPassword::parse_for(weak, &floor(2), &[]).is_err());
        assert!(NewPassword::parse_for(weak, &floor(1), &[]).is_ok());
        assert!(NewPassword::parse_for(STRONG, &floor(4), &[]).is_ok());
    }

    #[test]
    fn a_megabyte_is_refused_at_once() {
        for big in [
            "a".repeat(1 << 20),
            "\u{301}".repeat(1 << 19),
            "ab1!".repeat(1 << 18),
        ] {
            let started = std::time::Instant::now();
            let e = refused(&big, &[]);
            assert!(e.contains("too long"), "{e}");
            assert!(
                started.elapsed() < std::time::Duration::from_millis(50),
                "{:?}",
                started.elapsed()
            );
        }
        // The longest allowed password is scored in reasonable time too.
        let longest = "velvet kettle orbit marmalade ".repeat(5)[..128].to_string();
        let started = std::time::Instant::now();
        assert!(NewPassword::parse_for(&longest, &policy(), &["alice"]).is_ok());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
}
