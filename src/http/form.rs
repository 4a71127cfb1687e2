//! Parsing of `application/x-www-form-urlencoded` protocol requests (RFC 6749 §3.1, §3.2):
//! every parameter at most once, empty values treated as absent, sizes bounded.

use std::collections::HashMap;

use axum::http::{HeaderMap, header};

use crate::error::OAuthError;

/// Longest accepted parameter value (a JWT assertion is the longest legitimate one).
pub const MAX_PARAM_LEN: usize = 16 * 1024;

/// The parameters of one request, each present at most once.
#[derive(Debug, Default, Clone)]
pub struct Params(HashMap<String, String>);

impl Params {
    /// Parses a form body or a query string. A repeated parameter is `invalid_request`
    /// (RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once").
    pub fn parse(input: &[u8]) -> Result<Self, OAuthError> {
        let mut map = HashMap::new();
        for (k, v) in form_urlencoded::parse(input) {
            if v.len() > MAX_PARAM_LEN || k.len() > 128 {
                return Err(OAuthError::invalid_request(format!(
                    "parameter `{}` is too long",
                    truncate(&k)
                )));
            }
            // `form_urlencoded` decodes percent-escapes lossily: invalid UTF-8 (`%FF`) comes
            // out as U+FFFD, which no protocol value needs, so its presence is refused.
            if k.contains(char::REPLACEMENT_CHARACTER) || v.contains(char::REPLACEMENT_CHARACTER) {
                return Err(OAuthError::invalid_request(
                    "the request is not valid UTF-8",
                ));
            }
            if v.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                return Err(OAuthError::invalid_request(format!(
                    "parameter `{}` contains control characters",
                    truncate(&k)
                )));
            }
            if map.insert(k.to_string(), v.to_string()).is_some() {
                return Err(OAuthError::invalid_request(format!(
                    "parameter `{}` is repeated",
                    truncate(&k)
                )));
            }
        }
        if std::str::from_utf8(input).is_err() {
            return Err(OAuthError::invalid_request(
                "the request is not valid UTF-8",
            ));
        }
        Ok(Self(map))
    }

    /// A parameter's value; an empty value counts as absent (RFC 6749 §3.1).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Every parameter, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The same parameters without `names`.
    pub fn without(mut self, names: &[&str]) -> Self {
        self.0.retain(|k, _| !names.contains(&k.as_str()));
        self
    }

    /// Sets `name` to `value`, replacing any value it had.
    pub fn set(&mut self, name: &str, value: &str) {
        self.0.insert(name.to_string(), value.to_string());
    }

    /// The parameters as a JSON object of strings (how a pushed request is stored).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// Reads [`Params::to_json`]'s output back, with the checks of [`Params::parse`].
    pub fn from_json(json: &str) -> Result<Self, OAuthError> {
        let map: HashMap<String, String> = serde_json::from_str(json)
            .map_err(|_| OAuthError::invalid_request("stored parameters are not readable"))?;
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&map)
            .finish();
        Self::parse(encoded.as_bytes())
    }

    /// A parameter that must be present.
    pub fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::invalid_request(format!("missing parameter `{name}`")))
    }
}

fn truncate(s: &str) -> String {
    s.chars()
        .take(40)
        .collect::<String>()
        .escape_default()
        .to_string()
}

/// Protocol POSTs must be form-encoded (RFC 6749 §3.2).
pub fn require_form(headers: &HeaderMap) -> Result<(), OAuthError> {
    let ok = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_form_content_type);
    if ok {
        Ok(())
    } else {
        Err(OAuthError::invalid_request(
            "the request body must be application/x-www-form-urlencoded",
        ))
    }
}

/// Whether a `Content-Type` value is exactly `application/x-www-form-urlencoded`, with optional
/// parameters such as `charset` (RFC 9110 §8.3.1: type and subtype are case-insensitive,
/// whitespace may surround the `;`). A longer subtype that merely begins the same is not.
pub fn is_form_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default();
    essence
        .trim()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

#[cfg(test)]
mod tests {
    use super::{Params, is_form_content_type};

    #[test]
    fn the_form_content_type_is_matched_exactly() {
        for ok in [
            "application/x-www-form-urlencoded",
            "Application/X-WWW-Form-URLEncoded",
            "application/x-www-form-urlencoded;charset=UTF-8",
            " application/x-www-form-urlencoded ; charset=utf-8",
        ] {
            assert!(is_form_content_type(ok), "{ok}");
        }
        for bad in [
            "application/x-www-form-urlencodedx",
            "application/x-www-form-urlencoded-evil",
            "application/json",
            "text/plain; application/x-www-form-urlencoded",
            "",
        ] {
            assert!(!is_form_content_type(bad), "{bad}");
        }
    }

    #[test]
    fn repeated_parameters_are_refused() {
        assert!(Params::parse(b"a=1&a=2").is_err());
        let p = Params::parse(b"a=1&b=&c=x%20y").unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("x y"));
        assert!(Params::parse(b"a=%00").is_err());
        assert!(Params::parse(b"a=%FF").is_err());
        assert!(Params::parse(b"a=%C3%A9").is_ok());
    }
}
