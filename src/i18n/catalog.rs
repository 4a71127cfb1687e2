//! The translations: one Fluent file per area and language, `templates/locales/<tag>/<area>.ftl`,
//! compiled into the binary and parsed once. A translator edits those files only; the test below
//! fails when a language lacks a message English has, or has one English does not.
//!
//! A new area is a new file in every language's folder and a name in the `areas!` list.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use super::{Arg, Locale};

macro_rules! areas {
    ($($area:literal),* $(,)?) => {
        /// The areas, one Fluent file each in every language.
        pub const AREAS: &[&str] = &[$($area),*];

        /// The text of every area's file in `locale`, in [`AREAS`] order.
        fn sources(locale: Locale) -> &'static [&'static str] {
            match locale {
                Locale::En => &[$(include_str!(concat!("../../templates/locales/en/", $area, ".ftl"))),*],
                Locale::De => &[$(include_str!(concat!("../../templates/locales/de/", $area, ".ftl"))),*],
                Locale::Fr => &[$(include_str!(concat!("../../templates/locales/fr/", $area, ".ftl"))),*],
                Locale::Es => &[$(include_str!(concat!("../../templates/locales/es/", $area, ".ftl"))),*],
                Locale::Ar => &[$(include_str!(concat!("../../templates/locales/ar/", $area, ".ftl"))),*],
            }
        }
    };
}

areas!(
    "common",
    "errors",
    "login",
    "consent",
    "logout",
    "second-factor",
    "passkey",
    "device",
    "account",
    "email",
    "upstream",
);

type Bundle = FluentBundle<FluentResource>;

/// Each language's bundle, parsed the first time a page is in that language: an instance whose
/// people all read one language keeps one parsed catalog, not five (issue 24, memory).
static BUNDLES: [OnceLock<Bundle>; Locale::ALL.len()] =
    [const { OnceLock::new() }; Locale::ALL.len()];

/// Parses `locale`'s files into one bundle, or says which file and message is broken.
fn bundle(locale: Locale) -> Result<Bundle, String> {
    let lang = locale
        .tag()
        .parse()
        .map_err(|e| format!("language tag {locale}: {e}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // Unicode isolation marks around values keep a Latin name from reordering Arabic text
    // (Fluent's default); left-to-right languages do without them.
    bundle.set_use_isolating(locale.direction() == super::Direction::Rtl);
    for (area, text) in AREAS.iter().zip(sources(locale)) {
        let file = format!("templates/locales/{locale}/{area}.ftl");
        let resource = FluentResource::try_new((*text).to_owned())
            .map_err(|(_, errors)| format!("{file}: {errors:?}"))?;
        bundle
            .add_resource(resource)
            .map_err(|errors| format!("{file}: {errors:?}"))?;
    }
    Ok(bundle)
}

fn bundle_of(locale: Locale) -> &'static Bundle {
    let slot = Locale::ALL
        .iter()
        .position(|l| *l == locale)
        .expect("every locale is in Locale::ALL");
    BUNDLES[slot].get_or_init(|| bundle(locale).unwrap_or_else(|e| panic!("{e}")))
}

/// Message `id` in `locale` with `args`. A message missing from the catalog is a bug the
/// completeness test and the page tests catch: debug builds stop on it; a release build writes
/// the id and logs it.
pub fn format(locale: Locale, id: &str, args: &[(&str, Arg)]) -> String {
    let bundle = bundle_of(locale);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        if cfg!(debug_assertions) {
            panic!("no message `{id}` in {locale}");
        }
        tracing::error!(id, %locale, "no such message");
        return id.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Text(s) => fluent_args.set(*name, FluentValue::from(s.as_str())),
            Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
        }
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::error!(id, %locale, ?errors, "message formatting failed");
    }
    text.into_owned()
}

/// Whether `id` is a message (for ids built at run time, such as a scope's description).
pub fn has(locale: Locale, id: &str) -> bool {
    bundle_of(locale).has_message(id)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fluent_syntax::ast::{Entry, Resource};

    use super::*;

    /// Each message id, with its attributes as `id.attr`.
    fn ids(resource: &Resource<&str>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for entry in &resource.body {
            if let Entry::Message(m) = entry {
                out.insert(m.id.name.to_owned());
                for a in &m.attributes {
                    out.insert(format!("{}.{}", m.id.name, a.id.name));
                }
            }
        }
        out
    }

    #[test]
    fn every_language_parses() {
        for locale in Locale::ALL {
            bundle(locale).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn every_language_has_every_message_english_has_and_no_other() {
        let mut problems = Vec::new();
        for (i, area) in AREAS.iter().enumerate() {
            let english = fluent_syntax::parser::parse(sources(Locale::En)[i])
                .unwrap_or_else(|(_, e)| panic!("en/{area}.ftl: {e:?}"));
            let english = ids(&english);
            for locale in Locale::ALL {
                let other = fluent_syntax::parser::parse(sources(locale)[i])
                    .unwrap_or_else(|(_, e)| panic!("{locale}/{area}.ftl: {e:?}"));
                let other = ids(&other);
                for missing in english.difference(&other) {
                    problems.push(format!("{locale}/{area}.ftl lacks `{missing}`"));
                }
                for extra in other.difference(&english) {
                    problems.push(format!(
                        "{locale}/{area}.ftl has `{extra}`, English does not"
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Every string literal in `src/` shaped like a message id of a known area (`error-…`,
    /// `login-…`) is a message English has: a `PageError` or `Msg` naming a message nobody wrote
    /// would otherwise fail only when a person meets it.
    #[test]
    fn every_message_id_the_code_names_exists() {
        let all_english = sources(Locale::En).join("\n");
        let english = fluent_syntax::parser::parse(all_english.as_str())
            .unwrap_or_else(|(_, e)| panic!("{e:?}"));
        let prefixes: BTreeSet<String> = ids(&english)
            .iter()
            .filter_map(|id| id.split('-').next().map(str::to_owned))
            .collect();
        let looks_like_id = |s: &str| {
            s.contains('-')
                && !AREAS.contains(&s)
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && s.split('-').next().is_some_and(|p| prefixes.contains(p))
        };
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src/") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a source file");
                for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                    for (i, literal) in line.split('"').enumerate() {
                        if i % 2 == 1 && looks_like_id(literal) && !has(Locale::En, literal) {
                            missing.push(format!("{}: `{literal}`", path.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    /// Every id a template asks for (`ui.t("…")`, `t1`, `t2`, `n`) is in the English catalog.
    #[test]
    fn every_message_a_template_uses_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).expect("templates/") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a template");
            for call in [".t(\"", ".t1(\"", ".t2(\"", ".n(\""] {
                for (at, _) in text.match_indices(call) {
                    let rest = &text[at + call.len()..];
                    let id = &rest[..rest.find('"').unwrap_or(0)];
                    if !has(Locale::En, id) {
                        missing.push(format!("{}: `{id}`", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }
}
