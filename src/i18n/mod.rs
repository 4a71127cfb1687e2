//! The languages pages, error pages and emails are written in.
//!
//! - [`Locale`]: the closed set of languages Tessera speaks.
//! - [`negotiate`]: which one a request gets (`ui_locales`, then the language the person chose
//!   earlier in this browser, then `Accept-Language`, then `[ui] default_locale`).
//! - [`catalog`]: the translations, Fluent files under `templates/locales/<tag>/`, compiled in.
//! - [`Tr`]: one language's translator, handed to every template; [`Msg`]: a message chosen in
//!   Rust (an error, a notice) and translated when the page is rendered.

pub mod catalog;
pub mod negotiate;

use std::fmt;

use time::OffsetDateTime;

/// A language Tessera's pages are translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    En,
    De,
    Fr,
    Es,
    Ar,
}

/// Which way a language's text runs (the `dir` attribute, HTML §3.2.6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Locale {
    /// Every language, in the order discovery lists them.
    pub const ALL: [Locale; 5] = [Locale::En, Locale::De, Locale::Fr, Locale::Es, Locale::Ar];

    /// The BCP 47 tag (`<html lang>`, `ui_locales_supported`, the folder of its translations).
    pub const fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
            Locale::Fr => "fr",
            Locale::Es => "es",
            Locale::Ar => "ar",
        }
    }

    pub const fn direction(self) -> Direction {
        match self {
            Locale::Ar => Direction::Rtl,
            _ => Direction::Ltr,
        }
    }

    /// The language of a BCP 47 tag, by its primary subtag (`fr-CA` is French); case does not
    /// matter (RFC 5646 §2.1.1).
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.trim();
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(primary))
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl std::str::FromStr for Locale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Locale::ALL
            .into_iter()
            .find(|l| l.tag() == s)
            .ok_or_else(|| {
                let tags: Vec<&str> = Locale::ALL.iter().map(|l| l.tag()).collect();
                format!(
                    "`{s}` is not a language Tessera speaks ({})",
                    tags.join(", ")
                )
            })
    }
}

impl serde::Serialize for Locale {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.tag())
    }
}

impl<'de> serde::Deserialize<'de> for Locale {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A value put into a message: text, or a number (which picks the plural form).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// A message chosen before the language is known: the id of a Fluent message and its
/// arguments. Rendered by [`Tr::msg`].
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    pub fn new(id: &'static str) -> Self {
        Msg {
            id,
            args: Vec::new(),
        }
    }

    /// The same message with `$name` set to `value`.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }
}

impl From<&'static str> for Msg {
    fn from(id: &'static str) -> Self {
        Msg::new(id)
    }
}

/// One language's translator: what templates call to write their words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr(pub Locale);

impl Tr {
    pub fn locale(&self) -> Locale {
        self.0
    }

    /// `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.0.tag()
    }

    /// `<html dir>`.
    pub fn dir(&self) -> &'static str {
        match self.0.direction() {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        catalog::format(self.0, id, &[])
    }

    /// The message `id` with `$name` set to the text `value`.
    pub fn t1(&self, id: &str, name: &str, value: &dyn fmt::Display) -> String {
        catalog::format(self.0, id, &[(name, Arg::Text(value.to_string()))])
    }

    /// The message `id` with `$a` and `$b` set.
    pub fn t2(
        &self,
        id: &str,
        a: &str,
        a_value: &dyn fmt::Display,
        b: &str,
        b_value: &dyn fmt::Display,
    ) -> String {
        catalog::format(
            self.0,
            id,
            &[
                (a, Arg::Text(a_value.to_string())),
                (b, Arg::Text(b_value.to_string())),
            ],
        )
    }

    /// The message `id` with `$name` set to the number `n` (choosing its plural form).
    pub fn n(&self, id: &str, name: &str, n: i64) -> String {
        catalog::format(self.0, id, &[(name, Arg::Number(n))])
    }

    /// A message chosen in Rust.
    pub fn msg(&self, m: &Msg) -> String {
        let args: Vec<(&str, Arg)> = m.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        catalog::format(self.0, m.id, &args)
    }

    /// The message `id` with `$name` set to `value`, as HTML: the translated words and the value
    /// are both escaped, and only the value is wrapped in `open`…`close` (e.g. `<strong>`).
    pub fn t1_html(&self, id: &str, name: &str, value: &str, open: &str, close: &str) -> String {
        // A private-use character (no translation contains one) stands in for the value while
        // the words are escaped.
        const MARK: &str = "\u{E000}";
        escape_html(&self.t1(id, name, &MARK))
            .replace(MARK, &format!("{open}{}{close}", escape_html(value)))
    }

    /// A date as this language writes it ("1 December 2026", "1. Dezember 2026"), in UTC.
    pub fn date(&self, at: OffsetDateTime) -> String {
        let month = format!("date-month-{}", u8::from(at.month()));
        catalog::format(
            self.0,
            "date-format",
            &[
                ("day", Arg::Number(i64::from(at.day()))),
                ("month", Arg::Text(self.t(&month))),
                ("year", Arg::Number(i64::from(at.year()))),
            ],
        )
    }

    /// A date and time of day (UTC), as this language writes them.
    pub fn date_time(&self, at: OffsetDateTime) -> String {
        catalog::format(
            self.0,
            "date-time-format",
            &[
                ("date", Arg::Text(self.date(at))),
                (
                    "time",
                    Arg::Text(format!("{:02}:{:02}", at.hour(), at.minute())),
                ),
            ],
        )
    }

    /// A wait ("3 minutes", "45 seconds"), for a throttled page.
    pub fn wait(&self, secs: u64) -> String {
        let secs = i64::try_from(secs).unwrap_or(i64::MAX);
        if secs >= 120 {
            self.n("wait-minutes", "count", (secs + 59) / 60)
        } else {
            self.n("wait-seconds", "count", secs.max(1))
        }
    }
}

/// HTML-escapes text and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_by_primary_subtag() {
        assert_eq!(Locale::from_tag("fr-CA"), Some(Locale::Fr));
        assert_eq!(Locale::from_tag("AR"), Some(Locale::Ar));
        assert_eq!(Locale::from_tag("de_AT"), Some(Locale::De));
        assert_eq!(Locale::from_tag("pt-BR"), None);
        assert_eq!(Locale::from_tag(""), None);
    }

    #[test]
    fn dates_follow_the_language() {
        let at = OffsetDateTime::from_unix_timestamp(1_796_115_900).expect("a valid time");
        assert_eq!(Tr(Locale::En).date(at), "1 December 2026");
        assert_eq!(Tr(Locale::De).date(at), "1. Dezember 2026");
        assert_eq!(Tr(Locale::Fr).date(at), "1 décembre 2026");
        assert_eq!(Tr(Locale::Es).date(at), "1 de diciembre de 2026");
        assert_eq!(Tr(Locale::En).date_time(at), "1 December 2026, 09:05 UTC");
    }

    #[test]
    fn waits_pick_the_plural_form() {
        assert_eq!(Tr(Locale::En).wait(1), "1 second");
        assert_eq!(Tr(Locale::En).wait(45), "45 seconds");
        assert_eq!(Tr(Locale::En).wait(600), "10 minutes");
        assert_eq!(Tr(Locale::Fr).wait(600), "10 minutes");
        assert_eq!(Tr(Locale::De).wait(1), "1 Sekunde");
    }
}
