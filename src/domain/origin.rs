//! A web origin (RFC 6454 §6.1): `scheme://host[:port]`, as a browser sends it in `Origin`.

use std::fmt;

/// An `http` or `https` origin in its serialized form: lowercase host, no default port, no path.
/// Two origins are the same exactly when their serializations are (RFC 6454 §5).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Origin(String);

impl Origin {
    /// Parses an origin to allow at registration: `https`, or `http` on a loopback host unless
    /// `allow_insecure_http`; nothing after the port (a trailing `/` is tolerated).
    pub fn parse(s: &str, allow_insecure_http: bool) -> Result<Self, String> {
        let url =
            url::Url::parse(s).map_err(|e| format!("origin `{s}` is not an absolute URL ({e})"))?;
        let bare = url.path() == "/"
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.password().is_none()
            && !s.contains(['?', '#']);
        if !bare {
            return Err(format!(
                "origin `{s}` must be scheme://host[:port], without a path, query or fragment"
            ));
        }
        match url.scheme() {
            "https" => {}
            "http" if allow_insecure_http || is_loopback(&url) => {}
            "http" => {
                return Err(format!(
                    "origin `{s}` uses http for a non-loopback host; use https \
                     (or register with --allow-insecure-redirect)"
                ));
            }
            scheme => {
                return Err(format!(
                    "origin `{s}` has scheme `{scheme}`; browsers send http and https origins"
                ));
            }
        }
        Ok(Self(url.origin().ascii_serialization()))
    }

    /// The origin of a registered redirect URI, if it has one a browser would send (`http` or
    /// `https`; a private-use scheme names an app, not a web origin).
    pub fn of_uri(uri: &str) -> Option<Self> {
        let url = url::Url::parse(uri).ok()?;
        matches!(url.scheme(), "http" | "https").then(|| Self(url.origin().ascii_serialization()))
    }

    /// The serialized origin, as it appears in `Origin` and `Access-Control-Allow-Origin`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Origin;

    #[test]
    fn origins_are_serialized_as_browsers_send_them() {
        let o = |s: &str| Origin::parse(s, false).map(|o| o.to_string());
        assert_eq!(o("https://App.Example").unwrap(), "https://app.example");
        assert_eq!(o("https://app.example/").unwrap(), "https://app.example");
        assert_eq!(o("https://app.example:443").unwrap(), "https://app.example");
        assert_eq!(
            o("https://app.example:8443").unwrap(),
            "https://app.example:8443"
        );
        assert_eq!(o("http://127.0.0.1:5173").unwrap(), "http://127.0.0.1:5173");
        assert_eq!(o("http://localhost:3000").unwrap(), "http://localhost:3000");
    }

    #[test]
    fn only_a_bare_web_origin_is_accepted() {
        for bad in [
            "https://app.example/cb",
            "https://app.example?x=1",
            "https://app.example#x",
            "https://user@app.example",
            "http://app.example",
            "com.example.app:/cb",
            "null",
            "*",
            "app.example",
        ] {
            assert!(Origin::parse(bad, false).is_err(), "{bad}");
        }
        assert!(Origin::parse("http://app.example", true).is_ok());
    }

    #[test]
    fn a_redirect_uri_gives_its_origin() {
        let of = |s: &str| Origin::of_uri(s).map(|o| o.to_string());
        assert_eq!(
            of("https://app.example:8443/cb?x=1").as_deref(),
            Some("https://app.example:8443")
        );
        assert_eq!(of("com.example.app:/cb"), None);
    }
}
