//! Email: verification links and password-reset links over SMTP (`[email]`). Without
//! `email.smtp_url` the service is off: [`EmailService::is_enabled`] is false, nothing is
//! queued, and the pages that depend on it answer 404.
//!
//! `mailer.rs` speaks SMTP (lettre), `message.rs` writes the messages (in the language of the
//! request that asked for them, carried with the job), `outbox.rs` is the background queue that
//! delivers them with retries, `throttle.rs` counts reset requests.

mod mailer;
mod message;
mod outbox;
pub mod throttle;

use std::time::Duration;

pub use mailer::Mailer;
pub use outbox::{Deliverer, Job, Outbox, Outcome};

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::Email;
use crate::i18n::Locale;
use crate::store::Store;

/// The email features as handlers see them; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct EmailService {
    outbox: Option<Outbox>,
}

impl EmailService {
    /// The service `config` describes, and the worker to spawn beside the server (`None` when
    /// email is not configured).
    pub fn new(
        config: &Config,
        store: Store,
        clock: Clock,
    ) -> anyhow::Result<(Self, Option<impl std::future::Future<Output = ()> + use<>>)> {
        let Some(deliverer) = deliverer(config, store, clock, &config.email.retry_delays)? else {
            return Ok((Self::default(), None));
        };
        let (outbox, worker) = Outbox::new(deliverer);
        Ok((
            Self {
                outbox: Some(outbox),
            },
            Some(worker),
        ))
    }

    /// Whether email is configured (the "Forgot password?" link, the reset and verification
    /// pages).
    pub fn is_enabled(&self) -> bool {
        self.outbox.is_some()
    }

    /// Queues a password-reset link for whoever has `email`, written in `locale` (the language
    /// of the person who asked); the caller answers the same whether or not anyone has it.
    /// False when email is off or the queue is full.
    pub fn request_reset(&self, email: Email, locale: Locale) -> bool {
        self.push(Job::Reset { email }, locale)
    }

    /// Queues a verification link to the current address of `user_id` (the account page's
    /// "Send verification email", and after an email change made with
    /// `Store::set_user_email`). Nothing is sent when the user has no address, is disabled or
    /// is verified already. Written in `locale`, the language of the page that asked. False when
    /// email is off or the queue is full.
    pub fn send_verification(&self, user_id: &str, locale: Locale) -> bool {
        let job = Job::Verify {
            user_id: user_id.to_string(),
        };
        self.push(job, locale)
    }

    fn push(&self, job: Job, locale: Locale) -> bool {
        self.outbox.as_ref().is_some_and(|o| o.push(job, locale))
    }
}

/// A deliverer for `config` with `retry_delays`, or `None` when email is not configured. The
/// admin commands use one directly, without retries.
pub fn deliverer(
    config: &Config,
    store: Store,
    clock: Clock,
    retry_delays: &[Duration],
) -> anyhow::Result<Option<Deliverer>> {
    Ok(Mailer::from_config(&config.email)?.map(|mailer| Deliverer {
        mailer,
        store,
        clock,
        issuer: config.issuer.clone(),
        default_locale: config.ui.default_locale,
        retry_delays: retry_delays.to_vec(),
    }))
}
