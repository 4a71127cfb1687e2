//! OpenID Connect Back-Channel Logout 1.0: when a session ends at `/logout`, every client the
//! session signed in to (§2.3, table `session_clients`) that registered a
//! `backchannel_logout_uri` is sent a logout token (§2.4) in a direct POST (§2.5).
//!
//! Delivery never holds up the person signing out: it runs in a spawned task, one request per
//! client in parallel, each bounded by `session.backchannel_logout_timeout`. A timeout, network
//! error or 5xx answer is retried after each of `session.backchannel_logout_retry_delays`; any
//! other non-2xx answer is final (§2.8: 400 means the RP could not use the token, and the same
//! token will not fare better). Outcomes are audit-logged by client_id; the token itself never is.

use std::sync::Arc;
use std::time::Duration;

use crate::audit::{AuditEvent, BackchannelFailure};
use crate::clock::Clock;
use crate::logout::token::mint_logout_token;
use crate::services::session::SessionUser;
use crate::store::{ClientRow, Store, StoreResult};
use crate::tokens::TokenService;

/// Delivers logout tokens: the HTTP client, and what finding the clients and signing the tokens
/// needs. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Notifier {
    http: reqwest::Client,
    /// Pauses before the second, third, … attempt.
    retry_delays: Arc<[Duration]>,
    store: Store,
    tokens: TokenService,
    clock: Clock,
}

impl Notifier {
    /// A notifier whose every request (connect and answer) ends after `timeout`, retried after
    /// each of `retry_delays`. Redirects are not followed: the token goes to the registered URI
    /// or nowhere.
    pub fn new(
        timeout: Duration,
        retry_delays: &[Duration],
        store: Store,
        tokens: TokenService,
        clock: Clock,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            http,
            retry_delays: retry_delays.into(),
            store,
            tokens,
            clock,
        }
    }
}

/// What one POST of a logout token came to.
#[derive(Debug)]
enum Attempt {
    /// 2xx (§2.8: 200, or 204 without content).
    Delivered(u16),
    /// Another answer the RP meant: final.
    Refused(u16),
    /// No answer, or a 5xx: worth another try.
    Failed(String),
}

/// Notifies, in the background, the clients session `user.sid` signed in to. Returns at once;
/// nothing that happens during delivery reaches the caller.
pub fn notify_session_end(notifier: &Notifier, user: &SessionUser) {
    tokio::spawn(deliver_session_end(notifier.clone(), user.clone()));
}

/// Notifies the clients session `user.sid` signed in to and returns when every delivery is over
/// (delivered, refused, or out of retries): what the shell waits for before it exits.
pub async fn deliver_session_end(notifier: Notifier, user: SessionUser) {
    let clients = match clients_to_notify(&notifier.store, &user.sid).await {
        Ok(c) => c,
        Err(e) => {
            let failure = BackchannelFailure::SessionClients { error: &e };
            AuditEvent::BackchannelLogoutFailed(failure).emit();
            return;
        }
    };
    let deliveries: Vec<_> = clients
        .into_iter()
        .map(|client| tokio::spawn(notify(notifier.clone(), client, user.clone())))
        .collect();
    for delivery in deliveries {
        let _ = delivery.await;
    }
}

/// Tells one client, in the background, that the person's session `user.sid` ended for it
/// (their access to the client was revoked from the account page).
pub async fn notify_client(notifier: &Notifier, client_id: &str, users: Vec<SessionUser>) {
    let client = match notifier.store.client(client_id).await {
        Ok(Some(c)) if c.backchannel_logout_uri.is_some() => c,
        Ok(_) => return,
        Err(e) => {
            let failure = BackchannelFailure::SessionClients { error: &e };
            AuditEvent::BackchannelLogoutFailed(failure).emit();
            return;
        }
    };
    for user in users {
        tokio::spawn(notify(notifier.clone(), client.clone(), user));
    }
}

/// §2.3: the session's remembered clients (taken, so a second logout does not repeat them)
/// that registered a back-channel logout URI.
async fn clients_to_notify(store: &Store, sid: &str) -> StoreResult<Vec<ClientRow>> {
    let mut clients = Vec::new();
    for client_id in store.take_session_clients(sid).await? {
        if let Some(client) = store.client(&client_id).await?
            && client.backchannel_logout_uri.is_some()
        {
            clients.push(client);
        }
    }
    Ok(clients)
}

/// Signs one logout token for `client` and delivers it, retrying as the module doc says.
async fn notify(notifier: Notifier, client: ClientRow, user: SessionUser) {
    let Some(uri) = client.backchannel_logout_uri.as_deref() else {
        return;
    };
    let client_id = client.client_id.as_str();
    let now = notifier.clock.now();
    let token = match mint_logout_token(&notifier.tokens, &client, &user.user_id, &user.sid, now) {
        Ok(t) => t,
        Err(e) => {
            let failure = BackchannelFailure::Signing {
                client_id,
                error: &e,
            };
            AuditEvent::BackchannelLogoutFailed(failure).emit();
            return;
        }
    };
    let mut attempts = 0;
    let outcome = loop {
        attempts += 1;
        let outcome = post(&notifier, uri, &token).await;
        let retry = match &outcome {
            Attempt::Failed(_) => notifier.retry_delays.get(attempts - 1),
            _ => None,
        };
        match retry {
            Some(delay) => tokio::time::sleep(*delay).await,
            None => break outcome,
        }
    };
    let sub = user.user_id.as_str();
    let event = match &outcome {
        Attempt::Delivered(status) => AuditEvent::BackchannelLogout {
            client_id,
            sub,
            status: *status,
            attempts,
        },
        Attempt::Refused(status) => {
            AuditEvent::BackchannelLogoutFailed(BackchannelFailure::Refused {
                client_id,
                sub,
                status: *status,
                attempts,
            })
        }
        Attempt::Failed(error) => {
            AuditEvent::BackchannelLogoutFailed(BackchannelFailure::Unreachable {
                client_id,
                sub,
                error,
                attempts,
            })
        }
    };
    event.emit();
}

/// §2.5: `POST` with `logout_token` as an `application/x-www-form-urlencoded` body.
async fn post(notifier: &Notifier, uri: &str, token: &str) -> Attempt {
    let sent = notifier
        .http
        .post(uri)
        .form(&[("logout_token", token)])
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Attempt::Delivered(r.status().as_u16()),
        Ok(r) if r.status().is_server_error() => {
            Attempt::Failed(format!("status {}", r.status().as_u16()))
        }
        Ok(r) => Attempt::Refused(r.status().as_u16()),
        // The URL is registered data, not a secret, but the error is logged without it anyway:
        // client_id names the target.
        Err(e) => Attempt::Failed(e.without_url().to_string()),
    }
}
