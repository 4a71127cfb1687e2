//! `tessera client …`

use clap::builder::PossibleValue;
use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use super::{print_json, report_assignment, report_removal};
use crate::config::Config;
use crate::crypto::{random_id, random_token, sha256_hex};
use crate::domain::{
    Alg, AuthMethod, ClientAbout, ClientRegistration, DEFAULT_SCOPE, GrantType, Profile,
    RegisteredBy, RegistrationError, RequestPolicy, SubjectType, check_fapi2, checked_audiences,
    checked_origins,
};
use crate::store::{ClientRow, NewClient, Store, StoreError};

/// Client commands.
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client. With --json prints exactly {"client_id": …, "client_secret": …}.
    Create(Box<CreateArgs>),
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
    /// Change a client's registration: for now, the browser origins allowed to call it (CORS).
    Update(UpdateArgs),
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

/// `--subject-type` takes the domain's names.
impl ValueEnum for SubjectType {
    fn value_variants<'a>() -> &'a [Self] {
        &SubjectType::ALL
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
    #[arg(long, default_value = DEFAULT_SCOPE)]
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
    /// Every sign-in for this client needs two factors; a person without one enrolls an
    /// authenticator app during the sign-in.
    #[arg(long)]
    require_mfa: bool,
    /// Allow http redirect URIs on non-loopback hosts (development only).
    #[arg(long)]
    allow_insecure_redirect: bool,
    /// Algorithm of this client's ID tokens (id_token_signed_response_alg), one of keys.algorithms.
    #[arg(long)]
    id_token_signed_response_alg: Option<String>,
    /// OpenID Connect Back-Channel Logout endpoint of the client.
    #[arg(long)]
    backchannel_logout_uri: Option<String>,
    /// A browser origin (scheme://host[:port]) allowed to call /token, /userinfo and /revoke
    /// (repeatable). Default: the origins of the redirect URIs (for a confidential client, at
    /// /userinfo only).
    #[arg(long = "allowed-origin")]
    allowed_origins: Vec<String>,
    /// The client's home page (https); the consent page links its host.
    #[arg(long)]
    client_uri: Option<String>,
    /// The client's logo (https), shown on the consent page.
    #[arg(long)]
    logo_uri: Option<String>,
    /// The client's privacy policy (https), linked from the consent page.
    #[arg(long)]
    policy_uri: Option<String>,
    /// The client's terms of service (https), linked from the consent page.
    #[arg(long)]
    tos_uri: Option<String>,
    /// An audience this client may ask for in a token exchange (repeatable; RFC 8693 `audience`
    /// or RFC 8707 `resource`). Needs --grant-type urn:ietf:params:oauth:grant-type:token-exchange.
    #[arg(long = "token-exchange-audience")]
    token_exchange_audiences: Vec<String>,
    /// Every token request must carry a DPoP proof (RFC 9449 metadata `dpop_bound_access_tokens`).
    #[arg(long)]
    dpop_bound: bool,
    /// Which `sub` the client sees (OIDC Core §8): `public` (the person's id, the default) or
    /// `pairwise` (one per sector: the redirect URIs' host, or --sector-identifier-uri's).
    #[arg(long, value_enum, default_value_t = SubjectType::Public)]
    subject_type: SubjectType,
    /// A pairwise client's sector identifier URI (https): a JSON array listing every redirect
    /// URI, fetched now; its host is the sector.
    #[arg(long)]
    sector_identifier_uri: Option<String>,
    /// Authorization requests only through PAR (RFC 9126; require_pushed_authorization_requests).
    #[arg(long)]
    require_par: bool,
    /// Authorization requests only as a signed request object (RFC 9101; needs the client's
    /// keys: --jwks-uri or --jwks-file).
    #[arg(long)]
    require_signed_request_object: bool,
    /// The one algorithm accepted on this client's request objects (request_object_signing_alg).
    #[arg(long)]
    request_object_signing_alg: Option<Alg>,
    /// Hold the client to a security profile: `fapi2` (FAPI 2.0: PAR, PKCE S256,
    /// private_key_jwt, --id-token-signed-response-alg PS256/ES256/EdDSA, codes of at most 60 s).
    #[arg(long)]
    profile: Option<Profile>,
    #[arg(long)]
    json: bool,
}

/// `client update` flags: at most one way to set the allowed origins, at most one to set the
/// token-exchange audiences, whether two factors are required; at least one change.
#[derive(Debug, clap::Args)]
#[command(group(
    clap::ArgGroup::new("origins")
        .args(["allowed_origins", "default_allowed_origins", "no_allowed_origins"])
))]
#[command(group(
    clap::ArgGroup::new("audiences")
        .args(["token_exchange_audiences", "no_token_exchange_audiences"])
))]
#[command(group(
    clap::ArgGroup::new("change")
        .required(true)
        .multiple(true)
        .args([
            "allowed_origins",
            "default_allowed_origins",
            "no_allowed_origins",
            "token_exchange_audiences",
            "no_token_exchange_audiences",
            "require_mfa",
            "no_require_mfa",
            "dpop_bound",
            "no_dpop_bound",
            "require_par",
            "no_require_par",
            "require_signed_request_object",
            "no_require_signed_request_object",
            "request_object_signing_alg",
            "any_request_object_signing_alg",
            "profile",
            "no_profile",
        ])
))]
pub struct UpdateArgs {
    #[arg(long, allow_hyphen_values = true)]
    client_id: String,
    /// A browser origin allowed to call /token, /userinfo and /revoke (repeatable); replaces
    /// the client's list.
    #[arg(long = "allowed-origin")]
    allowed_origins: Vec<String>,
    /// Back to the default: the origins of the redirect URIs.
    #[arg(long)]
    default_allowed_origins: bool,
    /// No browser origin at all.
    #[arg(long)]
    no_allowed_origins: bool,
    /// Every sign-in for this client needs two factors.
    #[arg(long, conflicts_with = "no_require_mfa")]
    require_mfa: bool,
    /// Sign-ins for this client need no second factor (unless `[authentication] require_mfa`).
    #[arg(long)]
    no_require_mfa: bool,
    /// Allow http origins on non-loopback hosts (development only).
    #[arg(long)]
    allow_insecure_redirect: bool,
    /// An audience this client may ask for in a token exchange (repeatable); replaces the
    /// client's list.
    #[arg(long = "token-exchange-audience")]
    token_exchange_audiences: Vec<String>,
    /// No token-exchange audience at all.
    #[arg(long)]
    no_token_exchange_audiences: bool,
    /// Every token request must carry a DPoP proof (`dpop_bound_access_tokens`).
    #[arg(long, conflicts_with = "no_dpop_bound")]
    dpop_bound: bool,
    /// Token requests may come without a DPoP proof (bearer tokens).
    #[arg(long)]
    no_dpop_bound: bool,
    /// Authorization requests only through PAR (RFC 9126).
    #[arg(long, conflicts_with = "no_require_par")]
    require_par: bool,
    /// Plain authorization requests allowed again (unless `[authorization] require_par`).
    #[arg(long)]
    no_require_par: bool,
    /// Authorization requests only as a signed request object (RFC 9101).
    #[arg(long, conflicts_with = "no_require_signed_request_object")]
    require_signed_request_object: bool,
    /// Unsigned authorization requests allowed again.
    #[arg(long)]
    no_require_signed_request_object: bool,
    /// The one algorithm accepted on this client's request objects.
    #[arg(long, conflicts_with = "any_request_object_signing_alg")]
    request_object_signing_alg: Option<Alg>,
    /// Any asymmetric algorithm on this client's request objects.
    #[arg(long)]
    any_request_object_signing_alg: bool,
    /// Hold the client to a security profile (`fapi2`).
    #[arg(long, conflicts_with = "no_profile")]
    profile: Option<Profile>,
    /// No security profile (unless `[authorization] profile`).
    #[arg(long)]
    no_profile: bool,
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
    /// `null`: the origins of the redirect URIs.
    allowed_origins: Option<&'a [String]>,
    require_mfa: bool,
    token_exchange_audiences: &'a [String],
    require_par: bool,
    require_signed_request_object: bool,
    request_object_signing_alg: Option<Alg>,
    profile: Option<Profile>,
    created_at: i64,
    /// `operator` or `dynamic` (RFC 7591).
    registered_by: RegisteredBy,
    client_uri: Option<&'a str>,
    logo_uri: Option<&'a str>,
    policy_uri: Option<&'a str>,
    tos_uri: Option<&'a str>,
    contacts: &'a [String],
    software_id: Option<&'a str>,
    software_version: Option<&'a str>,
    dpop_bound_access_tokens: bool,
    subject_type: SubjectType,
    sector_identifier_uri: Option<&'a str>,
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
            allowed_origins: c.allowed_origins.as_deref(),
            require_mfa: c.require_mfa,
            token_exchange_audiences: &c.token_exchange_audiences,
            require_par: c.request_policy.require_par,
            require_signed_request_object: c.request_policy.require_signed_request_object,
            request_object_signing_alg: c.request_policy.request_object_signing_alg,
            profile: c.request_policy.profile,
            created_at: c.created_at,
            registered_by: c.registered_by,
            client_uri: c.about.client_uri.as_deref(),
            logo_uri: c.about.logo_uri.as_deref(),
            policy_uri: c.about.policy_uri.as_deref(),
            tos_uri: c.about.tos_uri.as_deref(),
            contacts: &c.about.contacts,
            software_id: c.about.software_id.as_deref(),
            software_version: c.about.software_version.as_deref(),
            dpop_bound_access_tokens: c.dpop_bound_access_tokens,
            subject_type: c.subject_type,
            sector_identifier_uri: c.sector_identifier_uri.as_deref(),
        }
    }
}

