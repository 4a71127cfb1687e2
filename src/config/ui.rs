//! `[ui]`: what people see on Tessera's pages: the default language, the operator's brand, and
//! the folder whose files replace the built-in stylesheet and scripts one by one.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::i18n::Locale;

/// `[ui]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    /// The language of a person whose request and browser name none Tessera speaks.
    pub default_locale: Locale,
    /// The name at the top of every page and in every page title.
    pub product_name: String,
    /// An image file (SVG, PNG, WebP or JPEG) shown instead of the product name (which becomes
    /// its alt text); served at `/assets/logo.<extension>`.
    pub logo: Option<PathBuf>,
    /// `#rrggbb`: buttons, links and focus rings. White text on it must reach 4.5:1.
    pub accent_color: Option<String>,
    /// Where a person can get help (an https URL); linked at the foot of every page.
    pub support_url: Option<String>,
    /// A folder whose files are served at `/assets/<name>`, replacing the built-in stylesheet
    /// and scripts of the same name.
    pub assets_dir: Option<PathBuf>,
    /// What consent says for a scope the operator defined: scope → language tag → words.
    pub scope_descriptions: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            default_locale: Locale::En,
            product_name: "Tessera".into(),
            logo: None,
            accent_color: None,
            support_url: None,
            assets_dir: None,
            scope_descriptions: BTreeMap::new(),
        }
    }
}

/// The largest logo file accepted.
const MAX_LOGO_BYTES: u64 = 512 * 1024;

impl UiConfig {
    pub(super) fn validate(&self) -> Result<(), (&'static str, String)> {
        let name = self.product_name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err((
                "ui.product_name",
                "must be 1 to 64 characters, without control characters".into(),
            ));
        }
        if let Some(color) = &self.accent_color {
            let rgb = parse_hex_color(color).ok_or((
                "ui.accent_color",
                format!("`{color}` is not a colour written as #rrggbb"),
            ))?;
            let ratio = contrast_ratio(rgb, [255, 255, 255]);
            if ratio < 4.5 {
                return Err((
                    "ui.accent_color",
                    format!(
                        "white text on {color} has a contrast of {ratio:.2}:1; WCAG 2.1 AA needs \
                         4.5:1, choose a darker colour"
                    ),
                ));
            }
        }
        if let Some(url) = &self.support_url {
            match url::Url::parse(url) {
                Ok(u) if u.scheme() == "https" || u.scheme() == "mailto" => {}
                _ => {
                    return Err((
                        "ui.support_url",
                        "must be an https: (or mailto:) URL".into(),
                    ));
                }
            }
        }
        if let Some(logo) = &self.logo {
            logo_extension(logo).ok_or((
                "ui.logo",
                format!(
                    "{}: must be an .svg, .png, .webp, .jpg or .jpeg file",
                    logo.display()
                ),
            ))?;
            let meta = std::fs::metadata(logo)
                .map_err(|e| ("ui.logo", format!("{}: {e}", logo.display())))?;
            if !meta.is_file() || meta.len() > MAX_LOGO_BYTES {
                return Err((
                    "ui.logo",
                    format!("{}: must be a file of at most 512 KiB", logo.display()),
                ));
            }
        }
        if let Some(dir) = &self.assets_dir
            && !dir.is_dir()
        {
            return Err((
                "ui.assets_dir",
                format!("{}: is not a readable folder", dir.display()),
            ));
        }
        for (scope, words) in &self.scope_descriptions {
            if !words.contains_key("en") {
                return Err((
                    "ui.scope_descriptions",
                    format!("scope `{scope}` needs at least an `en` description"),
                ));
            }
            if let Some(tag) = words.keys().find(|t| t.parse::<Locale>().is_err()) {
                return Err((
                    "ui.scope_descriptions",
                    format!("scope `{scope}`: `{tag}` is not a language Tessera speaks"),
                ));
            }
        }
        Ok(())
    }

    /// The words consent shows for the operator's scope `scope` in `locale` (English when that
    /// language has none).
    pub fn scope_description(&self, scope: &str, locale: Locale) -> Option<&str> {
        let words = self.scope_descriptions.get(scope)?;
        words
            .get(locale.tag())
            .or_else(|| words.get("en"))
            .map(String::as_str)
    }
}

/// The file extension a logo is served with, if it is one browsers show as an image.
pub fn logo_extension(path: &std::path::Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    ["svg", "png", "webp", "jpg", "jpeg"]
        .into_iter()
        .find(|e| *e == ext)
}

/// `#rrggbb` as its three channels.
pub fn parse_hex_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG 2.1 contrast ratio of two sRGB colours (§1.4.3, "relative luminance").
pub fn contrast_ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    fn luminance(c: [u8; 3]) -> f64 {
        let lin = |v: u8| {
            let s = f64::from(v) / 255.0;
            if s <= 0.04045 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_of_known_pairs() {
        assert!((contrast_ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
        assert!((contrast_ratio([0x76, 0x76, 0x76], [255, 255, 255]) - 4.54).abs() < 0.01);
    }

    #[test]
    fn a_pale_accent_is_refused_with_its_ratio() {
        let ui = UiConfig {
            accent_color: Some("#ffcc00".into()),
            ..UiConfig::default()
        };
        let (key, msg) = ui.validate().expect_err("too pale");
        assert_eq!(key, "ui.accent_color");
        assert!(msg.contains(":1"), "{msg}");
        let ui = UiConfig {
            accent_color: Some("#0b57d0".into()),
            ..UiConfig::default()
        };
        ui.validate().expect("dark enough");
    }
}
