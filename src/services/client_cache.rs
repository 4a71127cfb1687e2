//! An in-memory cache of client registrations and of the roles a client holds, so the token
//! endpoint does not read the database on every request (bench/README.md: one SQLite round trip
//! through sqlx costs several times an ES256 signature).
//!
//! Staleness is bounded two ways. Each entry expires after `cache.client_ttl`. And a background
//! task reads the database's change counter (`change_epochs`, bumped by triggers on every write to
//! clients, client roles and role permissions, whoever makes it) every `cache.refresh_interval`
//! and empties the cache when it moved: a rotated secret, a deleted client or a role change reaches
//! every instance within that interval (1 s by default). Unknown client_ids are never cached, so a
//! new client works at once, and a cached client whose credentials do not match is read again
//! before the request is refused, so a new secret works at once too.
//!
//! It also holds the set of every client's browser origins, which a CORS preflight is checked
//! against (it names no client). That set is read again at most every `cache.refresh_interval`,
//! since creating a client moves no change counter.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use moka::sync::Cache;

use crate::services::client_documents::ClientDocuments;
use crate::store::{Authz, ClientRow, Store, StoreResult};

/// Upper bound on cached clients (a row is well under a kilobyte).
const MAX_CLIENTS: u64 = 10_000;

/// The change counter this cache follows.
const EPOCH: &str = "clients";

/// The one key of the origin set's cache.
const ORIGINS: &str = "";

/// Cached client rows and client roles, shared by all handlers of one instance.
#[derive(Clone)]
pub struct ClientCache {
    /// `None` when `cache.client_ttl` is zero: every lookup reads the database.
    inner: Option<Arc<Inner>>,
    /// Clients whose client_id is their metadata document's URL, when those are on.
    documents: Option<ClientDocuments>,
}

struct Inner {
    rows: Cache<String, Arc<ClientRow>>,
    authz: Cache<String, Arc<Authz>>,
    /// Every client's browser origins, under the key [`ORIGINS`].
    origins: Cache<String, Arc<HashSet<String>>>,
    /// The database's change counter when last read.
    epoch: AtomicI64,
    /// Bumped on every invalidation; a read that raced one is not cached.
    generation: AtomicU64,
}

impl std::fmt::Debug for ClientCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCache")
            .field("enabled", &self.inner.is_some())
            .finish()
    }
}

impl ClientCache {
    /// A cache whose entries live at most `ttl` (the origin set at most `refresh`); a zero
    /// `ttl` turns caching off.
    pub fn new(ttl: Duration, refresh: Duration) -> Self {
        if ttl.is_zero() {
            return Self {
                inner: None,
                documents: None,
            };
        }
        Self {
            inner: Some(Arc::new(Inner {
                rows: bounded(ttl),
                authz: bounded(ttl),
                origins: bounded(ttl.min(refresh)),
                epoch: AtomicI64::new(i64::MIN),
                generation: AtomicU64::new(0),
            })),
            documents: None,
        }
    }

    /// Also answers for client_ids that are metadata document URLs (`None`: they are not on).
    pub fn with_documents(mut self, documents: Option<ClientDocuments>) -> Self {
        self.documents = documents;
        self
    }

    /// The fetcher, when `client_id` is a metadata document URL it answers for.
    fn document(&self, client_id: &str) -> Option<&ClientDocuments> {
        self.documents.as_ref().filter(|d| d.handles(client_id))
    }

    /// The client as cached, if it is.
    pub fn cached(&self, client_id: &str) -> Option<Arc<ClientRow>> {
        if let Some(documents) = self.document(client_id) {
            return documents.cached(client_id);
        }
        self.inner.as_ref()?.rows.get(client_id)
    }

    /// Drops a client this instance changed or deleted (RFC 7592), so the change holds here at
    /// once; other instances see it through the change counter.
    pub fn forget(&self, client_id: &str) {
        if let Some(inner) = &self.inner {
            inner.generation.fetch_add(1, Ordering::SeqCst);
            inner.rows.invalidate(client_id);
            inner.authz.invalidate(client_id);
            inner.origins.invalidate_all();
        }
    }

