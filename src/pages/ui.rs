//! [`Ui`]: what every template gets besides its own fields: the person's language (chosen by
//! [`crate::i18n::negotiate`]) and the operator's brand (`[ui]`). An extractor, so a handler asks
//! for it like any other input; computed once per request.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use time::OffsetDateTime;

use crate::config::Config;
use crate::i18n::negotiate::{self, Hints};
use crate::i18n::{Locale, Msg, Tr};
use crate::state::AppState;

/// A person's language and the brand, for templates: `{{ ui.t("login-title") }}`.
#[derive(Clone, Debug)]
pub struct Ui {
    pub tr: Tr,
    config: Arc<Config>,
}

impl Ui {
    pub fn new(locale: Locale, config: Arc<Config>) -> Self {
        Ui {
            tr: Tr(locale),
            config,
        }
    }

    pub fn locale(&self) -> Locale {
        self.tr.locale()
    }

    /// `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.tr.lang()
    }

    /// `<html dir>`: `rtl` for Arabic.
    pub fn dir(&self) -> &'static str {
        self.tr.dir()
    }

    pub fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }

    pub fn t1(&self, id: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        self.tr.t1(id, name, value)
    }

    pub fn t2(
        &self,
        id: &str,
        a: &str,
        a_value: &dyn std::fmt::Display,
        b: &str,
        b_value: &dyn std::fmt::Display,
    ) -> String {
        self.tr.t2(id, a, a_value, b, b_value)
    }

    pub fn n(&self, id: &str, name: &str, n: &i64) -> String {
        self.tr.n(id, name, *n)
    }

    pub fn msg(&self, m: &Msg) -> String {
        self.tr.msg(m)
    }

    pub fn date(&self, at: &OffsetDateTime) -> String {
        self.tr.date(*at)
    }

    pub fn date_time(&self, at: &OffsetDateTime) -> String {
        self.tr.date_time(*at)
    }

    /// `[ui] product_name`.
    pub fn product_name(&self) -> &str {
        &self.config.ui.product_name
    }

    /// Where the operator's logo is served, if there is one.
    pub fn logo(&self) -> Option<String> {
        let path = self.config.ui.logo.as_deref()?;
        let ext = crate::config::ui::logo_extension(path)?;
        Some(format!("/assets/logo.{ext}"))
    }

    /// `[ui] support_url`.
    pub fn support_url(&self) -> Option<&str> {
        self.config.ui.support_url.as_deref()
    }
}

impl FromRequestParts<AppState> for Ui {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        if let Some(ui) = parts.extensions.get::<Ui>() {
            return Ok(ui.clone());
        }
        let ui_locales = parts.uri.query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "ui_locales")
                .map(|(_, v)| v.into_owned())
        });
        let cookie = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| {
                c.trim()
                    .strip_prefix(negotiate::COOKIE)
                    .and_then(|rest| rest.strip_prefix('='))
            });
        let hints = Hints {
            ui_locales: ui_locales.as_deref(),
            cookie,
            accept_language: parts
                .headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        };
        let ui = Ui::new(
            negotiate::choose(hints, state.config.ui.default_locale),
            state.config.clone(),
        );
        parts.extensions.insert(ui.clone());
        Ok(ui)
    }
}
