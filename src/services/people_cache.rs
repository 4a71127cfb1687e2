//! This instance's copies of what every single sign-on reads about the person: their user row
//! and their remembered consent to the client. Reading them cost three of the six SQL round
//! trips of an SSO flow (the user and the consent at the authorization endpoint, the user again
//! at the token endpoint; bench/README.md, issue 24).
//!
//! A copy is never trusted on its own. Each is tagged with the person's sign-on version it was
//! read under, in the same statement (`users.sign_on_version`, migration 0024: triggers move it
//! on every change to the user row or to one of their consents, whoever makes it: this
//! instance, another one, the CLI, manual SQL). A decision taken on copies holds only if the write that acts on it
//! finds the version unchanged, in its own statement: the code's INSERT at the authorization
//! endpoint (`Store::create_code`), the code's redemption at the token endpoint
//! (`Store::redeem_code`). When it moved, the caller decides again on fresh reads and the
//! person's copies are dropped. So every answer is the one that reading the database on every
//! request would give; only the number of round trips changes.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;

use crate::store::{Remembered, SignOnVersion, Store, StoreResult, Tagged, UserRow};

/// Upper bound on copies of each kind (a user row is well under a kilobyte).
const MAX_ENTRIES: u64 = 10_000;

/// A copy nobody used for this long is dropped: it only saves a read, and memory should not
/// keep people who signed in once.
const IDLE: Duration = Duration::from_secs(10 * 60);

/// Copies of user rows and remembered consents, shared by all handlers of one instance.
#[derive(Clone)]
pub struct PeopleCache {
    users: Cache<String, Tagged<Arc<UserRow>>>,
    /// By (user id, client id); only consents that exist (a missing one sends the person to the
    /// consent page, which is decided on fresh reads).
    consents: Cache<(String, String), Tagged<Arc<Remembered>>>,
}

impl std::fmt::Debug for PeopleCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeopleCache")
            .field("users", &self.users.entry_count())
            .field("consents", &self.consents.entry_count())
            .finish()
    }
}

impl Default for PeopleCache {
    fn default() -> Self {
        Self::new()
    }
}

impl PeopleCache {
    pub fn new() -> Self {
        Self {
            users: bounded(),
            consents: bounded(),
        }
    }

    /// The user's copy, or else the user read now (and copied). `None`: no such user.
    pub async fn user(&self, store: &Store, id: &str) -> StoreResult<Option<Tagged<Arc<UserRow>>>> {
        if let Some(copy) = self.users.get(id) {
            return Ok(Some(copy));
        }
        self.read_user(store, id).await
    }

    /// The user as of a moment their version was `version`: their copy if it was read under
    /// that version, or else the user read now (and copied).
    pub async fn user_as_of(
        &self,
        store: &Store,
        id: &str,
        version: SignOnVersion,
    ) -> StoreResult<Option<Arc<UserRow>>> {
        if let Some(copy) = self.users.get(id).filter(|c| c.version == version) {
            return Ok(Some(copy.row));
        }
        Ok(self.read_user(store, id).await?.map(|t| t.row))
    }

    async fn read_user(
        &self,
        store: &Store,
        id: &str,
    ) -> StoreResult<Option<Tagged<Arc<UserRow>>>> {
        let Some(read) = store.user_by_id_tagged(id).await? else {
            return Ok(None);
        };
        let copy = read.map(Arc::new);
        self.users.insert(id.to_string(), copy.clone());
        Ok(Some(copy))
    }

    /// What `user_id` allowed `client_id`, to decide together with the user's copy read under
    /// `version`: the consent's copy if it was read under the same version, or else the consent
    /// read now (and copied). `None`: never asked.
    pub async fn consent(
        &self,
        store: &Store,
        user_id: &str,
        client_id: &str,
        version: SignOnVersion,
    ) -> StoreResult<Option<Tagged<Arc<Remembered>>>> {
        let key = (user_id.to_string(), client_id.to_string());
        if let Some(copy) = self.consents.get(&key).filter(|c| c.version == version) {
            return Ok(Some(copy));
        }
        let Some(read) = store.consent_tagged(user_id, client_id).await? else {
            return Ok(None);
        };
        let copy = read.map(Arc::new);
        self.consents.insert(key, copy.clone());
        Ok(Some(copy))
    }

    /// This instance recorded a use of the consent (`last_used_at`, which the version does not
    /// follow): the copy says so too, so the next sign-on does not record it again.
    pub fn consent_used(&self, user_id: &str, client_id: &str, now: i64) {
        let key = (user_id.to_string(), client_id.to_string());
        if let Some(copy) = self.consents.get(&key) {
            let used = copy.map(|row| {
                Arc::new(Remembered {
                    last_used_at: Some(now),
                    ..(*row).clone()
                })
            });
            self.consents.insert(key, used);
        }
    }

    /// A write found that the person's sign-on version had moved since their copies were read:
    /// they are read again when next needed. (Copies of their consents to other clients are
    /// replaced when next used: [`PeopleCache::consent`] wants the user's version.)
    pub fn forget(&self, user_id: &str, client_id: &str) {
        self.forget_user(user_id);
        self.consents
            .invalidate(&(user_id.to_string(), client_id.to_string()));
    }

    /// The user's copy is read again when next needed (it may say what no longer holds, such as
    /// a disabled account enabled again).
    pub fn forget_user(&self, user_id: &str) {
        self.users.invalidate(user_id);
    }
}

fn bounded<K, V>() -> Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    Cache::builder()
        .max_capacity(MAX_ENTRIES)
        .time_to_idle(IDLE)
        .build()
}
