//! The subject identifier a client sees for a person (OpenID Connect Core §8): the one place
//! the `sub` of an ID token, access token, userinfo answer, introspection answer, logout token
//! and token-exchange output is computed, and the one place a `sub` is mapped back to a person.

use super::TokenService;
use crate::domain::SubjectType;
use crate::store::{ClientRow, Store, StoreResult};

impl TokenService {
    /// The `sub` `client` sees for the person `user_id`: the id itself for a public client;
    /// for a pairwise one (§8.1) a keyed hash of its sector and the id, base64url, stable across
    /// instances and restarts and different in each sector.
    pub fn subject(&self, client: &ClientRow, user_id: &str) -> String {
        match client.subject_type {
            SubjectType::Public => user_id.to_string(),
            SubjectType::Pairwise => self.keys.pairwise_subject(&sector(client), user_id),
        }
    }

    /// [`subject`](Self::subject), remembering a pairwise one so that a later request carrying
    /// it (userinfo, token exchange) can find the person: for the `sub` of an access token.
    pub async fn issue_subject(
        &self,
        store: &Store,
        client: &ClientRow,
        user_id: &str,
    ) -> StoreResult<String> {
        let sub = self.subject(client, user_id);
        if client.subject_type == SubjectType::Pairwise {
            store
                .remember_pairwise_subject(&sector(client), &sub, user_id)
                .await?;
        }
        Ok(sub)
    }

    /// The person a `sub` issued to `client` names: the id itself for a public client; for a
    /// pairwise one, the person it was issued for (`None` if it never was).
    pub async fn subject_user(
        &self,
        store: &Store,
        client: &ClientRow,
        sub: &str,
    ) -> StoreResult<Option<String>> {
        match client.subject_type {
            SubjectType::Public => Ok(Some(sub.to_string())),
            SubjectType::Pairwise => store.pairwise_subject_user(&sector(client), sub).await,
        }
    }
}

/// A pairwise client's sector; its client_id should registration ever have left it without one
/// (never the person's id: that would undo the pairwise promise).
fn sector(client: &ClientRow) -> String {
    client
        .sector()
        .unwrap_or_else(|| format!("client:{}", client.client_id))
}