    /// The client, from the cache, or else from the database (and then cached).
    pub async fn client(
        &self,
        store: &Store,
        client_id: &str,
    ) -> StoreResult<Option<Arc<ClientRow>>> {
        match self.cached(client_id) {
            Some(row) => Ok(Some(row)),
            None => self.load(store, client_id).await,
        }
    }

    /// Reads the client from the database and caches it (unknown clients are not cached).
    pub async fn load(
        &self,
        store: &Store,
        client_id: &str,
    ) -> StoreResult<Option<Arc<ClientRow>>> {
        if let Some(documents) = self.document(client_id) {
            return Ok(match documents.client(client_id).await {
                Ok(row) => Some(row),
                Err(e) => {
                    tracing::info!(client_id, error = %e, "client metadata document refused");
                    None
                }
            });
        }
        let generation = self.generation();
        let row = store.client(client_id).await?.map(Arc::new);
        if let (Some(inner), Some(row)) = (&self.inner, &row) {
            inner.insert_if_current(generation, &inner.rows, client_id, row.clone());
        }
        Ok(row)
    }

    /// The roles and permissions a client holds (client_credentials tokens carry them).
    pub async fn client_authz(&self, store: &Store, client_id: &str) -> StoreResult<Arc<Authz>> {
        if let Some(hit) = self.inner.as_ref().and_then(|i| i.authz.get(client_id)) {
            return Ok(hit);
        }
        let generation = self.generation();
        let authz = Arc::new(store.client_authz(client_id).await?);
        if let Some(inner) = &self.inner {
            inner.insert_if_current(generation, &inner.authz, client_id, authz.clone());
        }
        Ok(authz)
    }

    /// Whether `origin` is allowed for some registered client: what a CORS preflight, which
    /// names no client, can be answered by.
    pub async fn origin_registered(&self, store: &Store, origin: &str) -> StoreResult<bool> {
        if let Some(set) = self.inner.as_ref().and_then(|i| i.origins.get(ORIGINS)) {
            return Ok(set.contains(origin));
        }
        let generation = self.generation();
        let set: HashSet<String> = store
            .list_clients()
            .await?
            .iter()
            .flat_map(ClientRow::origins)
            .collect();
        let set = Arc::new(set);
        if let Some(inner) = &self.inner {
            inner.insert_if_current(generation, &inner.origins, ORIGINS, set.clone());
        }
        Ok(set.contains(origin))
    }

    /// Empties the cache when the database's change counter moved; run every
    /// `cache.refresh_interval` by [`ClientCache::follow_changes`].
    pub async fn check_for_changes(&self, store: &Store) -> StoreResult<()> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        let epoch = store.change_epoch(EPOCH).await?;
        if inner.epoch.swap(epoch, Ordering::SeqCst) != epoch {
            inner.generation.fetch_add(1, Ordering::SeqCst);
            inner.rows.invalidate_all();
            inner.authz.invalidate_all();
            inner.origins.invalidate_all();
        }
        Ok(())
    }

    /// Background task: follows the change counter until the process stops. While the database
    /// is unreachable the cache keeps serving what it has, up to `cache.client_ttl`.
    pub async fn follow_changes(self, store: Store, interval: Duration) {
        if self.inner.is_none() {
            return;
        }
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = self.check_for_changes(&store).await {
                tracing::warn!(error = %e, "could not read the client change counter");
            }
        }
    }

    fn generation(&self) -> u64 {
        self.inner
            .as_ref()
            .map_or(0, |i| i.generation.load(Ordering::SeqCst))
    }
}

/// A cache of at most [`MAX_CLIENTS`] entries, each kept at most `ttl`.
fn bounded<V: Clone + Send + Sync + 'static>(ttl: Duration) -> Cache<String, V> {
    Cache::builder()
        .max_capacity(MAX_CLIENTS)
        .time_to_live(ttl)
        .build()
}

impl Inner {
    /// Caches a value read under `generation` unless an invalidation happened meanwhile (the
    /// value may predate the change that caused it).
    fn insert_if_current<V: Clone + Send + Sync + 'static>(
        &self,
        generation: u64,
        cache: &Cache<String, V>,
        key: &str,
        value: V,
    ) {
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        cache.insert(key.to_string(), value);
        // An invalidation between the check and the insert must not leave the entry behind.
        if self.generation.load(Ordering::SeqCst) != generation {
            cache.invalidate(key);
        }
    }
}
