//! Response modes of the authorization endpoint (OAuth 2.0 Multiple Response Type Encoding
//! Practices §2.1, OAuth 2.0 Form Post Response Mode).

use std::fmt;

use serde::{Deserialize, Serialize};

/// How the response parameters travel back. `fragment` is not one Tessera serves: it would put
/// the code where scripts and history can read it.
///
/// Not a `closed_set!`: serde keeps the variant names (`Query`), because pending authorizations
/// in sessions carry them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseMode {
    /// Parameters in the redirect URI's query (the default for `code`).
    Query,
    /// Parameters in an auto-submitting HTML form.
    FormPost,
}

impl ResponseMode {
    /// Every mode served, in the order they are advertised.
    pub const ALL: [ResponseMode; 2] = [ResponseMode::Query, ResponseMode::FormPost];

    /// The `response_mode` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseMode::Query => "query",
            ResponseMode::FormPost => "form_post",
        }
    }

    /// Parses a `response_mode` value; `None` for any mode not served.
    pub fn parse(s: &str) -> Option<Self> {
        ResponseMode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for ResponseMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ResponseMode;

    #[test]
    fn names_round_trip_and_sessions_keep_the_variant_names() {
        for mode in ResponseMode::ALL {
            assert_eq!(ResponseMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(ResponseMode::parse("fragment"), None);
        assert_eq!(
            serde_json::to_value(ResponseMode::FormPost).unwrap(),
            "FormPost"
        );
    }
}
