//! The static files of the pages (`/assets/<name>`, `/favicon.ico`): the built-in stylesheet,
//! scripts and icon, replaced one by one by the files of `[ui] assets_dir`, plus the operator's
//! `[ui] logo`. Read once at start-up: a request never touches the disk.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::config::ui::{UiConfig, logo_extension};

/// The built-in files, compiled into the binary.
const BUILT_IN: [(&str, &[u8]); 4] = [
    ("style.css", include_bytes!("../../templates/style.css")),
    (
        "form_post.js",
        include_bytes!("../../templates/form_post.js"),
    ),
    ("passkey.js", include_bytes!("../../templates/passkey.js")),
    ("favicon.ico", include_bytes!("../../templates/favicon.ico")),
];

/// The largest file `[ui] assets_dir` may hold: these are a stylesheet, scripts and images.
const MAX_ASSET_BYTES: u64 = 2 * 1024 * 1024;

/// One served file.
#[derive(Debug)]
struct Asset {
    content_type: &'static str,
    body: Bytes,
}

/// Every file served under `/assets` (and the icon), by name.
#[derive(Debug, Clone)]
pub struct Assets(Arc<HashMap<String, Asset>>);

impl Assets {
    /// The built-in files, the operator's replacements and logo, and the accent colour appended
    /// to the stylesheet (the pages' CSP allows no inline style, so it goes in the file).
    pub fn load(ui: &UiConfig) -> anyhow::Result<Self> {
        let mut files = HashMap::new();
        for (name, body) in BUILT_IN {
            files.insert(name.to_string(), asset(name, Bytes::from_static(body)));
        }
        if let Some(dir) = &ui.assets_dir {
            for (name, body) in read_dir(dir)? {
                files.insert(name.clone(), asset(&name, body));
            }
        }
        if let Some(logo) = &ui.logo
            && let Some(ext) = logo_extension(logo)
        {
            let body = std::fs::read(logo)
                .map_err(|e| anyhow::anyhow!("ui.logo: {}: {e}", logo.display()))?;
            let name = format!("logo.{ext}");
            files.insert(name.clone(), asset(&name, body.into()));
        }
        if let Some(color) = &ui.accent_color
            && let Some(css) = files.get_mut("style.css")
        {
            // Validated as #rrggbb by the config: nothing else can reach the stylesheet.
            let mut body = css.body.to_vec();
            body.extend_from_slice(format!("\n:root {{ --accent: {color}; }}\n").as_bytes());
            css.body = body.into();
        }
        Ok(Assets(Arc::new(files)))
    }

    /// The response for `name`, or `None` when there is no such file.
    fn response(&self, name: &str) -> Option<Response> {
        let a = self.0.get(name)?;
        Some(
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(a.content_type),
                    ),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=86400"),
                    ),
                    (
                        header::X_CONTENT_TYPE_OPTIONS,
                        HeaderValue::from_static("nosniff"),
                    ),
                ],
                a.body.clone(),
            )
                .into_response(),
        )
    }
}

/// The files of `[ui] assets_dir` a browser may be served: plain names only (no folders, no
/// hidden files), of a type the pages use.
fn read_dir(dir: &Path) -> anyhow::Result<Vec<(String, Bytes)>> {
    let fail = |e: std::io::Error| anyhow::anyhow!("ui.assets_dir: {}: {e}", dir.display());
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(fail)? {
        let entry = entry.map_err(fail)?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let meta = entry.metadata().map_err(fail)?;
        if !meta.is_file() || !servable_name(&name) {
            tracing::warn!(file = %name, "ui.assets_dir: not served (not a plain file of a known type)");
            continue;
        }
        if meta.len() > MAX_ASSET_BYTES {
            anyhow::bail!(
                "ui.assets_dir: {}: larger than 2 MiB",
                entry.path().display()
            );
        }
        let body = std::fs::read(entry.path()).map_err(fail)?;
        out.push((name, body.into()));
    }
    Ok(out)
}

/// A name a request may ask for: one path segment, not hidden, of a known type.
fn servable_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && !name.contains("..")
        && content_type(name).is_some()
}

/// The content type of a file, from its extension; `None` for types the pages do not use.
fn content_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "webp" => "image/webp",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => return None,
    })
}

fn asset(name: &str, body: Bytes) -> Asset {
    Asset {
        content_type: content_type(name).unwrap_or("application/octet-stream"),
        body,
    }
}

/// `GET /assets/{name}`.
pub async fn serve(State(assets): State<Assets>, uri: Uri) -> Response {
    let name = uri.path().strip_prefix("/assets/").unwrap_or_default();
    if !servable_name(name) {
        return not_found();
    }
    assets.response(name).unwrap_or_else(not_found)
}

/// `GET /favicon.ico`: browsers ask for it on every site, whatever the page links.
pub async fn favicon(State(assets): State<Assets>) -> Response {
    assets.response("favicon.ico").unwrap_or_else(not_found)
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        )],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_of_known_types_are_served() {
        for bad in [
            "",
            ".env",
            "../style.css",
            "a/b.css",
            "a\\b.css",
            "x..css",
            "notes.txt",
        ] {
            assert!(!servable_name(bad), "{bad}");
        }
        for good in ["style.css", "passkey.js", "logo.svg", "brand.woff2"] {
            assert!(servable_name(good), "{good}");
        }
    }

    #[test]
    fn the_accent_is_appended_to_the_stylesheet() {
        let ui = UiConfig {
            accent_color: Some("#0b57d0".into()),
            ..UiConfig::default()
        };
        let assets = Assets::load(&ui).expect("built-in assets");
        let css = &assets.0["style.css"].body;
        assert!(
            String::from_utf8_lossy(css).ends_with(":root { --accent: #0b57d0; }\n"),
            "accent rule at the end"
        );
    }
}
