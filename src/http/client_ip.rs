//! The client's IP address: the TCP peer, unless the peer is one of
//! `server.trusted_proxies`; then the right-most address in `X-Forwarded-For` that is not itself
//! a trusted proxy. Entries left of that one were written by the client and prove nothing.
//!
//! Resolved once per request by the request envelope (`envelope.rs`), carried in the request's
//! tracing span (so every audit event has it) and read by handlers through the [`ClientIp`]
//! extractor; the login throttle counts it.
//!
//! Only `X-Forwarded-For` is read, not RFC 7239 `Forwarded`: a proxy that appends to one header
//! but passes the other through untouched would let a client forge the other, so exactly one
//! header is trusted, the one every common proxy writes.

use std::net::{IpAddr, SocketAddr};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, StatusCode};

use crate::config::TrustedProxies;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

// The list is configuration (`config/trusted_proxies.rs`); walking the header with it is HTTP's.
impl TrustedProxies {
    /// The client's address for a request from `peer` carrying `headers`: `peer` itself unless
    /// it is trusted; otherwise walk `X-Forwarded-For` from the right (each hop appends the
    /// address it saw) and stop at the first address that is not a trusted proxy. An entry that
    /// is not an address (`unknown`, garbage) ends the walk at the last address known.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut current = peer.to_canonical();
        if !self.contains(current) {
            return current;
        }
        // Several header lines form one list, in order (RFC 9110 §5.3).
        let mut entries: Vec<&str> = Vec::new();
        for value in headers.get_all(X_FORWARDED_FOR) {
            let Ok(value) = value.to_str() else {
                return current;
            };
            entries.extend(value.split(','));
        }
        for entry in entries.iter().rev() {
            let Some(ip) = parse_entry(entry) else {
                return current;
            };
            current = ip;
            if !self.contains(ip) {
                break;
            }
        }
        current
    }
}

/// One `X-Forwarded-For` entry: an address, optionally with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client's address, resolved once per request by the envelope (`envelope.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl std::fmt::Display for ClientIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Absent only if the server was started without connection info: a start-up bug.
        parts.extensions.get::<ClientIp>().copied().ok_or((
            StatusCode::INTERNAL_SERVER_ERROR,
            "the client address is unknown",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(X_FORWARDED_FOR, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn nobody_is_trusted_by_default() {
        let p = TrustedProxies::default();
        assert_eq!(
            p.client_ip(ip("10.0.0.1"), &xff(&["1.2.3.4"])),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn the_right_most_untrusted_address_wins() {
        let p = TrustedProxies::parse(&["10.0.0.0/8", "192.0.2.1"]).unwrap();
        // The client claims 6.6.6.6; the first proxy saw 203.0.113.9; a second proxy 10.1.1.1.
        let h = xff(&["6.6.6.6, 203.0.113.9", "10.1.1.1"]);
        assert_eq!(p.client_ip(ip("192.0.2.1"), &h), ip("203.0.113.9"));
        // From an untrusted peer the header is ignored.
        assert_eq!(p.client_ip(ip("198.51.100.1"), &h), ip("198.51.100.1"));
        // No header: the proxy itself.
        assert_eq!(
            p.client_ip(ip("10.0.0.5"), &HeaderMap::new()),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn ports_mapped_addresses_and_garbage() {
        let p = TrustedProxies::parse(&["::1", "127.0.0.1"]).unwrap();
        assert_eq!(
            p.client_ip(ip("::ffff:127.0.0.1"), &xff(&["203.0.113.9:4711"])),
            ip("203.0.113.9")
        );
        assert_eq!(
            p.client_ip(ip("::1"), &xff(&["[2001:db8::1]:80"])),
            ip("2001:db8::1")
        );
        // Garbage right of the client stops the walk at the proxy.
        assert_eq!(
            p.client_ip(ip("::1"), &xff(&["203.0.113.9, unknown"])),
            ip("::1")
        );
        // Every entry trusted: the left-most.
        assert_eq!(
            p.client_ip(ip("::1"), &xff(&["127.0.0.1"])),
            ip("127.0.0.1")
        );
    }
}
