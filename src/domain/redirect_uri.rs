//! A registered redirect URI (RFC 6749 §3.1.2, RFC 8252 §7, RFC 9700 §2.1).

use std::fmt;

/// An absolute redirect URI without a fragment. `http` only for loopback hosts (RFC 8252 §7.3)
/// unless registration explicitly allows it; private-use schemes need a dot (RFC 8252 §7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri(String);

impl RedirectUri {
    /// Parses a URI for registration.
    pub fn parse(s: &str, allow_insecure_http: bool) -> Result<Self, String> {
        let url = url::Url::parse(s)
            .map_err(|e| format!("redirect URI `{s}` is not an absolute URI ({e})"))?;
        if url.fragment().is_some() || s.contains('#') {
            return Err(format!(
                "redirect URI `{s}` must not contain a fragment (RFC 6749 §3.1.2)"
            ));
        }
        match url.scheme() {
            "https" => {}
            "http" => {
                let loopback = matches!(
                    url.host(),
                    Some(url::Host::Ipv4(ip)) if ip.is_loopback()
                ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
                    || url.host_str() == Some("localhost");
                if !loopback && !allow_insecure_http {
                    return Err(format!(
                        "redirect URI `{s}` uses http for a non-loopback host; use https \
                         (or register with --allow-insecure-redirect)"
                    ));
                }
            }
            scheme if scheme.contains('.') => {}
            scheme => {
                return Err(format!(
                    "redirect URI `{s}` has scheme `{scheme}`; use https, http on loopback, or a \
                     reverse-domain private-use scheme (RFC 8252 §7.1)"
                ));
            }
        }
        Ok(Self(s.to_string()))
    }

    /// The URI exactly as registered.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for RedirectUri {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::RedirectUri;

    #[test]
    fn rules() {
        assert!(RedirectUri::parse("https://app.example.com/cb", false).is_ok());
        assert!(RedirectUri::parse("http://127.0.0.1:9000/cb", false).is_ok());
        assert!(RedirectUri::parse("http://localhost/cb", false).is_ok());
        assert!(RedirectUri::parse("http://[::1]/cb", false).is_ok());
        assert!(RedirectUri::parse("com.example.app:/cb", false).is_ok());
        assert!(RedirectUri::parse("http://app.example.com/cb", false).is_err());
        assert!(RedirectUri::parse("http://app.example.com/cb", true).is_ok());
        assert!(RedirectUri::parse("https://app.example.com/cb#x", false).is_err());
        assert!(RedirectUri::parse("/relative", false).is_err());
        assert!(RedirectUri::parse("javascript:alert(1)", false).is_err());
    }
}
