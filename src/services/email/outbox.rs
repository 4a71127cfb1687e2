//! The background delivery queue. A page only puts a job here and answers at once, so the time
//! it takes does not depend on whether an account exists or on how the SMTP server behaves.
//! A worker looks the person up, stores the link's hash, and delivers the message: each attempt
//! bounded by the send timeout, failures logged and retried after each of `email.retry_delays`.
//! Jobs are kept in memory, each with the language its message is written in: those queued
//! when the process stops are lost, and the person asks again.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use tokio::sync::{Semaphore, mpsc};

use super::Mailer;
use super::message::compose;
use crate::audit::AuditEvent;
use crate::clock::Clock;
use crate::crypto::{random_token, sha256_hex};
use crate::domain::{Email, EmailPurpose, Issuer};
use crate::http::paths;
use crate::i18n::Locale;
use crate::store::{NewEmailToken, Store, UserRow};

/// Jobs waiting beyond this are dropped (and logged): a flood of requests must not take memory.
const QUEUE: usize = 1024;
/// Deliveries in flight at once; the others wait their turn.
const CONCURRENT: usize = 8;

/// Something to send.
#[derive(Debug, Clone)]
pub enum Job {
    /// A password-reset link to whoever has this address (nobody: nothing is sent).
    Reset { email: Email },
    /// A verification link to the current address of this user.
    Verify { user_id: String },
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered to the SMTP server.
    Sent,
    /// Nothing to send: no such account, disabled, no address, or already verified.
    Nothing,
    /// Given up after every attempt; the last error.
    Failed(String),
}

/// What a worker needs to carry out a job.
#[derive(Debug, Clone)]
pub struct Deliverer {
    pub(super) mailer: Mailer,
    pub(super) store: Store,
    pub(super) clock: Clock,
    pub(super) issuer: Issuer,
    /// The language of a message no page asked for (`tessera user create`): `[ui] default_locale`.
    pub(super) default_locale: Locale,
    pub(super) retry_delays: Vec<Duration>,
}

impl Deliverer {
    /// Carries out `job` in `[ui] default_locale`: stores a fresh link and delivers the
    /// message, retrying as configured.
    pub async fn run(&self, job: &Job) -> Outcome {
        self.run_in(job, self.default_locale).await
    }

    /// As [`run`](Self::run), the message written in `locale`.
    pub async fn run_in(&self, job: &Job, locale: Locale) -> Outcome {
        let prepared = match self.prepare(job, locale).await {
            Ok(Some(p)) => p,
            Ok(None) => return Outcome::Nothing,
            Err(e) => {
                tracing::warn!(error = %e, "cannot prepare an email");
                return Outcome::Failed(e.to_string());
            }
        };
        self.deliver(prepared).await
    }

    /// The user, link and message of `job`, or `None` when nothing is to be sent.
    async fn prepare(&self, job: &Job, locale: Locale) -> anyhow::Result<Option<Prepared>> {
        let (purpose, user) = match job {
            Job::Reset { email } => (EmailPurpose::Reset, self.store.user_by_email(email).await?),
            Job::Verify { user_id } => {
                (EmailPurpose::Verify, self.store.user_by_id(user_id).await?)
            }
        };
        let Some(user) = user.filter(|u| wanted(u, purpose)) else {
            return Ok(None);
        };
        let Some(address) = user.email.as_deref() else {
            return Ok(None);
        };
        let to: Mailbox = address
            .parse()
            .map_err(|e| anyhow::anyhow!("the user's address cannot be written to: {e}"))?;
        // 256 random bits: the link needs no guess throttle.
        let token = random_token(32);
        let now = self.clock.now();
        self.store
            .create_email_token(&NewEmailToken {
                token_hash: &sha256_hex(&token),
                purpose,
                user_id: &user.id,
                email: address,
                now,
                expires_at: now + purpose.lifetime_secs(),
            })
            .await?;
        let path = match purpose {
            EmailPurpose::Verify => paths::VERIFY_EMAIL,
            EmailPurpose::Reset => paths::RESET_PASSWORD,
        };
        let link = format!("{}{path}?token={token}", self.issuer.as_str());
        let host = url::Url::parse(self.issuer.as_str())
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let message = compose(locale, purpose, self.mailer.from(), to, &host, &link)?;
        Ok(Some(Prepared {
            purpose,
            sub: user.id,
            message,
        }))
    }

    /// Attempts, then one retry after each delay; every failure is logged, the outcome audited.
    async fn deliver(&self, p: Prepared) -> Outcome {
        let attempts = self.retry_delays.len() + 1;
        let mut last = String::new();
        for attempt in 1..=attempts {
            match self.mailer.send(p.message.clone()).await {
                Ok(()) => {
                    AuditEvent::EmailSent {
                        purpose: p.purpose.as_str(),
                        sub: &p.sub,
                        attempts: attempt,
                    }
                    .emit();
                    return Outcome::Sent;
                }
                Err(e) => last = e,
            }
            if let Some(delay) = self.retry_delays.get(attempt - 1) {
                tracing::warn!(purpose = p.purpose.as_str(), sub = %p.sub, attempt,
                    error = %last, retry_in = %humantime::format_duration(*delay),
                    "email delivery failed; retrying");
                tokio::time::sleep(*delay).await;
            }
        }
        AuditEvent::EmailFailed {
            purpose: p.purpose.as_str(),
            sub: &p.sub,
            error: &last,
            attempts,
        }
        .emit();
        Outcome::Failed(last)
    }
}

/// Whether `user` should get a message of `purpose` at all.
fn wanted(user: &UserRow, purpose: EmailPurpose) -> bool {
    !user.disabled && (purpose == EmailPurpose::Reset || !user.email_verified)
}

/// A message ready to go.
struct Prepared {
    purpose: EmailPurpose,
    sub: String,
    message: lettre::Message,
}

/// The sending side of the queue, held by the pages.
#[derive(Debug, Clone)]
pub struct Outbox {
    tx: mpsc::Sender<(Job, Locale)>,
}

impl Outbox {
    /// A queue and the worker that empties it (spawn it; it ends when every sender is gone).
    pub fn new(deliverer: Deliverer) -> (Self, impl std::future::Future<Output = ()>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        (Self { tx }, work(rx, Arc::new(deliverer)))
    }

    /// Queues `job`, its message to be written in `locale`, without waiting; false (and a log
    /// line) when the queue is full.
    pub fn push(&self, job: Job, locale: Locale) -> bool {
        match self.tx.try_send((job, locale)) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "the email queue is full; a message was dropped");
                false
            }
        }
    }
}

/// Takes jobs off the queue, running up to [`CONCURRENT`] at once.
async fn work(mut rx: mpsc::Receiver<(Job, Locale)>, deliverer: Arc<Deliverer>) {
    let slots = Arc::new(Semaphore::new(CONCURRENT));
    while let Some((job, locale)) = rx.recv().await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let deliverer = deliverer.clone();
        tokio::spawn(async move {
            deliverer.run_in(&job, locale).await;
            drop(slot);
        });
    }
}
