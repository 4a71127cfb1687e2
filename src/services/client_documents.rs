//! Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): with
//! `[registration] client_id_metadata_documents = true`, a `client_id` that is an https URL
//! names the client's metadata, fetched from that URL instead of read from the database.
//!
//! The fetch is hardened against server-side request forgery: the host is resolved first and
//! every address checked to be public (no loopback, private, link-local, unspecified, multicast,
//! documentation or reserved ranges, in IPv4 and IPv6, IPv4-mapped included), and the
//! connection goes to exactly the checked addresses (a resolver of our own, so DNS cannot answer
//! differently between the check and the connect). No redirects, short timeouts, at most
//! [`MAX_BYTES`]. The document must name its own URL as `client_id`, be a public client
//! (`token_endpoint_auth_method` `none`), and follow the same registration rules as any client;
//! its redirect URIs are matched exactly as listed. It is cached as its `Cache-Control: max-age`
//! says, within [`MIN_TTL`] and [`MAX_TTL`]. Such a client is never first-party.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::{
    Alg, AuthMethod, ClientAbout, ClientRegistration, GrantType, RegisteredBy, RequestPolicy, Scope,
};
use crate::store::{ClientRow, NewClient};

/// The largest document accepted (the draft suggests 5 KiB).
pub const MAX_BYTES: usize = 5 * 1024;
/// How long one fetch may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Shortest time a document is kept (also for `no-cache` / `no-store`: a bound on refetches).
pub const MIN_TTL: i64 = 60;
/// Longest time a document is kept, whatever its headers say.
pub const MAX_TTL: i64 = 24 * 3600;
/// How long a document without `max-age` is kept.
const DEFAULT_TTL: i64 = 600;

/// Why a client_id URL names no usable client.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("the client_id URL is not acceptable: {0}")]
    Url(&'static str),
    #[error("the client_id URL's host {0} is not a public address")]
    Address(String),
    #[error("the metadata document could not be fetched: {0}")]
    Fetch(String),
    #[error("the metadata document answer was status {0}")]
    Status(u16),
    #[error("the metadata document is larger than {MAX_BYTES} bytes")]
    TooLarge,
    #[error("the metadata document is not acceptable: {0}")]
    Invalid(String),
}

/// The fetcher and its cache. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ClientDocuments {
    http: reqwest::Client,
    cache: Arc<Mutex<HashMap<String, Cached>>>,
    clock: Clock,
    allowed_scopes: Scope,
    algorithms: Vec<Alg>,
    /// Tests only: http URLs and loopback addresses allowed (see the config key).
    loopback: bool,
}

#[derive(Debug, Clone)]
struct Cached {
    client: Arc<ClientRow>,
    expires_at: i64,
}

