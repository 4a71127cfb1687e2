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
}

pub(super) async fn run(cmd: KeysCommand, store: &Store, config: &Config) -> anyhow::Result<()> {
    let keys = KeyManager::open(store, config)
        .await
        .map_err(|e| anyhow::anyhow!("cannot load the signing keys: {e}"))?;
    let json = match cmd {
        KeysCommand::List { json } => json,
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
