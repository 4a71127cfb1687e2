//! Signing keys: generation, encrypted storage, rotation (next → active → retired), the JWKS, and
//! signing/verification of Tessera's own JWTs. josekit is used only in this module.
//!
//! Every instance loads the same key set from the database and re-reads it every
//! `keys.reload_interval`, so a rotation by the CLI or another instance is picked up without a
//! restart. Verification looks the key up by `kid` among published keys and pins the algorithm to
//! that key's own (RFC 8725 §3.1): the token header never chooses it.

mod algorithms;
mod dpop;
mod foreign;
mod kek;
mod revoke;
mod signer;

pub use dpop::{DPOP_TYP, ProofKeyError, VerifiedProof, thumbprint, verify_proof};
pub use foreign::{check_client_jwk_set, verify_with_jwk_set};
pub use kek::{KEK_FILE, Kek, KekError};
pub use revoke::Revocation;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use josekit::jwk::Jwk;
use josekit::jws::{JwsHeader, JwsSigner, JwsVerifier};
use serde::Serialize;

use crate::audit::AuditEvent;
use crate::config::Config;
use crate::crypto::{random_id, sha256_b64url};
use crate::domain::{Alg, KeyState};
use crate::store::{KeyRow, Rotation, Store, StoreError};

/// Key-management failures.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Kek(#[from] KekError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("JOSE error: {0}")]
    Jose(#[from] josekit::JoseError),
    #[error("stored key {0} is corrupt: {1}")]
    Corrupt(String, String),
    #[error("no active key for {0}")]
    NoActiveKey(Alg),
    #[error("no signing key has the kid `{0}` (see `tessera keys list`)")]
    UnknownKid(String),
    #[error("the signing key `{0}` is revoked already")]
    AlreadyRevoked(String),
    #[error("the key set kept changing while `{0}` was being revoked; try again")]
    Contended(String),
}

/// Why a JWT presented to Tessera was refused. Deliberately coarse: callers map every variant
/// to `invalid_token` / `invalid_grant` and never echo details to clients.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("the token is not a well-formed signed JWT")]
    Malformed,
    #[error("the token is not signed by a published Tessera key")]
    UnknownKey,
    #[error("the token signature is invalid")]
    BadSignature,
}

/// A key as shown by `tessera keys list`.
#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    pub kid: String,
    pub alg: Alg,
    pub state: KeyState,
    pub created_at: i64,
    pub activated_at: Option<i64>,
    pub retired_at: Option<i64>,
    pub expires_at: Option<i64>,
}

struct PublishedKey {
    alg: Alg,
    verifier: Box<dyn JwsVerifier>,
}

/// One consistent snapshot of the key set, rebuilt only when the database's set changes.
struct KeySet {
    /// Fingerprint of (kid, state) pairs this snapshot was built from.
    fingerprint: String,
    signers: HashMap<Alg, (String, Box<dyn JwsSigner>)>,
    published: HashMap<String, PublishedKey>,
    jwks: Arc<Jwks>,
    infos: Vec<KeyInfo>,
}

/// The pre-serialised JWKS document and its entity tag.
#[derive(Debug)]
pub struct Jwks {
    pub body: bytes::Bytes,
    pub etag: String,
}

/// Loads, rotates and uses the signing keys. Cheap to clone.
#[derive(Clone)]
pub struct KeyManager {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    kek: Kek,
    algorithms: Vec<Alg>,
    rotation_interval: Duration,
    /// How long a retired key stays published: the longest lifetime of a token it may have signed.
    retire_for: Duration,
    current: RwLock<Arc<KeySet>>,
}

impl fmt::Debug for KeyManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyManager")
            .field("algorithms", &self.inner.algorithms)
            .finish()
    }
}

/// How long a retired key stays published: until every token it may have signed has expired.
///
/// The last token signed with a key is issued at most `2 × reload_interval` after its
/// retirement (an instance that did not rotate keeps its old snapshot until its next reload;
/// the second interval covers a slow or failed reload), and lives at most the longest token
/// lifetime. `retired_key_grace` is the resource servers' clock-skew allowance on `exp`.
pub fn retire_for(config: &Config) -> Duration {
    config
        .tokens
        .access_token_ttl
        .max(config.tokens.id_token_ttl)
        + config.keys.reload_interval * 2
        + config.keys.retired_key_grace
}

