//! Which language a request gets, in this order:
//!
//! 1. `ui_locales` on the request (OIDC Core §3.1.2.1: "space-separated list of BCP47 language
//!    tag values, ordered by preference"): the first Tessera speaks;
//! 2. the language an earlier `ui_locales` chose in this browser (the [`COOKIE`] the
//!    authorization endpoint sets), so one authorization request stays in one language across
//!    its login, second-factor and consent pages;
//! 3. `Accept-Language` (RFC 9110 §12.5.4): the supported language with the highest weight;
//! 4. `[ui] default_locale`.

use super::Locale;

/// The cookie that keeps a `ui_locales` choice for the pages that follow (a session cookie).
pub const COOKIE: &str = "tessera_locale";

/// The `Set-Cookie` value that keeps `locale` for the rest of this browser session.
pub fn remember_locale(locale: Locale, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{secure}",
        locale.tag()
    )
}

/// What a request says about its language.
#[derive(Debug, Default, Clone, Copy)]
pub struct Hints<'a> {
    pub ui_locales: Option<&'a str>,
    pub cookie: Option<&'a str>,
    pub accept_language: Option<&'a str>,
}

/// The language for a request with `hints`, else `default`.
pub fn choose(hints: Hints<'_>, default: Locale) -> Locale {
    hints
        .ui_locales
        .and_then(first_of_ui_locales)
        .or_else(|| hints.cookie.and_then(|c| c.parse().ok()))
        .or_else(|| hints.accept_language.and_then(from_accept_language))
        .unwrap_or(default)
}

/// The first supported language of a `ui_locales` value.
pub fn first_of_ui_locales(ui_locales: &str) -> Option<Locale> {
    ui_locales
        .split_ascii_whitespace()
        .find_map(Locale::from_tag)
}

/// The supported language `Accept-Language` weighs highest (ties: the first listed); `q=0`
/// means "not this one".
fn from_accept_language(header: &str) -> Option<Locale> {
    let mut best: Option<(Locale, u16)> = None;
    for item in header.split(',').take(32) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(1000, quality);
        let Some(locale) = Locale::from_tag(tag) else {
            continue;
        };
        if weight > 0 && best.is_none_or(|(_, w)| weight > w) {
            best = Some((locale, weight));
        }
    }
    best.map(|(l, _)| l)
}

/// A `q` value in thousandths (RFC 9110 §12.4.2: at most three decimals); unreadable is 0.
fn quality(q: &str) -> u16 {
    match q.trim().parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => (v * 1000.0).round() as u16,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose_with(ui: Option<&str>, cookie: Option<&str>, accept: Option<&str>) -> Locale {
        choose(
            Hints {
                ui_locales: ui,
                cookie,
                accept_language: accept,
            },
            Locale::En,
        )
    }

    #[test]
    fn ui_locales_first_supported_wins() {
        assert_eq!(
            choose_with(Some("pt-BR fr-CA de"), None, Some("es")),
            Locale::Fr
        );
        assert_eq!(choose_with(Some("ja"), Some("de"), None), Locale::De);
    }

    #[test]
    fn the_cookie_comes_before_accept_language() {
        assert_eq!(choose_with(None, Some("ar"), Some("de")), Locale::Ar);
        assert_eq!(choose_with(None, Some("xx"), Some("de")), Locale::De);
    }

    #[test]
    fn accept_language_by_weight() {
        assert_eq!(
            choose_with(None, None, Some("ar-EG,ar;q=0.9,en;q=0.8")),
            Locale::Ar
        );
        assert_eq!(
            choose_with(None, None, Some("ja, es;q=0.5, de;q=0.7")),
            Locale::De
        );
        assert_eq!(
            choose_with(None, None, Some("fr;q=0, de;q=0.1")),
            Locale::De
        );
        assert_eq!(choose_with(None, None, Some("ja, zh")), Locale::En);
        assert_eq!(choose_with(None, None, Some("*")), Locale::En);
    }

    #[test]
    fn the_default_when_nothing_is_said() {
        assert_eq!(
            choose(Hints::default(), Locale::Es),
            Locale::Es,
            "default_locale"
        );
    }
}
