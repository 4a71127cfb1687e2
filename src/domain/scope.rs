//! OAuth scope values (RFC 6749 §3.3).

use std::collections::BTreeSet;
use std::fmt;

/// A set of scope tokens. Parsing rejects characters RFC 6749 §3.3 does not allow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope(BTreeSet<String>);

impl Scope {
    /// Parses a space-delimited scope string.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut set = BTreeSet::new();
        for token in s.split(' ').filter(|t| !t.is_empty()) {
            // scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
            if !token
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
            {
                return Err(format!(
                    "scope `{}` contains characters not allowed in a scope",
                    token.escape_default()
                ));
            }
            set.insert(token.to_string());
        }
        Ok(Self(set))
    }

    /// Whether `token` is in the set.
    pub fn contains(&self, token: &str) -> bool {
        self.0.contains(token)
    }

    /// Whether every token of `self` is in `other`.
    pub fn is_subset(&self, other: &Scope) -> bool {
        self.0.is_subset(&other.0)
    }

    /// Tokens of `self` that are not in `other`.
    pub fn difference(&self, other: &Scope) -> Vec<String> {
        self.0.difference(&other.0).cloned().collect()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The tokens, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// The union of two sets.
    pub fn union(&self, other: &Scope) -> Scope {
        Scope(self.0.union(&other.0).cloned().collect())
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for t in &self.0 {
            if !first {
                f.write_str(" ")?;
            }
            f.write_str(t)?;
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Scope;

    #[test]
    fn parses_and_compares() {
        let a = Scope::parse("openid  email").unwrap();
        let b = Scope::parse("openid email profile").unwrap();
        assert!(a.is_subset(&b));
        assert_eq!(b.difference(&a), vec!["profile".to_string()]);
        assert_eq!(a.to_string(), "email openid");
        assert!(Scope::parse("bad\"quote").is_err());
    }
}
