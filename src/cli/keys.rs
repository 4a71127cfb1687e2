//! `tessera keys …`: talks to the same database as the server, which picks changes up within
//! `keys.reload_interval`.

use clap::Subcommand;

use super::print_json;
use crate::config::Config;
use crate::keys::KeyManager;
use crate::store::Store;

/// Key commands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List published keys with their state.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Rotate now: next → active, a new next, the old active retired.
    Rotate {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key at once (a leaked key): out of the JWKS and every token it signed refused
    /// on every instance within `keys.reload_interval`; an active key's next key takes over.
    Revoke {
        /// The key's `kid` (as `keys list` and the JWKS show it). Older kids may begin with `-`.
        #[arg(long, allow_hyphen_values = true)]
        kid: String,
        #[arg(long)]
        json: bool,
    },
}

pub(super) async fn run(cmd: KeysCommand, store: &Store, config: &Config) -> anyhow::Result<()> {
    let keys = KeyManager::open(store, config)
        .await
        .map_err(|e| anyhow::anyhow!("cannot load the signing keys: {e}"))?;
    let json = match cmd {
        KeysCommand::List { json } => json,
        KeysCommand::Revoke { kid, json } => return revoke(&keys, &kid, json).await,
        KeysCommand::Rotate { json } => {
            let rotated = keys.rotate(true).await?;
            if !json {
                let names: Vec<&str> = rotated.iter().map(|a| a.as_str()).collect();
                println!("rotated: {}", names.join(", "));
            }
            json
        }
    };
    let list = keys.list();
    if json {
        return print_json(&list);
    }
    for k in list {
        println!(
            "{}\t{}\t{:?}\tcreated {}",
            k.kid, k.alg, k.state, k.created_at
        );
    }
    Ok(())
}

/// `keys revoke`: prints what changed, as one JSON object with `--json`.
async fn revoke(keys: &KeyManager, kid: &str, json: bool) -> anyhow::Result<()> {
    let done = keys.revoke(kid).await?;
    if json {
        return print_json(&done);
    }
    println!("revoked {} key {} (was {})", done.alg, done.kid, done.was);
    if let Some(active) = &done.now_active {
        println!("{} now signs with {active}", done.alg);
    }
    if let Some(next) = &done.new_next {
        println!("new next key {next}");
    }
    println!("running servers drop it within keys.reload_interval");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn kid_flag_takes_a_kid_that_begins_with_a_hyphen() {
        let cli = Cli::try_parse_from([
            "tessera",
            "keys",
            "revoke",
            "--kid",
            "-xdRLajZy_6-oLSbkQmJKg",
        ])
        .expect("parses");
        match cli.command {
            Command::Keys(KeysCommand::Revoke { kid, .. }) => {
                assert_eq!(kid, "-xdRLajZy_6-oLSbkQmJKg")
            }
            other => panic!("parsed as {other:?}"),
        }
    }
}
