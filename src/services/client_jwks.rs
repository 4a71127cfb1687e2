//! Clients' JWK Sets fetched from their registered `jwks_uri` (private_key_jwt), cached in
//! memory for [`TTL`] so the token endpoint does not make an HTTP call per request. A `kid` not
//! in the cached set causes one re-fetch (the client rotated its keys), at most once per
//! [`MIN_REFETCH`] per URI so unknown kids cannot be used to make us hammer the client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::clock::Clock;

/// How long a fetched set is used before it is fetched again.
pub const TTL: Duration = Duration::from_secs(300);
/// Shortest interval between two fetches of one URI.
const MIN_REFETCH: Duration = Duration::from_secs(2);
/// How long one fetch may take.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Largest JWK Set accepted.
const MAX_BYTES: usize = 64 * 1024;

/// Why a client's JWK Set could not be had.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("fetching the JWK Set failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the JWK Set answer was status {0}")]
    Status(u16),
    #[error("the JWK Set is larger than {MAX_BYTES} bytes")]
    TooLarge,
}

/// The cache. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ClientJwks {
    http: reqwest::Client,
    cache: Arc<Mutex<HashMap<String, Cached>>>,
    clock: Clock,
}

#[derive(Debug, Clone)]
struct Cached {
    body: Arc<String>,
    /// When it was fetched, in Unix milliseconds.
    fetched: i64,
}

impl ClientJwks {
    /// An empty cache whose ages are read from `clock`.
    pub fn new(clock: Clock) -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            http,
            cache: Arc::default(),
            clock,
        }
    }

    /// The JWK Set at `uri`: from the cache while fresh, else fetched. With `refetch` (a kid was
    /// not found) it is fetched again unless it was fetched very recently.
    pub async fn get(&self, uri: &str, refetch: bool) -> Result<Arc<String>, FetchError> {
        if let Some(c) = self.cached(uri) {
            let age =
                Duration::from_millis(self.clock.now_millis().saturating_sub(c.fetched) as u64);
            if age < TTL && !(refetch && age >= MIN_REFETCH) {
                return Ok(c.body);
            }
        }
        let body = Arc::new(self.fetch(uri).await?);
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).insert(
            uri.to_string(),
            Cached {
                body: body.clone(),
                fetched: self.clock.now_millis(),
            },
        );
        Ok(body)
    }

    fn cached(&self, uri: &str) -> Option<Cached> {
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(uri)
            .cloned()
    }

    async fn fetch(&self, uri: &str) -> Result<String, FetchError> {
        let mut resp = self.http.get(uri).send().await?;
        if !resp.status().is_success() {
            return Err(FetchError::Status(resp.status().as_u16()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await? {
            if body.len() + chunk.len() > MAX_BYTES {
                return Err(FetchError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    }
}
