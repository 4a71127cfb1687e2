//! The OP's issuer identifier (OIDC Discovery §3, RFC 8414 §2).

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer};

/// An absolute http(s) URL without a trailing slash, query or fragment; plain http only for this
/// machine. Reads as the `str` it was written as (`iss` claims compare against it verbatim).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer(String);

impl Issuer {
    /// Parses an issuer; the error says which rule `s` breaks.
    pub fn parse(s: &str) -> Result<Self, String> {
        let url = url::Url::parse(s).map_err(|e| format!("`{s}` is not an absolute URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("must be an http or https URL".into());
        }
        if url.scheme() == "http" && !is_loopback(&url) {
            // OIDC Discovery §3: the issuer is an https URL. Plain http only for development on
            // this machine; in production TLS terminates at a proxy and the issuer is https.
            return Err("must be an https URL (http only for 127.0.0.1, ::1 or localhost)".into());
        }
        if s.ends_with('/') {
            return Err("must not end with a slash".into());
        }
        if url.query().is_some() || url.fragment().is_some() {
            // OIDC Discovery §3 / RFC 8414 §2: no query or fragment components.
            return Err("must not have a query or fragment".into());
        }
        Ok(Self(s.to_string()))
    }

    /// The issuer exactly as configured.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the issuer is served over https (so cookies must carry `Secure`).
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }
}

/// Whether `url` names this machine (a loopback address or `localhost`).
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl<'de> Deserialize<'de> for Issuer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Deref for Issuer {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Issuer {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Issuer> for String {
    fn from(issuer: Issuer) -> Self {
        issuer.0
    }
}

impl PartialEq<str> for Issuer {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Issuer {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Issuer {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<Issuer> for String {
    fn eq(&self, other: &Issuer) -> bool {
        *self == other.0
    }
}

#[cfg(test)]
mod tests {
    use super::Issuer;

    #[test]
    fn rules() {
        for ok in [
            "https://id.example.com",
            "https://id.example.com/tenant",
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "http://[::1]:8080",
        ] {
            assert!(Issuer::parse(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("/tessera", "absolute URL"),
            ("ftp://id.example.com", "http or https"),
            ("http://id.example.com", "https URL"),
            ("https://id.example.com/", "slash"),
            ("https://id.example.com?a=b", "query"),
            ("https://id.example.com#x", "fragment"),
        ] {
            let e = Issuer::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn reads_as_the_string_it_was_written_as() {
        let issuer = Issuer::parse("https://id.example.com").unwrap();
        assert_eq!(issuer, "https://id.example.com");
        assert_eq!(issuer, "https://id.example.com".to_string());
        assert_eq!("https://id.example.com".to_string(), issuer);
        assert_eq!(format!("{issuer}/token"), "https://id.example.com/token");
        assert!(issuer.is_https());
    }
}