impl KeyManager {
    /// Opens the key-encryption key, makes sure every enabled algorithm has an active and a next
    /// key, and loads the set. A missing or wrong key-encryption key is an error, never new keys.
    pub async fn open(store: &Store, config: &Config) -> Result<Self, KeyError> {
        let has_keys = store.count_keys().await? > 0;
        let kek = Kek::load_or_create(&config.keys.dir, !has_keys)?;
        let retire_for = retire_for(config);
        let manager = Self {
            inner: Arc::new(Inner {
                store: store.clone(),
                kek,
                algorithms: config.keys.algorithms.clone(),
                rotation_interval: config.keys.rotation_interval,
                retire_for,
                current: RwLock::new(Arc::new(KeySet::empty())),
            }),
        };
        manager.ensure_keys().await?;
        manager.reload().await?;
        Ok(manager)
    }

    /// Encrypts another secret (a person's TOTP secret) under the key-encryption key, bound to
    /// `aad` (what it belongs to), as signing keys are.
    pub fn seal_secret(&self, plaintext: &[u8], aad: &str) -> String {
        self.inner.kek.seal(plaintext, aad)
    }

    /// A secret for one purpose, shared by every instance with the same key-encryption key
    /// (e.g. the DPoP nonce key): derived, never stored.
    pub fn derive_secret(&self, label: &str) -> [u8; 32] {
        self.inner.kek.derive(label)
    }

    /// The pairwise subject identifier of `local_id` in `sector` (OIDC Core §8.1): a keyed hash,
    /// stable across instances and restarts (the key is derived from the key-encryption key).
    pub fn pairwise_subject(&self, sector: &str, local_id: &str) -> String {
        self.inner.kek.pairwise_subject(sector, local_id)
    }

    /// Decrypts what [`KeyManager::seal_secret`] produced for the same `aad`.
    pub fn open_secret(&self, sealed: &str, aad: &str) -> Result<Vec<u8>, KeyError> {
        Ok(self.inner.kek.open(sealed, aad)?)
    }

    /// Creates the missing active/next key of each enabled algorithm.
    async fn ensure_keys(&self) -> Result<(), KeyError> {
        let now = self.inner.store.clock().now();
        let rows = self.inner.store.published_keys(now).await?;
        for &alg in &self.inner.algorithms {
            let has = |state: KeyState| rows.iter().any(|r| r.alg == alg && r.state == state);
            let mut missing = Vec::new();
            if !has(KeyState::Active) {
                let mut row = self.new_key_row(alg, KeyState::Active, now)?;
                row.activated_at = Some(now);
                missing.push(row);
            }
            if !has(KeyState::Next) {
                missing.push(self.new_key_row(alg, KeyState::Next, now)?);
            }
            if !missing.is_empty()
                && self.inner.store.insert_keys(&missing).await? == Rotation::Done
            {
                AuditEvent::KeyCreated {
                    alg: alg.name(),
                    count: missing.len(),
                }
                .emit();
            }
        }
        Ok(())
    }

    fn new_key_row(&self, alg: Alg, state: KeyState, now: i64) -> Result<KeyRow, KeyError> {
        let kid = random_id();
        let private = algorithms::generate(alg, &kid)?;
        let mut public = private.to_public_key()?;
        public.set_key_id(&kid);
        public.set_algorithm(alg.as_str());
        public.set_key_use("sig");
        Ok(KeyRow {
            private_enc: self.inner.kek.seal(private.to_string().as_bytes(), &kid),
            kid,
            alg,
            state,
            public_jwk: public.to_string(),
            created_at: now,
            activated_at: None,
            retired_at: None,
            expires_at: None,
        })
    }

    /// Re-reads the key set; rebuilds the snapshot only when it changed. Returns whether it did.
    pub async fn reload(&self) -> Result<bool, KeyError> {
        self.reload_at(self.inner.store.clock().now()).await
    }

    /// [`KeyManager::reload`] as of `now` (Unix seconds): keys expired by then are left out.
    pub async fn reload_at(&self, now: i64) -> Result<bool, KeyError> {
        let rows = self.inner.store.published_keys(now).await?;
        let fingerprint = rows
            .iter()
            .map(|r| format!("{}:{}", r.kid, r.state))
            .collect::<Vec<_>>()
            .join(",");
        if self.snapshot().fingerprint == fingerprint {
            return Ok(false);
        }
        let set = KeySet::build(&rows, &self.inner.kek, fingerprint)?;
        *self
            .inner
            .current
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(set);
        Ok(true)
    }