impl ClientDocuments {
    /// The fetcher, when `[registration] client_id_metadata_documents` is on.
    pub fn from_config(config: &Config, clock: Clock) -> Option<Self> {
        let r = &config.registration;
        if !r.client_id_metadata_documents {
            return None;
        }
        let loopback = r.client_id_metadata_documents_allow_loopback_for_tests;
        if loopback {
            tracing::warn!(
                "registration.client_id_metadata_documents_allow_loopback_for_tests is on: \
                 metadata documents are fetched from this host too (tests only)"
            );
        }
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(CheckedResolver { loopback }))
            .build()
            .unwrap_or_default();
        Some(Self {
            http,
            cache: Arc::default(),
            clock,
            allowed_scopes: Scope::parse(&r.allowed_scopes).unwrap_or_default(),
            algorithms: config.keys.algorithms.clone(),
            loopback,
        })
    }

    /// Whether `client_id` is a URL this fetcher answers for (else it names a stored client).
    pub fn handles(&self, client_id: &str) -> bool {
        client_id.starts_with("https://") || (self.loopback && client_id.starts_with("http://"))
    }

    /// The document's client while cached and fresh.
    pub fn cached(&self, url: &str) -> Option<Arc<ClientRow>> {
        let now = self.clock.now();
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(url)
            .filter(|c| c.expires_at > now)
            .map(|c| c.client.clone())
    }

    /// The client `url` names: cached, or fetched and checked.
    pub async fn client(&self, url: &str) -> Result<Arc<ClientRow>, DocumentError> {
        if let Some(c) = self.cached(url) {
            return Ok(c);
        }
        let parsed = self.checked_url(url)?;
        let (body, ttl) = self.fetch(parsed).await?;
        let client = Arc::new(self.client_of(url, &body)?);
        let now = self.clock.now();
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|_, c| c.expires_at > now);
        cache.insert(
            url.to_string(),
            Cached {
                client: client.clone(),
                expires_at: now + ttl,
            },
        );
        Ok(client)
    }

    /// Draft §3: https, a path, no fragment, no credentials, no dot segments; a host that is
    /// an address literal must be a public one (names are checked when resolved).
    fn checked_url(&self, url: &str) -> Result<url::Url, DocumentError> {
        let parsed = url::Url::parse(url).map_err(|_| DocumentError::Url("not a URL"))?;
        let scheme_ok = parsed.scheme() == "https" || (self.loopback && parsed.scheme() == "http");
        if !scheme_ok {
            return Err(DocumentError::Url("it must be https"));
        }
        if parsed.fragment().is_some() || url.contains('#') {
            return Err(DocumentError::Url("it must not have a fragment"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(DocumentError::Url("it must not carry credentials"));
        }
        if parsed.path() == "/" || parsed.as_str() != url {
            return Err(DocumentError::Url(
                "it must have a path and be in normal form (no dot segments)",
            ));
        }
        let literal = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => None,
            None => return Err(DocumentError::Url("it must name a host")),
        };
        if let Some(ip) = literal
            && !allowed_address(ip, self.loopback)
        {
            return Err(DocumentError::Address(ip.to_string()));
        }
        Ok(parsed)
    }

    /// The body (at most [`MAX_BYTES`]) and how long it may be kept.
    async fn fetch(&self, url: url::Url) -> Result<(Vec<u8>, i64), DocumentError> {
        let fetch_error = |e: reqwest::Error| {
            // The resolver's refusal arrives wrapped: name it plainly.
            let mut source: Option<&dyn std::error::Error> = Some(&e);
            while let Some(s) = source {
                if let Some(refused) = s.downcast_ref::<RefusedAddress>() {
                    return DocumentError::Address(refused.0.clone());
                }
                source = s.source();
            }
            if e.is_timeout() {
                DocumentError::Fetch("no answer in time".into())
            } else {
                DocumentError::Fetch("the connection failed".into())
            }
        };
        let mut resp = self
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(fetch_error)?;
        if resp.status() != reqwest::StatusCode::OK {
            return Err(DocumentError::Status(resp.status().as_u16()));
        }
        let ttl = ttl_of(resp.headers());
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(fetch_error)? {
            if body.len() + chunk.len() > MAX_BYTES {
                return Err(DocumentError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok((body, ttl))
    }

    /// The client the document describes, checked by the registration rules.
    fn client_of(&self, url: &str, body: &[u8]) -> Result<ClientRow, DocumentError> {
        let invalid = |m: String| DocumentError::Invalid(m);
        let doc: Document = serde_json::from_slice(body)
            .map_err(|e| invalid(format!("not a JSON object of client metadata ({e})")))?;
        if doc.client_id != url {
            return Err(invalid("its client_id is not its own URL".into()));
        }
        match doc.token_endpoint_auth_method.as_deref() {
            None | Some("none") => {}
            Some(_) => {
                return Err(invalid(
                    "token_endpoint_auth_method must be none (a public client)".into(),
                ));
            }
        }
        let grant_types = doc
            .grant_types
            .unwrap_or_default()
            .iter()
            .map(|g| GrantType::parse(g).ok_or_else(|| invalid(format!("grant type `{g}`"))))
            .collect::<Result<Vec<_>, _>>()?;
        let registration: ClientRegistration<serde_json::Value> = ClientRegistration {
            name: doc.client_name.unwrap_or_else(|| url.to_string()),
            public: true,
            auth_method: Some(AuthMethod::None),
            grant_types,
            redirect_uris: doc.redirect_uris,
            post_logout_redirect_uris: doc.post_logout_redirect_uris.unwrap_or_default(),
            scope: doc.scope.unwrap_or_else(|| self.allowed_scopes.to_string()),
            jwks_uri: None,
            jwks: None,
            id_token_signed_response_alg: None,
            backchannel_logout_uri: None,
            first_party: false,
            allowed_origins: None,
            token_exchange_audiences: vec![],
            dpop_bound_access_tokens: doc.dpop_bound_access_tokens.unwrap_or(false),
            // PAR, JAR and FAPI need keys or an operator's choice: not for a fetched document.
            request_policy: RequestPolicy::default(),
            allow_insecure_redirect: false,
            response_types: doc.response_types,
            about: ClientAbout {
                client_uri: doc.client_uri,
                logo_uri: doc.logo_uri,
                policy_uri: doc.policy_uri,
                tos_uri: doc.tos_uri,
                contacts: doc.contacts.unwrap_or_default(),
                software_id: doc.software_id,
                software_version: doc.software_version,
            },
            subject_type: Default::default(),
            sector_identifier_uri: None,
        };
        let valid = registration
            .validate(&self.algorithms, |_| Err("no keys".into()))
            .map_err(|e| invalid(e.to_string()))?;
        let beyond = valid.scope.difference(&self.allowed_scopes);
        if !beyond.is_empty() {
            return Err(invalid(format!(
                "scope {} is not allowed",
                beyond.join(" ")
            )));
        }
        let new = NewClient::from_registration(
            url.to_string(),
            valid,
            None,
            RegisteredBy::MetadataDocument,
            None,
        );
        Ok(ClientRow::unstored(new, self.clock.now()))
    }
}

/// The metadata read from a document; anything else is ignored.
#[derive(Debug, Deserialize)]
struct Document {
    client_id: String,
    client_name: Option<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
    post_logout_redirect_uris: Option<Vec<String>>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    token_endpoint_auth_method: Option<String>,
    scope: Option<String>,
    client_uri: Option<String>,
    logo_uri: Option<String>,
    policy_uri: Option<String>,
    tos_uri: Option<String>,
    contacts: Option<Vec<String>>,
    software_id: Option<String>,
    software_version: Option<String>,
    /// RFC 9449 §5.2: a public agent may ask that its tokens always be DPoP-bound.
    dpop_bound_access_tokens: Option<bool>,
}

/// RFC 9111 §5.2.2: `max-age` (or `no-store` / `no-cache`: the shortest time), within bounds.
fn ttl_of(headers: &reqwest::header::HeaderMap) -> i64 {
    let Some(value) = headers
        .get(reqwest::header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
    else {
        return DEFAULT_TTL;
    };
    let mut ttl = DEFAULT_TTL;
    for directive in value.split(',').map(|d| d.trim().to_ascii_lowercase()) {
        if directive == "no-store" || directive == "no-cache" {
            return MIN_TTL;
        }
        if let Some(secs) = directive.strip_prefix("max-age=")
            && let Ok(secs) = secs.trim_matches('"').parse::<i64>()
        {
            ttl = secs;
        }
    }
    ttl.clamp(MIN_TTL, MAX_TTL)
}

/// A host resolved to an address that may not be fetched.
#[derive(Debug)]
struct RefusedAddress(String);

impl std::fmt::Display for RefusedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is not a public address", self.0)
    }
}

impl std::error::Error for RefusedAddress {}

/// Resolves a host, refuses it if any of its addresses is not public, and hands reqwest exactly
/// the addresses checked, so the connection goes to one of them.
struct CheckedResolver {
    loopback: bool,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let loopback = self.loopback;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| !allowed_address(a.ip(), loopback)) {
                let refused: Box<dyn std::error::Error + Send + Sync> =
                    Box::new(RefusedAddress(format!("{host} ({})", bad.ip())));
                return Err(refused);
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether a metadata document may be fetched from `ip`: a public unicast address. With
/// `loopback` (tests only), loopback addresses too.
pub fn allowed_address(ip: IpAddr, loopback: bool) -> bool {
    if loopback && ip.to_canonical().is_loopback() {
        return true;
    }
    match ip.to_canonical() {
        IpAddr::V4(v4) => !BLOCKED_V4.iter().any(|net| contains(net, IpAddr::V4(v4))),
        IpAddr::V6(v6) => {
            // NAT64 and 6to4 embed an IPv4 address: judge that one too.
            let seg = v6.segments();
            let embedded = match seg {
                [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some((hi, lo)),
                [0x2002, hi, lo, ..] => Some((hi, lo)),
                _ => None,
            };
            if let Some((hi, lo)) = embedded {
                let v4 = std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
                if !allowed_address(IpAddr::V4(v4), false) {
                    return false;
                }
            }
            !BLOCKED_V6.iter().any(|net| contains(net, IpAddr::V6(v6)))
        }
    }
}

fn contains(net: &str, ip: IpAddr) -> bool {
    net.parse::<ipnet::IpNet>().is_ok_and(|n| n.contains(&ip))
}

/// IPv4 ranges that are not public unicast (RFC 6890 and successors).
const BLOCKED_V4: [&str; 16] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "255.255.255.255/32",
];

/// IPv6 ranges that are not public unicast.
const BLOCKED_V6: [&str; 10] = [
    "::/128",
    "::1/128",
    "::ffff:0:0/96",
    "64:ff9b:1::/48",
    "100::/64",
    "2001::/23",
    "2001:db8::/32",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_may_be_fetched() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            let ip: IpAddr = bad.parse().unwrap();
            assert!(!allowed_address(ip, false), "{bad}");
        }
        for good in ["93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34"] {
            let ip: IpAddr = good.parse().unwrap();
            assert!(allowed_address(ip, false), "{good}");
        }
        assert!(allowed_address("127.0.0.1".parse().unwrap(), true));
        assert!(!allowed_address("10.0.0.1".parse().unwrap(), true));
    }

    #[test]
    fn caching_follows_max_age_within_bounds() {
        let ttl = |v: &str| {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert(reqwest::header::CACHE_CONTROL, v.parse().unwrap());
            ttl_of(&h)
        };
        assert_eq!(ttl("max-age=300"), 300);
        assert_eq!(ttl("public, max-age=5"), MIN_TTL);
        assert_eq!(ttl("max-age=99999999"), MAX_TTL);
        assert_eq!(ttl("no-store"), MIN_TTL);
        assert_eq!(ttl_of(&reqwest::header::HeaderMap::new()), DEFAULT_TTL);
    }
}
