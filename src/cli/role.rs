//! `tessera role …`: roles and the permissions they grant.

use clap::Subcommand;

use super::print_json;
use crate::domain::{Permission, parse_role_name};
use crate::store::{RoleDeletion, Store, StoreError};

/// Role commands.
#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Create a role, optionally with permissions (`resource:action`, repeatable).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long = "permission")]
        permissions: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add a permission to a role.
    Grant {
        #[arg(long)]
        name: String,
        #[arg(long)]
        permission: String,
        #[arg(long)]
        json: bool,
    },
    /// List roles with their permissions.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Delete a role; one held by users or clients needs --force.
    Delete {
        #[arg(long)]
        name: String,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
}

pub(super) async fn run(cmd: RoleCommand, store: &Store) -> anyhow::Result<()> {
    match cmd {
        RoleCommand::Create {
            name,
            description,
            permissions,
            json,
        } => {
            let name = parse_role_name(&name).map_err(anyhow::Error::msg)?;
            let perms = permissions
                .iter()
                .map(|p| Permission::parse(p).map(|p| (p.name(), p.resource, p.action)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(anyhow::Error::msg)?;
            match store
                .create_role(name, description.as_deref(), &perms)
                .await
            {
                Err(StoreError::Conflict(_)) => {
                    anyhow::bail!("a role named `{name}` already exists")
                }
                other => other?,
            }
            let names: Vec<String> = perms.into_iter().map(|p| p.0).collect();
            if json {
                return print_json(
                    &serde_json::json!({"name": name, "description": description, "permissions": names}),
                );
            }
            println!("created role {name}");
            Ok(())
        }
        RoleCommand::Grant {
            name,
            permission,
            json,
        } => {
            let p = Permission::parse(&permission).map_err(anyhow::Error::msg)?;
            if !store
                .grant_permission(&name, &p.name(), &p.resource, &p.action)
                .await?
            {
                anyhow::bail!("no role named `{name}`");
            }
            if json {
                return print_json(&serde_json::json!({"name": name, "permission": p.name()}));
            }
            println!("role {name} now grants {}", p.name());
            Ok(())
        }
        RoleCommand::List { json } => {
            let roles = store.list_roles().await?;
            if json {
                return print_json(&roles);
            }
            for r in roles {
                println!(
                    "{}\t{}\t{}",
                    r.name,
                    r.permissions.join(","),
                    r.description.unwrap_or_default()
                );
            }
            Ok(())
        }
        RoleCommand::Delete { name, force, json } => match store.delete_role(&name, force).await? {
            RoleDeletion::NotFound => anyhow::bail!("no role named `{name}`"),
            RoleDeletion::InUse(n) => {
                anyhow::bail!(
                    "role `{name}` is held by {n} user(s) or client(s); use --force to delete it anyway"
                )
            }
            RoleDeletion::Deleted if json => {
                print_json(&serde_json::json!({"name": name, "deleted": true}))
            }
            RoleDeletion::Deleted => {
                println!("deleted role {name}");
                Ok(())
            }
        },
    }
}
