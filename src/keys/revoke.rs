//! Revoking a signing key (`tessera keys revoke`): the answer to a leaked private key.

use serde::Serialize;

use super::{KeyError, KeyManager};
use crate::audit::AuditEvent;
use crate::domain::{Alg, KeyState};
use crate::store::Rotation;

/// What [`KeyManager::revoke`] did (`tessera keys revoke --json` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct Revocation {
    /// The revoked key.
    pub kid: String,
    pub alg: Alg,
    /// Its state before: `next`, `active` or `retired`.
    pub was: KeyState,
    /// The active key of its algorithm now (the promoted next key when it `was` active).
    pub now_active: Option<String>,
    /// The next key created in its place when it was the active or the next key.
    pub new_next: Option<String>,
}

/// How often a revocation is tried again when a rotation or another instance changed the key
/// set between its read and its write.
const REVOKE_ATTEMPTS: usize = 3;

impl KeyManager {
    /// Revokes the key `kid` for good (a leaked key): it leaves the JWKS and the set tokens
    /// are verified against, here now and on every instance at its next reload, so every token
    /// it signed is refused without a database read. When it was the active key of its
    /// algorithm the published next key takes over and a new next key is created, in the same
    /// transaction, so signing never stops; when it was the next key, a new one replaces it.
    pub async fn revoke(&self, kid: &str) -> Result<Revocation, KeyError> {
        for _ in 0..REVOKE_ATTEMPTS {
            let now = self.inner.store.clock().now();
            let key = self
                .inner
                .store
                .key(kid)
                .await?
                .ok_or_else(|| KeyError::UnknownKid(kid.to_string()))?;
            if key.state == KeyState::Revoked {
                return Err(KeyError::AlreadyRevoked(kid.to_string()));
            }
            let rows = self.inner.store.published_keys(now).await?;
            let find = |state: KeyState| {
                rows.iter()
                    .find(|r| r.alg == key.alg && r.state == state)
                    .map(|r| r.kid.clone())
            };
            let (active, next) = (find(KeyState::Active), find(KeyState::Next));
            let promote = match key.state {
                KeyState::Active => next.clone(),
                _ => None,
            };
            // A replacement next key, unless the algorithm is no longer enabled (its keys only
            // verify until they expire) or a retired key goes.
            let replace = matches!(key.state, KeyState::Active | KeyState::Next)
                && self.inner.algorithms.contains(&key.alg);
            let new_next = match replace {
                true => Some(self.new_key_row(key.alg, KeyState::Next, now)?),
                false => None,
            };
            let outcome = self
                .inner
                .store
                .revoke_key(&key, promote.as_deref(), new_next.as_ref(), now)
                .await?;
            if outcome == Rotation::Lost {
                continue;
            }
            let now_active = match key.state {
                KeyState::Active => promote,
                _ => active,
            };
            let new_next = new_next.map(|r| r.kid);
            AuditEvent::KeyRevoked {
                alg: key.alg.name(),
                kid: &key.kid,
                was: key.state.as_str(),
                active: now_active.as_deref(),
                next: new_next.as_deref(),
            }
            .emit();
            // An active key without a next one to promote leaves its algorithm without an
            // active key: make both now.
            self.ensure_keys().await?;
            self.reload_at(now).await?;
            return Ok(Revocation {
                now_active: self.active_kid(key.alg),
                kid: key.kid,
                alg: key.alg,
                was: key.state,
                new_next,
            });
        }
        Err(KeyError::Contended(kid.to_string()))
    }

    /// The kid of the key signing for `alg` in the current snapshot.
    fn active_kid(&self, alg: Alg) -> Option<String> {
        self.snapshot()
            .signers
            .get(&alg)
            .map(|(kid, _)| kid.clone())
    }
}
