//! Ending a person's sessions and grants from somewhere other than the browser holding them:
//! one session or all of them from the account page, all of them from the shell, one client's
//! access. One implementation, so the page and `tessera user sign-out-everywhere` do the same.
//!
//! A session ends by deleting its record in the session store: the browser holding it finds no
//! session at its next request, on every instance (they share the store). Back-Channel Logout
//! goes to the clients that took part (OIDC Back-Channel Logout 1.0 §2.3); the callers choose
//! whether to wait for the deliveries (the shell) or not (pages).

use crate::audit::{AuditEvent, FamilyRevocation};
use crate::domain::Amr;
use crate::error::PageError;
use crate::logout::backchannel;
use crate::services::session::SessionUser;
use crate::state::AppState;
use crate::store::UserSessionRow;

/// Which of the person's sessions end.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    /// Every one.
    All,
    /// Every one but this `sid` (the browser changing its password stays signed in).
    AllBut(&'a str),
}

/// Ends one of the person's sessions (false if it is not theirs or already over). Its refresh
/// tokens go too when `session.revoke_refresh_tokens_on_logout` says so, as at `/logout`.
pub async fn end_session(state: &AppState, user_id: &str, sid: &str) -> Result<bool, PageError> {
    let Some(row) = state.store.take_user_session(user_id, sid).await? else {
        return Ok(false);
    };
    state.sessions.delete(&row.record_id).await?;
    if state.config.session.revoke_refresh_tokens_on_logout {
        for family in state.store.live_families_of_session(sid).await? {
            revoke_family(state, user_id, None, &family, FamilyRevocation::Logout).await?;
        }
    }
    backchannel::notify_session_end(&state.backchannel, &ended(row));
    Ok(true)
}

/// What [`end_sessions`] ended.
#[derive(Debug)]
pub struct Ended {
    /// The sessions, whose clients the caller notifies ([`notify`] or [`notify_and_wait`]).
    pub sessions: Vec<SessionUser>,
    /// How many refresh-token families were revoked.
    pub families: usize,
}

/// Ends the person's sessions (`which`) and revokes every refresh token they hold, with the
/// access tokens issued with them (RFC 9700 §4.14.2).
pub async fn end_sessions(
    state: &AppState,
    user_id: &str,
    which: Which<'_>,
    reason: FamilyRevocation,
) -> Result<Ended, PageError> {
    let except = match which {
        Which::All => None,
        Which::AllBut(sid) => Some(sid),
    };
    let rows = state.store.take_user_sessions(user_id, except).await?;
    for row in &rows {
        state.sessions.delete(&row.record_id).await?;
    }
    let families = state.store.live_families_of_user(user_id, None).await?;
    for family in &families {
        revoke_family(state, user_id, None, family, reason).await?;
    }
    Ok(Ended {
        sessions: rows.into_iter().map(ended).collect(),
        families: families.len(),
    })
}

/// Sends Back-Channel Logout for ended sessions in the background.
pub fn notify(state: &AppState, sessions: &[SessionUser]) {
    for user in sessions {
        backchannel::notify_session_end(&state.backchannel, user);
    }
}

/// Sends Back-Channel Logout for ended sessions and returns when every delivery is over.
pub async fn notify_and_wait(state: &AppState, sessions: Vec<SessionUser>) {
    let deliveries: Vec<_> = sessions
        .into_iter()
        .map(|user| {
            tokio::spawn(backchannel::deliver_session_end(
                state.backchannel.clone(),
                user,
            ))
        })
        .collect();
    for delivery in deliveries {
        let _ = delivery.await;
    }
}

/// Withdraws a client's access (false if the person never allowed it): the consent goes, the
/// client's refresh tokens for the person and the access tokens issued with them are revoked,
/// and the client is told the person's sessions with it ended. The next authorization request
/// asks for consent again.
pub async fn revoke_access(
    state: &AppState,
    user_id: &str,
    client_id: &str,
) -> Result<bool, PageError> {
    if !state.store.delete_consent(user_id, client_id).await? {
        return Ok(false);
    }
    for family in state
        .store
        .live_families_of_user(user_id, Some(client_id))
        .await?
    {
        revoke_family(
            state,
            user_id,
            Some(client_id),
            &family,
            FamilyRevocation::AccessRevoked,
        )
        .await?;
    }
    let sessions = state.store.take_client_sessions(user_id, client_id).await?;
    let users = sessions
        .into_iter()
        .map(|sid| SessionUser {
            user_id: user_id.to_string(),
            auth_time: 0,
            sid,
            amr: Amr::default(),
        })
        .collect();
    let notifier = state.backchannel.clone();
    let client_id = client_id.to_string();
    tokio::spawn(async move { backchannel::notify_client(&notifier, &client_id, users).await });
    Ok(true)
}

async fn revoke_family(
    state: &AppState,
    user_id: &str,
    client_id: Option<&str>,
    family: &str,
    reason: FamilyRevocation,
) -> Result<(), PageError> {
    if state
        .revocations
        .revoke_family(&state.store, family)
        .await?
    {
        AuditEvent::RefreshFamilyRevoked {
            reason,
            client_id,
            sub: user_id,
            family,
        }
        .emit();
    }
    Ok(())
}

/// The session as Back-Channel Logout names it.
fn ended(row: UserSessionRow) -> SessionUser {
    SessionUser {
        user_id: row.user_id,
        auth_time: row.signed_in_at,
        sid: row.sid,
        amr: Amr::default(),
    }
}
