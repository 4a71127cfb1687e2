//! The SMTP client (lettre): one connection per message, every attempt bounded by
//! `email.send_timeout` as a whole, so a server that accepts the connection and never answers
//! costs that long at most.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::EmailConfig;

/// Sends messages through the configured SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: Duration,
}

impl std::fmt::Debug for Mailer {
    // The transport holds the credentials: show neither.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// The mailer `[email]` describes, or `None` when email is not configured. The config was
    /// validated at load, so an error here is a URL lettre reads differently; it never repeats
    /// the URL or the password.
    pub fn from_config(config: &EmailConfig) -> anyhow::Result<Option<Self>> {
        let Some(url) = &config.smtp_url else {
            return Ok(None);
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| anyhow::anyhow!("email.smtp_url cannot be used: {e}"))?
            .timeout(Some(config.send_timeout));
        if let Some(password) = &config.smtp_password {
            let user = config.smtp_username.clone().unwrap_or_default();
            builder = builder.credentials(Credentials::new(user, password.expose().to_string()));
        }
        let from = config
            .from
            .as_deref()
            .unwrap_or_default()
            .parse::<Mailbox>()
            .map_err(|e| anyhow::anyhow!("email.from cannot be used: {e}"))?;
        Ok(Some(Self {
            transport: builder.build(),
            from,
            timeout: config.send_timeout,
        }))
    }

    /// The sender of every message.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// One delivery attempt, given up after the send timeout. The error says what failed in
    /// the server's words (a status line), never the credentials.
    pub async fn send(&self, message: Message) -> Result<(), String> {
        match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!(
                "no answer within {}",
                humantime::format_duration(self.timeout)
            )),
        }
    }
}
