//! `tessera upstream …`: the configured upstream identity providers (`[[upstream]]`), with the
//! callback URL to register at each.

use clap::Subcommand;
use serde::Serialize;

use super::print_json;
use crate::config::Config;

/// Upstream commands.
#[derive(Debug, Subcommand)]
pub enum UpstreamCommand {
    /// List the upstreams and their callback URLs. With --json prints a list of
    /// {"id", "name", "kind": "oidc" | "oauth2", "callback_url"}.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct Listed<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    callback_url: String,
}

/// Runs an upstream command; nothing here reads the database.
pub fn run(cmd: UpstreamCommand, config: &Config) -> anyhow::Result<()> {
    let UpstreamCommand::List { json } = cmd;
    let listed: Vec<Listed> = config
        .upstream
        .iter()
        .map(|u| Listed {
            id: &u.id,
            name: &u.name,
            kind: if u.issuer.is_some() { "oidc" } else { "oauth2" },
            callback_url: u.callback_url(&config.issuer),
        })
        .collect();
    if json {
        return print_json(&listed);
    }
    if listed.is_empty() {
        println!("no upstreams configured ([[upstream]] in the config file)");
    }
    for u in listed {
        println!("{}\t{}\t{}\t{}", u.id, u.kind, u.name, u.callback_url);
    }
    Ok(())
}
