//! `tessera client …`

use clap::builder::PossibleValue;
use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use super::{print_json, report_assignment, report_removal};
use crate::config::Config;
use crate::crypto::{random_token, sha256_hex};
use crate::domain::{Alg, AuthMethod, GrantType, RedirectUri, Scope};
use crate::store::{ClientRow, NewClient, Store, StoreError};

/// Client commands.
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client. With --json prints exactly {"client_id": …, "client_secret": …}.
    Create(CreateArgs),
    /// List clients (never their secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Delete a client and everything issued to it.
    Delete {
        #[arg(long, allow_hyphen_values = true)]
        client_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Replace a client's secret; the new one is shown once.
    RotateSecret {
        #[arg(long, allow_hyphen_values = true)]
        client_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Give a client a role (carried in its client_credentials tokens).
    AddRole {
        #[arg(long, allow_hyphen_values = true)]
        client_id: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        json: bool,
    },
    /// Take a role from a client.
    RemoveRole {
        #[arg(long, allow_hyphen_values = true)]
        client_id: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        json: bool,
    },
}

/// `--grant-type` takes the domain's names.
impl ValueEnum for GrantType {
    fn value_variants<'a>() -> &'a [Self] {
        &GrantType::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

/// `--auth-method` takes the domain's names.
impl ValueEnum for AuthMethod {
    fn value_variants<'a>() -> &'a [Self] {
        &AuthMethod::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

/// `client create` flags.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// Name shown to people on the login and consent pages.
    #[arg(long)]
    name: String,
    /// A redirect URI (repeatable); matched exactly.
    #[arg(long = "redirect-uri")]
    redirect_uris: Vec<String>,
    /// A post-logout redirect URI (repeatable).
    #[arg(long = "post-logout-redirect-uri")]
    post_logout_redirect_uris: Vec<String>,
    /// A grant type (repeatable). Default: authorization_code and refresh_token.
    #[arg(long = "grant-type", value_enum)]
    grant_types: Vec<GrantType>,
    /// Scopes the client may request, space-separated.
    #[arg(long, default_value = "openid profile email offline_access")]
    scope: String,
    /// How the client authenticates at the token endpoint. Default: client_secret_basic.
    #[arg(long, value_enum)]
    auth_method: Option<AuthMethod>,
    /// URL of the client's JWK Set (private_key_jwt).
    #[arg(long, conflicts_with = "jwks_file")]
    jwks_uri: Option<String>,
    /// File holding the client's JWK Set (private_key_jwt).
    #[arg(long)]
    jwks_file: Option<std::path::PathBuf>,
    /// A public client: auth method `none`, PKCE required.
    #[arg(long)]
    public: bool,
    /// Skip the consent page (the operator's own applications).
    #[arg(long)]
    first_party: bool,
    /// Allow http redirect URIs on non-loopback hosts (development only).
    #[arg(long)]
    allow_insecure_redirect: bool,
    /// Algorithm of this client's ID tokens (id_token_signed_response_alg), one of keys.algorithms.
    #[arg(long)]
    id_token_signed_response_alg: Option<String>,
    /// OpenID Connect Back-Channel Logout endpoint of the client.
    #[arg(long)]
    backchannel_logout_uri: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Created {
    client_id: String,
    client_secret: Option<String>,
}

#[derive(Serialize)]
struct ClientOut<'a> {
    client_id: &'a str,
    name: &'a str,
    auth_method: AuthMethod,
    redirect_uris: &'a [String],
    post_logout_redirect_uris: &'a [String],
    grant_types: &'a [GrantType],
    scope: &'a str,
    jwks_uri: Option<&'a str>,
    first_party: bool,
    id_token_signed_response_alg: Option<Alg>,
    backchannel_logout_uri: Option<&'a str>,
    created_at: i64,
}

impl<'a> From<&'a ClientRow> for ClientOut<'a> {
    fn from(c: &'a ClientRow) -> Self {
        Self {
            client_id: &c.client_id,
            name: &c.name,
            auth_method: c.auth_method,
            redirect_uris: &c.redirect_uris,
            post_logout_redirect_uris: &c.post_logout_redirect_uris,
            grant_types: &c.grant_types,
            scope: &c.scopes,
            jwks_uri: c.jwks_uri.as_deref(),
            first_party: c.first_party,
            id_token_signed_response_alg: c.id_token_alg,
            backchannel_logout_uri: c.backchannel_logout_uri.as_deref(),
            created_at: c.created_at,
        }
    }
}

pub(super) async fn run(cmd: ClientCommand, store: &Store, config: &Config) -> anyhow::Result<()> {
    match cmd {
        ClientCommand::Create(args) => {
            let json = args.json;
            let (client, secret) = validate(args, config)?;
            match store.create_client(&client).await {
                Err(StoreError::Conflict(_)) => {
                    anyhow::bail!("client id collision; run the command again")
                }
                other => other?,
            }
            let out = Created {
                client_id: client.client_id.clone(),
                client_secret: secret,
            };
            if json {
                return print_json(&out);
            }
            println!("client_id:     {}", out.client_id);
            match &out.client_secret {
                Some(s) => println!("client_secret: {s}\n(shown once: store it now)"),
                None => println!("client_secret: none ({})", client.auth_method),
            }
            Ok(())
        }
        ClientCommand::List { json } => {
            let clients = store.list_clients().await?;
            if json {
                return print_json(&clients.iter().map(ClientOut::from).collect::<Vec<_>>());
            }
            for c in &clients {
                println!(
                    "{}\t{}\t{}\t{}",
                    c.client_id,
                    c.name,
                    c.auth_method,
                    c.grant_types
                        .iter()
                        .map(|g| g.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                );
            }
            Ok(())
        }
        ClientCommand::Delete { client_id, json } => {
            if !store.delete_client(&client_id).await? {
                anyhow::bail!("no client with id `{client_id}`");
            }
            if json {
                print_json(&serde_json::json!({"client_id": client_id, "deleted": true}))
            } else {
                println!("deleted client {client_id}");
                Ok(())
            }
        }
        ClientCommand::AddRole {
            client_id,
            role,
            json,
        } => report_assignment(
            store.add_client_role(&client_id, &role).await?,
            &format!("client `{client_id}`"),
            &role,
            json,
        ),
        ClientCommand::RemoveRole {
            client_id,
            role,
            json,
        } => report_removal(
            store.remove_client_role(&client_id, &role).await?,
            &format!("role `{role}` of client `{client_id}`"),
            json,
        ),
        ClientCommand::RotateSecret { client_id, json } => {
            let secret = random_token(32);
            if !store
                .set_client_secret_hash(&client_id, &sha256_hex(&secret))
                .await?
            {
                match store.client(&client_id).await? {
                    None => anyhow::bail!("no client with id `{client_id}`"),
                    Some(c) => anyhow::bail!(
                        "client `{client_id}` uses {} and has no secret",
                        c.auth_method
                    ),
                }
            }
            if json {
                print_json(&Created {
                    client_id,
                    client_secret: Some(secret),
                })
            } else {
                println!(
                    "client_id:     {client_id}\nclient_secret: {secret}\n(shown once: store it now)"
                );
                Ok(())
            }
        }
    }
}

/// Checks the flags against each other and builds the row to insert (with the secret to show).
fn validate(args: CreateArgs, config: &Config) -> anyhow::Result<(NewClient, Option<String>)> {
    let name = args.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        anyhow::bail!("--name must be 1 to 100 printable characters");
    }
    let auth_method = match (args.public, args.auth_method) {
        (true, None | Some(AuthMethod::None)) => AuthMethod::None,
        (true, Some(m)) => anyhow::bail!(
            "--public means auth method none; it cannot be combined with --auth-method {}",
            m.as_str()
        ),
        (false, m) => m.unwrap_or(AuthMethod::ClientSecretBasic),
    };
    let mut grant_types = args.grant_types.clone();
    if grant_types.is_empty() {
        grant_types = vec![GrantType::AuthorizationCode, GrantType::RefreshToken];
    }
    grant_types.dedup();
    if auth_method == AuthMethod::None && grant_types.contains(&GrantType::ClientCredentials) {
        anyhow::bail!(
            "client_credentials needs a confidential client (RFC 6749 §4.4); a public client cannot use it"
        );
    }
    let redirect_uris = parse_uris(&args.redirect_uris, args.allow_insecure_redirect)?;
    if grant_types.contains(&GrantType::AuthorizationCode) && redirect_uris.is_empty() {
        anyhow::bail!("the authorization_code grant needs at least one --redirect-uri");
    }
    let post_logout_redirect_uris = parse_uris(
        &args.post_logout_redirect_uris,
        args.allow_insecure_redirect,
    )?;
    let scopes = Scope::parse(&args.scope).map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
    let (jwks_uri, jwks) = match auth_method {
        AuthMethod::PrivateKeyJwt => match (&args.jwks_uri, &args.jwks_file) {
            (Some(uri), None) => {
                let url =
                    url::Url::parse(uri).map_err(|e| anyhow::anyhow!("--jwks-uri `{uri}`: {e}"))?;
                if url.scheme() != "https"
                    && !matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
                {
                    anyhow::bail!("--jwks-uri must be https (http only on loopback)");
                }
                (Some(uri.clone()), None)
            }
            (None, Some(path)) => (None, Some(read_jwks_file(path)?)),
            _ => anyhow::bail!("private_key_jwt needs --jwks-uri or --jwks-file"),
        },
        _ if args.jwks_uri.is_some() || args.jwks_file.is_some() => {
            anyhow::bail!("--jwks-uri and --jwks-file go with --auth-method private_key_jwt")
        }
        _ => (None, None),
    };
    if let Some(alg) = &args.id_token_signed_response_alg {
        let ok = Alg::parse(alg).is_some_and(|a| config.keys.algorithms.contains(&a));
        if !ok {
            anyhow::bail!(
                "--id-token-signed-response-alg {alg} is not one of the enabled algorithms ({})",
                config
                    .keys
                    .algorithms
                    .iter()
                    .map(|a| a.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    if let Some(uri) = &args.backchannel_logout_uri {
        RedirectUri::parse(uri, args.allow_insecure_redirect)
            .map_err(|e| anyhow::anyhow!("--backchannel-logout-uri: {e}"))?;
    }
    let secret = matches!(
        auth_method,
        AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost
    )
    .then(|| random_token(32));
    let client = NewClient {
        client_id: new_client_id(),
        name,
        secret_hash: secret.as_deref().map(sha256_hex),
        auth_method,
        redirect_uris,
        post_logout_redirect_uris,
        grant_types,
        scopes: scopes.to_string(),
        jwks_uri,
        jwks,
        id_token_alg: args
            .id_token_signed_response_alg
            .as_deref()
            .and_then(Alg::parse),
        first_party: args.first_party,
        backchannel_logout_uri: args.backchannel_logout_uri,
    };
    Ok((client, secret))
}

/// A new client_id: 128 random bits, base64url, never beginning with `-` or `_`, so an operator
/// can pass it to `--client-id` or paste it into a shell without it reading as an option.
/// (Ids issued before this rule may begin with `-`; `--client-id` accepts those too.)
fn new_client_id() -> String {
    loop {
        let id = random_token(16);
        if id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return id;
        }
    }
}

fn parse_uris(uris: &[String], allow_insecure: bool) -> anyhow::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for u in uris {
        let parsed = RedirectUri::parse(u, allow_insecure).map_err(anyhow::Error::msg)?;
        if !out.iter().any(|o| o == parsed.as_str()) {
            out.push(parsed.as_str().to_string());
        }
    }
    Ok(out)
}

/// Reads and checks a JWK Set file: JSON with a `keys` array of public keys.
fn read_jwks_file(path: &std::path::Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("--jwks-file {}: {e}", path.display()))?;
    let set = josekit::jwk::JwkSet::from_bytes(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("--jwks-file {}: not a JWK Set ({e})", path.display()))?;
    if set.keys().is_empty() {
        anyhow::bail!("--jwks-file {}: the JWK Set has no keys", path.display());
    }
    for k in set.keys() {
        if k.parameter("d").is_some() || k.parameter("k").is_some() {
            anyhow::bail!(
                "--jwks-file {}: holds private or symmetric key material; register public keys only",
                path.display()
            );
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn new_client_ids_never_read_as_an_option() {
        // One id in 32 would begin with '-' or '_' if drawn freely; 10,000 draws catch a regression.
        for _ in 0..10_000 {
            let id = new_client_id();
            assert_eq!(id.len(), 22, "{id}");
            assert!(id.starts_with(|c: char| c.is_ascii_alphanumeric()), "{id}");
        }
    }

    #[test]
    fn client_id_flag_takes_an_id_that_begins_with_a_hyphen() {
        let cli = Cli::try_parse_from([
            "tessera",
            "client",
            "add-role",
            "--client-id",
            "-BP-7By9qtjE-v7VJP8kog",
            "--role",
            "reader",
        ])
        .expect("parses");
        match cli.command {
            Command::Client(ClientCommand::AddRole {
                client_id, role, ..
            }) => {
                assert_eq!(client_id, "-BP-7By9qtjE-v7VJP8kog");
                assert_eq!(role, "reader");
            }
            other => panic!("parsed as {other:?}"),
        }
    }
}