    fn snapshot(&self) -> Arc<KeySet> {
        self.inner
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Promotes next → active, retires the old active and creates a new next, for every enabled
    /// algorithm whose active key is older than `rotation_interval` (or all of them with
    /// `force`). Safe to run from every instance at once: each rotation is a compare-and-swap in
    /// one transaction, so exactly one caller wins. Returns the algorithms this caller rotated.
    pub async fn rotate(&self, force: bool) -> Result<Vec<Alg>, KeyError> {
        self.rotate_at(force, self.inner.store.clock().now()).await
    }

    /// [`KeyManager::rotate`] as of `now` (Unix seconds).
    pub async fn rotate_at(&self, force: bool, now: i64) -> Result<Vec<Alg>, KeyError> {
        let rows = self.inner.store.published_keys(now).await?;
        let mut rotated = Vec::new();
        for &alg in &self.inner.algorithms {
            let find = |state: KeyState| rows.iter().find(|r| r.alg == alg && r.state == state);
            let (Some(active), Some(next)) = (find(KeyState::Active), find(KeyState::Next)) else {
                continue;
            };
            let since = active.activated_at.unwrap_or(active.created_at);
            let due = now - since >= self.inner.rotation_interval.as_secs() as i64;
            if !(force || due) {
                continue;
            }
            let new_next = self.new_key_row(alg, KeyState::Next, now)?;
            let expires = now + self.inner.retire_for.as_secs() as i64;
            if self
                .inner
                .store
                .rotate_keys(&active.kid, &next.kid, &new_next, now, expires)
                .await?
                == Rotation::Done
            {
                AuditEvent::KeyRotated {
                    alg: alg.name(),
                    retired: &active.kid,
                    active: &next.kid,
                    next: &new_next.kid,
                }
                .emit();
                rotated.push(alg);
            }
        }
        self.ensure_keys().await?;
        self.reload_at(now).await?;
        Ok(rotated)
    }

    /// Runs forever: [`maintain_once`](Self::maintain_once) every `reload`.
    pub async fn maintain(self, reload: Duration) {
        let mut tick = tokio::time::interval(reload);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            self.maintain_once().await;
        }
    }

