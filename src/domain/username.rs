//! Usernames as typed at the login page.

use std::fmt;

/// 1–64 characters of letters, digits and `. _ @ + -`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// Parses a username for registration.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.is_empty() || s.chars().count() > 64 {
            return Err("a username must be 1 to 64 characters long".into());
        }
        if !s
            .chars()
            .all(|c| c.is_alphanumeric() || "._@+-".contains(c))
        {
            return Err(format!(
                "username `{}` may contain only letters, digits and . _ @ + -",
                s.escape_default()
            ));
        }
        Ok(Self(s.to_string()))
    }

    /// The username.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
