//! The identifier profile every username and email address goes through, so that two strings
//! a person would read as the same name are the same account everywhere: at sign-in, in the
//! login throttle, in the store's unique indexes and in the CLI.
//!
//! The profile: NFKC (compatibility forms such as fullwidth `Ａ` or the ligature `ﬁ` become
//! their plain letters), then Unicode lowercase (the `toLowerCase` mapping that PRECIS,
//! RFC 8264 §5.2.3, uses), then NFKC again, because lowercasing can leave a string that is no
//! longer normalised. Comparison is on that *folded* form; the form as typed is kept for display.
//! Parsing a new identifier also refuses a mix of scripts ([`single_script`]), which NFKC and case
//! do not catch: a Cyrillic `а` (U+0430) looks like a Latin `a` and folds to itself.
//!
//! Chosen over the `precis-profiles` crate (RFC 8265 UsernameCaseMapped) because PRECIS leaves
//! confusable scripts to the application, and the mixed-script rule is the part the attack
//! used; the steps above are the same mapping PRECIS applies to the characters we allow.

use unicode_normalization::UnicodeNormalization;
use unicode_script::{Script, UnicodeScript};

/// The comparison form of `s`: NFKC, lowercase, NFKC. Idempotent (`fold(fold(s)) == fold(s)`).
/// It checks nothing: parse with [`Username`](super::Username) or [`Email`](super::Email)
/// first where a bad value must be refused; use it alone where any input must map to a key
/// (the login throttle counts names that do not parse too).
pub fn fold(s: &str) -> String {
    let lowered = s.nfkc().collect::<String>().to_lowercase();
    lowered.nfkc().collect()
}

/// `s` in NFC: the form an identifier is stored and shown in, as typed but with one encoding
/// of each accented letter.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Whether the letters of `s` come from one script, as Unicode TS #39 §5.2 ("Highly
/// Restrictive") allows: a single script, or Han with the scripts written beside it in Japanese,
/// Chinese or Korean, each of these optionally with Latin. Digits and punctuation (scripts
/// Common and Inherited) go with any script. `pаypal` with a Cyrillic `а` is refused.
pub fn single_script(s: &str) -> bool {
    const COMBINATIONS: [&[Script]; 3] = [
        &[
            Script::Han,
            Script::Hiragana,
            Script::Katakana,
            Script::Latin,
        ],
        &[Script::Han, Script::Bopomofo, Script::Latin],
        &[Script::Han, Script::Hangul, Script::Latin],
    ];
    let mut scripts: Vec<Script> = Vec::new();
    for c in s.chars() {
        let script = c.script();
        if !matches!(script, Script::Common | Script::Inherited | Script::Unknown)
            && !scripts.contains(&script)
        {
            scripts.push(script);
        }
    }
    scripts.len() <= 1
        || COMBINATIONS
            .iter()
            .any(|allowed| scripts.iter().all(|s| allowed.contains(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_maps_case_width_and_composition_to_one_form() {
        assert_eq!(fold("Alice"), "alice");
        assert_eq!(fold("ＡＬＩＣＥ"), "alice", "fullwidth");
        assert_eq!(fold("ﬁona"), "fiona", "ligature");
        // é precomposed (U+00E9) and e + combining acute (U+0065 U+0301).
        assert_eq!(fold("Ren\u{e9}"), "ren\u{e9}");
        assert_eq!(fold("RENE\u{301}"), "ren\u{e9}");
    }

    #[test]
    fn folding_is_idempotent() {
        for s in [
            "Alice",
            "İstanbul",
            "ΣΊΣΥΦΟΣ",
            "ǅemal",
            "ＡＢＣ",
            "Straße",
            "ﬃ",
            "Ω",
        ] {
            let once = fold(s);
            assert_eq!(fold(&once), once, "{s}");
        }
    }

    /// Every code point alone, and after a capital letter (lowercasing is context-sensitive
    /// for the final sigma): what the fuzz target checks on random strings, exhaustively here.
    #[test]
    fn folding_every_code_point_is_idempotent() {
        for c in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            for s in [c.to_string(), format!("Σ{c}")] {
                let once = fold(&s);
                assert_eq!(fold(&once), once, "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn one_script_is_accepted_and_lookalike_mixes_are_refused() {
        for ok in [
            "alice",
            "алиса",
            "δημήτρης",
            "山田たろう",
            "김철수",
            "alice.smith-2",
            "王bob",
        ] {
            assert!(single_script(ok), "{ok}");
        }
        for mixed in ["\u{430}lice", "p\u{430}ypal", "αlice", "алиса.bob"] {
            assert!(!single_script(mixed), "{mixed}");
        }
    }
}