pub(super) async fn run(cmd: ClientCommand, store: &Store, config: &Config) -> anyhow::Result<()> {
    match cmd {
        ClientCommand::Create(args) => {
            let json = args.json;
            let (client, secret) = validate(*args, config).await?;
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
                    "{}\t{}\t{}\t{}\t{}",
                    c.client_id,
                    c.name,
                    c.registered_by,
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
        ClientCommand::Update(args) => update(args, store).await,
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

/// Checks the flags against the registration rules and builds the row to insert (with the
/// secret to show).
async fn validate(
    args: CreateArgs,
    config: &Config,
) -> anyhow::Result<(NewClient, Option<String>)> {
    let args_require_mfa = args.require_mfa;
    let registration = ClientRegistration {
        name: args.name,
        public: args.public,
        auth_method: args.auth_method,
        grant_types: args.grant_types,
        redirect_uris: args.redirect_uris,
        post_logout_redirect_uris: args.post_logout_redirect_uris,
        scope: args.scope,
        jwks_uri: args.jwks_uri,
        jwks: args.jwks_file,
        id_token_signed_response_alg: args.id_token_signed_response_alg,
        backchannel_logout_uri: args.backchannel_logout_uri,
        first_party: args.first_party,
        allowed_origins: (!args.allowed_origins.is_empty()).then_some(args.allowed_origins),
        token_exchange_audiences: args.token_exchange_audiences,
        allow_insecure_redirect: args.allow_insecure_redirect,
        response_types: None,
        about: ClientAbout {
            client_uri: args.client_uri,
            logo_uri: args.logo_uri,
            policy_uri: args.policy_uri,
            tos_uri: args.tos_uri,
            ..ClientAbout::default()
        },
        dpop_bound_access_tokens: args.dpop_bound,
        subject_type: args.subject_type,
        sector_identifier_uri: args.sector_identifier_uri,
        request_policy: RequestPolicy {
            require_par: args.require_par,
            require_signed_request_object: args.require_signed_request_object,
            request_object_signing_alg: args.request_object_signing_alg,
            profile: args.profile,
        },
    };
    let valid = registration
        .validate(&config.keys.algorithms, |path| {
            read_jwks_file(&path).map_err(|e| e.to_string())
        })
        .map_err(|e| anyhow::anyhow!(flag_message(e)))?;
    crate::services::sector_identifier::check(&valid)
        .await
        .map_err(|e| anyhow::anyhow!(flag_message(e)))?;
    let secret = valid.auth_method.uses_secret().then(|| random_token(32));
    let mut client = NewClient::from_registration(
        random_id(),
        valid,
        secret.as_deref().map(sha256_hex),
        RegisteredBy::Operator,
        None,
    );
    client.require_mfa = args_require_mfa;
    Ok((client, secret))
}

/// `client update`: replaces the allowed origins.
async fn update(args: UpdateArgs, store: &Store) -> anyhow::Result<()> {
    let client_id = args.client_id;
    let Some(before) = store.client(&client_id).await? else {
        anyhow::bail!("no client with id `{client_id}`");
    };
    let origins_given =
        args.default_allowed_origins || args.no_allowed_origins || !args.allowed_origins.is_empty();
    if origins_given {
        let origins = if args.default_allowed_origins {
            None
        } else {
            Some(
                checked_origins(&args.allowed_origins, args.allow_insecure_redirect)
                    .map_err(|e| anyhow::anyhow!("--allowed-origin: {e}"))?,
            )
        };
        if !store
            .set_client_allowed_origins(&client_id, origins.as_deref())
            .await?
        {
            anyhow::bail!("no client with id `{client_id}`");
        }
    }
    if args.no_token_exchange_audiences || !args.token_exchange_audiences.is_empty() {
        let audiences = checked_audiences(&args.token_exchange_audiences)
            .map_err(|e| anyhow::anyhow!("--token-exchange-audience: {e}"))?;
        if !audiences.is_empty() && !before.registered_for(GrantType::TokenExchange) {
            anyhow::bail!(flag_message(
                RegistrationError::AudiencesWithoutTokenExchange
            ));
        }
        if !store
            .set_client_token_exchange_audiences(&client_id, &audiences)
            .await?
        {
            anyhow::bail!("no client with id `{client_id}`");
        }
    }
    if (args.require_mfa || args.no_require_mfa)
        && !store
            .set_client_require_mfa(&client_id, args.require_mfa)
            .await?
    {
        anyhow::bail!("no client with id `{client_id}`");
    }
    if (args.dpop_bound || args.no_dpop_bound)
        && !store
            .set_client_dpop_bound(&client_id, args.dpop_bound)
            .await?
    {
        anyhow::bail!("no client with id `{client_id}`");
    }
    let policy_given = args.require_par
        || args.no_require_par
        || args.require_signed_request_object
        || args.no_require_signed_request_object
        || args.request_object_signing_alg.is_some()
        || args.any_request_object_signing_alg
        || args.profile.is_some()
        || args.no_profile;
    if policy_given {
        let mut p = before.request_policy;
        if args.require_par || args.no_require_par {
            p.require_par = args.require_par;
        }
        if args.require_signed_request_object || args.no_require_signed_request_object {
            p.require_signed_request_object = args.require_signed_request_object;
        }
        if args.request_object_signing_alg.is_some() || args.any_request_object_signing_alg {
            p.request_object_signing_alg = args.request_object_signing_alg;
        }
        if args.profile.is_some() || args.no_profile {
            p.profile = args.profile;
        }
        if p.profile == Some(Profile::Fapi2) {
            check_fapi2(before.auth_method, before.id_token_alg)
                .map_err(|e| anyhow::anyhow!(flag_message(e)))?;
        }
        if p.uses_request_objects() && before.jwks.is_none() && before.jwks_uri.is_none() {
            anyhow::bail!(flag_message(RegistrationError::RequestObjectWithoutKeys));
        }
        if !store.set_client_request_policy(&client_id, &p).await? {
            anyhow::bail!("no client with id `{client_id}`");
        }
    }
    let Some(client) = store.client(&client_id).await? else {
        anyhow::bail!("no client with id `{client_id}`");
    };
    if args.json {
        return print_json(&ClientOut::from(&client));
    }
    if args.require_mfa || args.no_require_mfa {
        let needs = if client.require_mfa {
            "needs"
        } else {
            "does not need"
        };
        println!("client {client_id}: {needs} two factors");
    }
    if origins_given {
        match &client.allowed_origins {
            None => println!("client {client_id}: allowed origins are the redirect URIs' origins"),
            Some(list) if list.is_empty() => println!("client {client_id}: no allowed origins"),
            Some(list) => println!("client {client_id}: allowed origins {}", list.join(" ")),
        }
    }
    if args.dpop_bound || args.no_dpop_bound {
        let must = if client.dpop_bound_access_tokens {
            "must"
        } else {
            "need not"
        };
        println!("client {client_id}: token requests {must} carry a DPoP proof");
    }
    if args.no_token_exchange_audiences || !args.token_exchange_audiences.is_empty() {
        println!(
            "client {client_id}: token-exchange audiences {}",
            client.token_exchange_audiences.join(" ")
        );
    }
    Ok(())
}

/// A refused registration in the terms of `client create`'s flags.
fn flag_message(e: RegistrationError) -> String {
    use RegistrationError as E;
    match e {
        E::Name => "--name must be 1 to 100 printable characters".into(),
        E::PublicWithAuthMethod(m) => {
            format!("--public means auth method none; it cannot be combined with --auth-method {m}")
        }
        E::NoRedirectUri => "the authorization_code grant needs at least one --redirect-uri".into(),
        E::Scope(e) => format!("--scope: {e}"),
        E::JwksUriInvalid { uri, reason } => format!("--jwks-uri `{uri}`: {reason}"),
        E::JwksUriInsecure => "--jwks-uri must be https (http only on loopback)".into(),
        // Both at once is refused by clap before the rules run.
        E::NoKeys | E::BothKeySources => "private_key_jwt needs --jwks-uri or --jwks-file".into(),
        E::KeysWithoutPrivateKeyJwt => {
            "--jwks-uri and --jwks-file go with --auth-method private_key_jwt".into()
        }
        E::IdTokenAlg { alg, enabled } => format!(
            "--id-token-signed-response-alg {alg} is not one of the enabled algorithms ({})",
            enabled
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        E::BackchannelLogoutUri(e) => format!("--backchannel-logout-uri: {e}"),
        E::AllowedOrigin(e) => format!("--allowed-origin: {e}"),
        E::AboutUri { field, reason } => format!("--{}: {reason}", field.replace('_', "-")),
        E::TokenExchangeAudience(e) => format!("--token-exchange-audience: {e}"),
        E::SectorIdentifierUri(e) => format!("--sector-identifier-uri: {e}"),
        E::PairwiseSector(hosts) => format!(
            "--subject-type pairwise: the --redirect-uri values must all have one host, or give \
             --sector-identifier-uri ({hosts})"
        ),
        E::AudiencesWithoutTokenExchange => "--token-exchange-audience needs --grant-type \
             urn:ietf:params:oauth:grant-type:token-exchange"
            .into(),
        E::Fapi2(why) => format!("--profile fapi2: {why}"),
        E::RequestObjectWithoutKeys => "--require-signed-request-object and \
             --request-object-signing-alg need the client's keys (--jwks-uri or --jwks-file)"
            .into(),
        E::PublicClientCredentials
        | E::PublicTokenExchange
        | E::ResponseTypes(_)
        | E::AboutText { .. }
        | E::RedirectUri(_)
        | E::PostLogoutRedirectUri(_)
        | E::Jwks(_) => e.to_string(),
    }
}

/// Reads and checks a JWK Set file (see [`crate::keys::check_client_jwk_set`]).
fn read_jwks_file(path: &std::path::Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("--jwks-file {}: {e}", path.display()))?;
    crate::keys::check_client_jwk_set(&text)
        .map_err(|e| anyhow::anyhow!("--jwks-file {}: {e}", path.display()))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

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