    /// One round of maintenance: rotates when due, purges keys whose tokens have all expired and
    /// reloads the key set. Errors are logged; the server keeps its last good snapshot.
    pub async fn maintain_once(&self) {
        if let Err(e) = self.rotate(false).await {
            tracing::warn!(error = %e, "scheduled key rotation failed");
        }
        match self
            .inner
            .store
            .purge_expired_keys(self.inner.store.clock().now())
            .await
        {
            Ok(n) if n > 0 => tracing::info!(removed = n, "removed expired retired keys"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging expired keys failed"),
        }
        if let Err(e) = self.reload().await {
            tracing::warn!(error = %e, "reloading signing keys failed");
        }
    }

    /// The current JWKS document.
    pub fn jwks(&self) -> Arc<Jwks> {
        self.snapshot().jwks.clone()
    }

    /// The key set as `keys list` shows it.
    pub fn list(&self) -> Vec<KeyInfo> {
        self.snapshot().infos.clone()
    }

    /// Whether every enabled algorithm has an active key (for `/readyz`).
    pub fn ready(&self) -> bool {
        let set = self.snapshot();
        self.inner
            .algorithms
            .iter()
            .all(|a| set.signers.contains_key(a))
    }

    /// Enabled algorithms.
    pub fn algorithms(&self) -> &[Alg] {
        &self.inner.algorithms
    }

    /// Signs `claims` as a compact JWS with the active key of `alg`; `typ` goes in the header
    /// (`JWT`, or `at+jwt` for RFC 9068 access tokens).
    pub fn sign<T: Serialize>(&self, alg: Alg, typ: &str, claims: &T) -> Result<String, KeyError> {
        let set = self.snapshot();
        let (kid, signer) = set.signers.get(&alg).ok_or(KeyError::NoActiveKey(alg))?;
        let mut header = JwsHeader::new();
        header.set_token_type(typ);
        header.set_key_id(kid.as_str());
        let payload = serde_json::to_vec(claims)
            .map_err(|e| KeyError::Corrupt(kid.clone(), e.to_string()))?;
        Ok(josekit::jws::serialize_compact(
            &payload,
            &header,
            signer.as_ref(),
        )?)
    }

    /// Verifies a JWT signed by any published Tessera key and returns its header `typ`, the
    /// algorithm it was signed with and its payload. Expiry and audience are the caller's to check.
    pub fn verify(&self, token: &str) -> Result<Verified, VerifyError> {
        // A JWS compact serialisation has exactly three parts; anything bigger than a few KiB is
        // not a token of ours and is refused before any parsing work.
        if token.len() > 16 * 1024 || token.split('.').count() != 3 {
            return Err(VerifyError::Malformed);
        }
        let set = self.snapshot();
        let alg_used = std::cell::Cell::new(None);
        let result = josekit::jws::deserialize_compact_with_selector(token, |header| {
            let key = header.key_id().and_then(|kid| set.published.get(kid));
            match key {
                // Pin the algorithm to the key's own; josekit then refuses any other `alg`.
                Some(k) if header.algorithm() == Some(k.alg.as_str()) => {
                    alg_used.set(Some(k.alg));
                    Ok(Some(k.verifier.as_ref()))
                }
                _ => Ok(None),
            }
        });
        match result {
            Ok((payload, header)) => Ok(Verified {
                typ: header.token_type().map(str::to_string),
                alg: alg_used.get().ok_or(VerifyError::UnknownKey)?,
                payload,
            }),
            Err(_) if alg_used.get().is_none() => Err(VerifyError::UnknownKey),
            Err(_) => Err(VerifyError::BadSignature),
        }
    }
}

/// A token whose signature checked out.
#[derive(Debug)]
pub struct Verified {
    pub typ: Option<String>,
    pub alg: Alg,
    pub payload: Vec<u8>,
}

impl Verified {
    /// Decodes the payload into claims; `Malformed` when it does not fit.
    pub fn claims<T: serde::de::DeserializeOwned>(&self) -> Result<T, VerifyError> {
        serde_json::from_slice(&self.payload).map_err(|_| VerifyError::Malformed)
    }
}

impl KeySet {
    fn empty() -> Self {
        Self {
            fingerprint: String::from("<none>"),
            signers: HashMap::new(),
            published: HashMap::new(),
            jwks: Arc::new(Jwks::from_keys(&[])),
            infos: Vec::new(),
        }
    }

    fn build(rows: &[KeyRow], kek: &Kek, fingerprint: String) -> Result<Self, KeyError> {
        let mut signers = HashMap::new();
        let mut published = HashMap::new();
        let mut public_jwks = Vec::new();
        let mut infos = Vec::new();
        for row in rows {
            // Keys of algorithms no longer enabled stay published (their tokens still verify).
            let (alg, state) = (row.alg, row.state);
            let public = Jwk::from_bytes(row.public_jwk.as_bytes())?;
            if state == KeyState::Active {
                let private = kek.open(&row.private_enc, &row.kid)?;
                let private = Jwk::from_bytes(&private)?;
                signers.insert(alg, (row.kid.clone(), algorithms::signer(alg, &private)?));
            }
            published.insert(
                row.kid.clone(),
                PublishedKey {
                    alg,
                    verifier: algorithms::verifier(alg, &public)?,
                },
            );
            public_jwks.push(public);
            infos.push(KeyInfo {
                kid: row.kid.clone(),
                alg,
                state,
                created_at: row.created_at,
                activated_at: row.activated_at,
                retired_at: row.retired_at,
                expires_at: row.expires_at,
            });
        }
        // Decrypt one key even when none is active, so a wrong key-encryption key is noticed.
        if signers.is_empty()
            && let Some(row) = rows.first()
        {
            kek.open(&row.private_enc, &row.kid)?;
        }
        Ok(Self {
            fingerprint,
            signers,
            published,
            jwks: Arc::new(Jwks::from_keys(&public_jwks)),
            infos,
        })
    }
}

impl Jwks {
    fn from_keys(keys: &[Jwk]) -> Self {
        let doc = serde_json::json!({
            "keys": keys.iter().map(|k| serde_json::Value::Object(k.as_ref().clone())).collect::<Vec<_>>()
        });
        let body = serde_json::to_vec(&doc).unwrap_or_default();
        let etag = format!(
            "\"{}\"",
            &sha256_b64url(&String::from_utf8_lossy(&body))[..22]
        );
        Self {
            body: bytes::Bytes::from(body),
            etag,
        }
    }
}

#[cfg(test)]
mod tests;
