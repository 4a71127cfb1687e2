//! `tessera registration …`: initial access tokens for dynamic client registration (RFC 7591
//! §3, `[registration] mode = "token"`).

use clap::Subcommand;
use serde::Serialize;

use super::print_json;
use crate::crypto::{random_token, sha256_hex};
use crate::store::Store;

/// Registration commands.
#[derive(Debug, Subcommand)]
pub enum RegistrationCommand {
    /// Initial access tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

/// `registration token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an initial access token, shown once. With --json prints exactly
    /// {"initial_access_token": …, "expires_at": <unix seconds>}.
    Create {
        /// How long the token may be used, e.g. 1h, 7d.
        #[arg(long, default_value = "7d", value_parser = lifetime)]
        expires_in: std::time::Duration,
        /// How many clients it may register.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        uses: u32,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct Created {
    initial_access_token: String,
    expires_at: i64,
}

/// A lifetime of at least a second and at most a year.
fn lifetime(s: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| format!("`{s}` is not a duration ({e})"))?;
    if d.as_secs() < 1 || d.as_secs() > 366 * 86_400 {
        return Err("must be between 1s and 366d".into());
    }
    Ok(d)
}

pub(super) async fn run(cmd: RegistrationCommand, store: &Store) -> anyhow::Result<()> {
    match cmd {
        RegistrationCommand::Token(TokenCommand::Create {
            expires_in,
            uses,
            json,
        }) => {
            let token = random_token(32);
            let expires_at = store.clock().now() + i64::try_from(expires_in.as_secs())?;
            store
                .create_initial_access_token(&sha256_hex(&token), expires_at, uses)
                .await?;
            let out = Created {
                initial_access_token: token,
                expires_at,
            };
            if json {
                return print_json(&out);
            }
            println!("initial_access_token: {}", out.initial_access_token);
            println!("expires_at:           {expires_at} ({uses} registration(s); shown once)");
            Ok(())
        }
    }
}
