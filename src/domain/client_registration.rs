//! The rules a client registration follows, shared by `tessera client create` and dynamic client
//! registration (RFC 7591): the defaults, what a public client may do, which grants need a
//! redirect URI, where a `private_key_jwt` client's keys come from. The caller draws the
//! client_id and the secret; each caller words the errors for its own audience.

use super::{
    Alg, AuthMethod, ClientKind, FAPI2_ALGS, GrantType, Origin, Profile, RedirectUri,
    RequestPolicy, Scope, SubjectType,
};

/// The scopes a client may request when its registration names none.
pub const DEFAULT_SCOPE: &str = "openid profile email offline_access";

/// The grant types of a registration that names none.
pub const DEFAULT_GRANT_TYPES: [GrantType; 2] =
    [GrantType::AuthorizationCode, GrantType::RefreshToken];

/// A registration as asked for, before any rule is checked. `S` is the client's JWK Set as the
/// caller holds it (a file for the CLI, a JSON value in RFC 7591), read only once the rules
/// reach it.
#[derive(Debug, Clone)]
pub struct ClientRegistration<S> {
    /// Shown to people on the login and consent pages.
    pub name: String,
    /// Asked to be a public client (RFC 6749 §2.1): auth method `none`, PKCE required.
    pub public: bool,
    /// Default: `none` for a public client, else `client_secret_basic` (RFC 7591 §2).
    pub auth_method: Option<AuthMethod>,
    /// Default: [`DEFAULT_GRANT_TYPES`].
    pub grant_types: Vec<GrantType>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// Space-separated; see [`DEFAULT_SCOPE`].
    pub scope: String,
    /// Where a `private_key_jwt` client publishes its JWK Set.
    pub jwks_uri: Option<String>,
    /// A `private_key_jwt` client's JWK Set itself.
    pub jwks: Option<S>,
    pub id_token_signed_response_alg: Option<String>,
    pub backchannel_logout_uri: Option<String>,
    /// Skip the consent page (the operator's own applications).
    pub first_party: bool,
    /// Browser origins allowed to call the token, userinfo and revocation endpoints (CORS); a
    /// Tessera extension, `allowed_origins` in registration metadata. `None`: the origins of
    /// the redirect URIs.
    pub allowed_origins: Option<Vec<String>>,
    /// The audiences this client may ask for in a token exchange (RFC 8693 §2.1 `audience` /
    /// RFC 8707 `resource`); a Tessera extension, `token_exchange_audiences` in registration
    /// metadata. Only with the token-exchange grant.
    pub token_exchange_audiences: Vec<String>,
    /// Allow http redirect URIs on non-loopback hosts (development only).
    pub allow_insecure_redirect: bool,
    /// RFC 7591 §2 `response_types`; `None`: what the grant types imply.
    pub response_types: Option<Vec<String>>,
    /// What people are shown about the client, and who to contact about it.
    pub about: ClientAbout,
    /// Every token request must carry a DPoP proof (RFC 9449 §5.2 `dpop_bound_access_tokens`).
    pub dpop_bound_access_tokens: bool,
    /// Which `sub` the client sees (OIDC Core §8).
    pub subject_type: SubjectType,
    /// A pairwise client's sector identifier URI (OIDC Core §8.1): its host is the sector, and
    /// the JSON array it serves must list every redirect URI (checked by the caller, who
    /// fetches it: [`check_sector_document`]).
    pub sector_identifier_uri: Option<String>,
    /// PAR and signed request objects (RFC 9126 §6, RFC 9101 §10.5).
    pub request_policy: RequestPolicy,
}

/// RFC 7591 §2 metadata about the client rather than its protocol: shown to people on the
/// consent page, or kept for the operator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientAbout {
    /// The client's home page; the consent page links its host.
    pub client_uri: Option<String>,
    /// The client's logo; the consent page shows it when it is https.
    pub logo_uri: Option<String>,
    /// How the client uses people's data.
    pub policy_uri: Option<String>,
    /// The client's terms of service.
    pub tos_uri: Option<String>,
    /// People responsible for the client (usually email addresses).
    pub contacts: Vec<String>,
    /// The client software's identifier, the same across its instances.
    pub software_id: Option<String>,
    pub software_version: Option<String>,
}

/// The most contacts a registration may list.
pub const MAX_CONTACTS: usize = 10;

/// The longest contact, software id or software version accepted.
const MAX_FIELD_CHARS: usize = 255;

/// A registration that follows every rule, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRegistration {
    pub name: String,
    pub auth_method: AuthMethod,
    pub grant_types: Vec<GrantType>,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub scope: Scope,
    pub jwks_uri: Option<String>,
    /// The JWK Set's text, as the caller's reader returned it.
    pub jwks: Option<String>,
    pub id_token_alg: Option<Alg>,
    pub backchannel_logout_uri: Option<RedirectUri>,
    pub first_party: bool,
    /// Set explicitly; `None` keeps the default (the redirect URIs' origins).
    pub allowed_origins: Option<Vec<Origin>>,
    /// The [`ClientAbout`] URIs checked (https, or http on loopback) and the rest trimmed.
    pub about: ClientAbout,
    /// Checked, duplicates dropped, order kept.
    pub token_exchange_audiences: Vec<String>,
    /// Every token request must carry a DPoP proof (RFC 9449 §5.2).
    pub dpop_bound_access_tokens: bool,
    pub subject_type: SubjectType,
    /// https (http only on loopback); only for a pairwise client.
    pub sector_identifier_uri: Option<String>,
    /// Request objects only from a client with registered keys.
    pub request_policy: RequestPolicy,
}

/// [`ClientAbout`] once its rules hold (the same shape: only what it may contain changed).
pub type ValidAbout = ClientAbout;

impl ValidRegistration {
    /// Public or confidential, as the auth method says.
    pub fn kind(&self) -> ClientKind {
        self.auth_method.kind()
    }

    /// RFC 7591 §2.1: the response types the grant types imply (Tessera answers only `code`).
    pub fn response_types(&self) -> Vec<&'static str> {
        if self.grant_types.contains(&GrantType::AuthorizationCode) {
            vec!["code"]
        } else {
            vec![]
        }
    }
}

/// Why a registration was refused. `Display` names RFC 7591's metadata; the CLI names its flags.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    #[error("client_name must be 1 to 100 printable characters")]
    Name,
    #[error("a public client authenticates with none, not {0}")]
    PublicWithAuthMethod(AuthMethod),
    #[error(
        "client_credentials needs a confidential client (RFC 6749 §4.4); a public client cannot use it"
    )]
    PublicClientCredentials,
    #[error(
        "token exchange needs a confidential client (RFC 8693 §2.1); a public client cannot use it"
    )]
    PublicTokenExchange,
    /// A token-exchange audience breaks [`checked_audiences`]'s rules (its message).
    #[error("token_exchange_audiences: {0}")]
    TokenExchangeAudience(String),
    #[error("token_exchange_audiences need the token-exchange grant")]
    AudiencesWithoutTokenExchange,
    /// A redirect URI breaks [`RedirectUri::parse`]'s rules (its message).
    #[error("{0}")]
    RedirectUri(String),
    #[error("the authorization_code grant needs at least one redirect URI")]
    NoRedirectUri,
    /// A post-logout redirect URI breaks [`RedirectUri::parse`]'s rules (its message).
    #[error("{0}")]
    PostLogoutRedirectUri(String),
    #[error("scope: {0}")]
    Scope(String),
    #[error("jwks_uri `{uri}`: {reason}")]
    JwksUriInvalid { uri: String, reason: String },
    #[error("jwks_uri must be https (http only on loopback)")]
    JwksUriInsecure,
    #[error("private_key_jwt needs jwks_uri or jwks")]
    NoKeys,
    #[error("jwks_uri and jwks must not both be given (RFC 7591 §2)")]
    BothKeySources,
    #[error("jwks_uri and jwks go with private_key_jwt")]
    KeysWithoutPrivateKeyJwt,
    /// The caller's reader refused the JWK Set (its message).
    #[error("{0}")]
    Jwks(String),
    #[error(
        "id_token_signed_response_alg {alg} is not one of the enabled algorithms ({})",
        names(.enabled)
    )]
    IdTokenAlg { alg: String, enabled: Vec<Alg> },
    #[error("backchannel_logout_uri: {0}")]
    BackchannelLogoutUri(String),
    /// An allowed origin breaks [`Origin::parse`]'s rules (its message).
    #[error("allowed_origins: {0}")]
    AllowedOrigin(String),
    /// RFC 7591 §2.1: `code` goes with `authorization_code`, and Tessera answers nothing else.
    #[error("response_types: {0}")]
    ResponseTypes(String),
    /// A URI shown to people (`client_uri`, `logo_uri`, `policy_uri`, `tos_uri`) is not an
    /// absolute https URL (http only on loopback).
    #[error("{field}: {reason}")]
    AboutUri { field: &'static str, reason: String },
    /// `contacts`, `software_id` or `software_version` is empty, too long or holds control
    /// characters.
    #[error("{field}: {reason}")]
    AboutText { field: &'static str, reason: String },
    /// The sector identifier URI is malformed, not https, given for a public client, or its
    /// document does not list every redirect URI (the message says which).
    #[error("sector_identifier_uri: {0}")]
    SectorIdentifierUri(String),
    /// A pairwise client without a sector identifier URI whose redirect URIs do not share one
    /// host (OIDC Core §8.1).
    #[error(
        "subject_type pairwise: the redirect_uris must all have one host, or a \
         sector_identifier_uri must be registered ({0})"
    )]
    PairwiseSector(String),
    /// RFC 9101: request objects are verified with the client's registered keys.
    #[error("signed request objects need registered keys (private_key_jwt with jwks or jwks_uri)")]
    RequestObjectWithoutKeys,
    /// The FAPI 2.0 Security Profile's client rules (client authentication, algorithms).
    #[error("profile fapi2: {0}")]
    Fapi2(&'static str),
}

/// `RS256, ES256`: the enabled algorithms as an error message lists them.
fn names(algs: &[Alg]) -> String {
    algs.iter()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl<S> ClientRegistration<S> {
    /// Checks the rules in order and reports the first one broken. `enabled_algs` are the
    /// algorithms Tessera signs with; `read_jwks` reads and checks the JWK Set (public keys only),
    /// and is called only for a `private_key_jwt` client that supplied one.
    pub fn validate(
        self,
        enabled_algs: &[Alg],
        read_jwks: impl FnOnce(S) -> Result<String, String>,
    ) -> Result<ValidRegistration, RegistrationError> {
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(RegistrationError::Name);
        }
        let auth_method = auth_method(self.public, self.auth_method)?;
        let grant_types = grant_types(self.grant_types);
        // RFC 6749 §4.4: only a confidential client can prove itself without a user.
        if auth_method.kind() == ClientKind::Public
            && grant_types.contains(&GrantType::ClientCredentials)
        {
            return Err(RegistrationError::PublicClientCredentials);
        }
        // RFC 8693 §2.1: the acting service must prove who it is; it is named in `act`.
        if auth_method.kind() == ClientKind::Public
            && grant_types.contains(&GrantType::TokenExchange)
        {
            return Err(RegistrationError::PublicTokenExchange);
        }
        let allow_http = self.allow_insecure_redirect;
        let redirect_uris = checked_uris(&self.redirect_uris, allow_http)
            .map_err(RegistrationError::RedirectUri)?;
        // RFC 6749 §3.1.2: the code goes back to a registered URI, so there must be one.
        if grant_types.contains(&GrantType::AuthorizationCode) && redirect_uris.is_empty() {
            return Err(RegistrationError::NoRedirectUri);
        }
        let post_logout_redirect_uris = checked_uris(&self.post_logout_redirect_uris, allow_http)
            .map_err(RegistrationError::PostLogoutRedirectUri)?;
        let scope = Scope::parse(&self.scope).map_err(RegistrationError::Scope)?;
        let (jwks_uri, jwks) = client_keys(auth_method, self.jwks_uri, self.jwks, read_jwks)?;
        let id_token_alg = self
            .id_token_signed_response_alg
            .map(|alg| id_token_alg(alg, enabled_algs))
            .transpose()?;
        let backchannel_logout_uri = self
            .backchannel_logout_uri
            .map(|uri| RedirectUri::parse(&uri, allow_http))
            .transpose()
            .map_err(RegistrationError::BackchannelLogoutUri)?;
        let allowed_origins = self
            .allowed_origins
            .map(|list| checked_origins(&list, allow_http))
            .transpose()
            .map_err(RegistrationError::AllowedOrigin)?;
        check_response_types(self.response_types.as_deref(), &grant_types)?;
        let about = self.about.checked()?;
        let token_exchange_audiences = checked_audiences(&self.token_exchange_audiences)
            .map_err(RegistrationError::TokenExchangeAudience)?;
        if !token_exchange_audiences.is_empty() && !grant_types.contains(&GrantType::TokenExchange)
        {
            return Err(RegistrationError::AudiencesWithoutTokenExchange);
        }
        let sector_identifier_uri = self
            .sector_identifier_uri
            .map(|uri| checked_sector_uri(&uri, self.subject_type))
            .transpose()?;
        if self.subject_type == SubjectType::Pairwise && sector_identifier_uri.is_none() {
            sector_of(None, &redirect_uris).map_err(RegistrationError::PairwiseSector)?;
        }
        if self.request_policy.uses_request_objects() && jwks_uri.is_none() && jwks.is_none() {
            return Err(RegistrationError::RequestObjectWithoutKeys);
        }
        if self.request_policy.profile == Some(Profile::Fapi2) {
            check_fapi2(auth_method, id_token_alg)?;
        }
        Ok(ValidRegistration {
            name,
            auth_method,
            grant_types,
            redirect_uris,
            post_logout_redirect_uris,
            scope,
            jwks_uri,
            jwks,
            id_token_alg,
            backchannel_logout_uri,
            first_party: self.first_party,
            allowed_origins,
            about,
            token_exchange_audiences,
            dpop_bound_access_tokens: self.dpop_bound_access_tokens,
            subject_type: self.subject_type,
            sector_identifier_uri,
            request_policy: self.request_policy,
        })
    }
}

/// A sector identifier URI: only for a pairwise client, https (http only on loopback, for
/// development, as `jwks_uri`), with a host.
fn checked_sector_uri(uri: &str, subject_type: SubjectType) -> Result<String, RegistrationError> {
    if subject_type != SubjectType::Pairwise {
        return Err(RegistrationError::SectorIdentifierUri(
            "only a client with subject_type pairwise has one".into(),
        ));
    }
    shown_uri(uri).map_err(RegistrationError::SectorIdentifierUri)
}

/// The sector of a pairwise client (OIDC Core §8.1): the host of its sector identifier URI, or
/// else the one host all its redirect URIs share. `Err` says why there is none.
pub fn sector_of<U: AsRef<str>>(
    sector_identifier_uri: Option<&str>,
    redirect_uris: &[U],
) -> Result<String, String> {
    let host = |uri: &str| {
        url::Url::parse(uri)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
    };
    if let Some(uri) = sector_identifier_uri {
        return host(uri).ok_or_else(|| format!("`{uri}` names no host"));
    }
    let mut hosts = redirect_uris.iter().filter_map(|u| host(u.as_ref()));
    let Some(first) = hosts.next() else {
        return Err("no redirect URI names a host".into());
    };
    match hosts.find(|h| *h != first) {
        Some(other) => Err(format!("both {first} and {other}")),
        None => Ok(first),
    }
}

/// The most bytes of a sector identifier document read.
pub const MAX_SECTOR_DOCUMENT_BYTES: usize = 64 * 1024;

/// OIDC Core §8.1: the document at the sector identifier URI is a JSON array of URIs that must
/// contain every redirect URI registered.
pub fn check_sector_document(
    redirect_uris: &[RedirectUri],
    document: &[u8],
) -> Result<(), RegistrationError> {
    let listed: Vec<String> = serde_json::from_slice(document).map_err(|_| {
        RegistrationError::SectorIdentifierUri(
            "the document is not a JSON array of URIs (OIDC Core §8.1)".into(),
        )
    })?;
    match redirect_uris
        .iter()
        .find(|u| !listed.iter().any(|l| l == u.as_str()))
    {
        Some(missing) => Err(RegistrationError::SectorIdentifierUri(format!(
            "the document does not list the redirect URI `{missing}`"
        ))),
        None => Ok(()),
    }
}

/// RFC 7591 §2.1: the response types asked for must be the ones the grant types imply, and
/// Tessera's authorization endpoint answers only `code`.
fn check_response_types(
    asked: Option<&[String]>,
    grant_types: &[GrantType],
) -> Result<(), RegistrationError> {
    let Some(asked) = asked else {
        return Ok(());
    };
    if let Some(other) = asked.iter().find(|t| t.as_str() != "code") {
        return Err(RegistrationError::ResponseTypes(format!(
            "`{other}` is not supported; only `code` is"
        )));
    }
    let code_grant = grant_types.contains(&GrantType::AuthorizationCode);
    match (asked.is_empty(), code_grant) {
        (true, true) => Err(RegistrationError::ResponseTypes(
            "the authorization_code grant needs the response type `code`".into(),
        )),
        (false, false) => Err(RegistrationError::ResponseTypes(
            "the response type `code` needs the authorization_code grant".into(),
        )),
        _ => Ok(()),
    }
}

impl ClientAbout {
    /// Checks each field: URIs shown to people are absolute https URLs (http on loopback, for
    /// development, as redirect URIs); the text fields are short, printable, at most
    /// [`MAX_CONTACTS`] contacts.
    fn checked(self) -> Result<ValidAbout, RegistrationError> {
        let uri = |field: &'static str, value: Option<String>| {
            value
                .map(|v| {
                    shown_uri(&v).map_err(|reason| RegistrationError::AboutUri { field, reason })
                })
                .transpose()
        };
        if self.contacts.len() > MAX_CONTACTS {
            return Err(RegistrationError::AboutText {
                field: "contacts",
                reason: format!("at most {MAX_CONTACTS} contacts"),
            });
        }
        let contacts = self
            .contacts
            .into_iter()
            .map(|c| short_text("contacts", c))
            .collect::<Result<Vec<_>, _>>()?;
        let text = |field, value: Option<String>| value.map(|v| short_text(field, v)).transpose();
        Ok(ValidAbout {
            client_uri: uri("client_uri", self.client_uri)?,
            logo_uri: uri("logo_uri", self.logo_uri)?,
            policy_uri: uri("policy_uri", self.policy_uri)?,
            tos_uri: uri("tos_uri", self.tos_uri)?,
            contacts,
            software_id: text("software_id", self.software_id)?,
            software_version: text("software_version", self.software_version)?,
        })
    }

    /// The host of `client_uri`, as the consent page shows it.
    pub fn client_host(&self) -> Option<String> {
        let url = url::Url::parse(self.client_uri.as_deref()?).ok()?;
        url.host_str().map(str::to_string)
    }
}

/// A URI people are shown: absolute, https (http only on a loopback host), with a host and no
/// credentials in it (`https://bank.example@evil.example/` reads as the bank).
fn shown_uri(s: &str) -> Result<String, String> {
    let url = url::Url::parse(s).map_err(|e| format!("`{s}` is not an absolute URL ({e})"))?;
    if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(format!("`{s}` must name a host and carry no user name"));
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    match url.scheme() {
        "https" => Ok(s.to_string()),
        "http" if loopback => Ok(s.to_string()),
        _ => Err(format!("`{s}` must be https (http only on loopback)")),
    }
}

/// A contact or software field: trimmed, 1 to 255 printable characters.
fn short_text(field: &'static str, value: String) -> Result<String, RegistrationError> {
    let value = value.trim().to_string();
    if value.is_empty()
        || value.chars().count() > MAX_FIELD_CHARS
        || value.chars().any(char::is_control)
    {
        return Err(RegistrationError::AboutText {
            field,
            reason: format!("must be 1 to {MAX_FIELD_CHARS} printable characters"),
        });
    }
    Ok(value)
}

/// Token-exchange audiences (RFC 8693 §2.1: any string naming a service, usually a URI): each
/// 1 to 200 printable characters without spaces (a space would split `audience` lists);
/// duplicates dropped, order kept.
pub fn checked_audiences(audiences: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for a in audiences {
        let ok = !a.is_empty()
            && a.chars().count() <= 200
            && !a.chars().any(|c| c.is_control() || c.is_whitespace());
        if !ok {
            return Err(format!(
                "`{}` must be 1 to 200 printable characters without spaces",
                a.escape_default()
            ));
        }
        if !out.contains(a) {
            out.push(a.clone());
        }
    }
    Ok(out)
}

/// Each origin checked, duplicates dropped, order kept.
pub fn checked_origins(origins: &[String], allow_http: bool) -> Result<Vec<Origin>, String> {
    let mut out: Vec<Origin> = Vec::new();
    for o in origins {
        let parsed = Origin::parse(o, allow_http)?;
        if !out.contains(&parsed) {
            out.push(parsed);
        }
    }
    Ok(out)
}

/// A public client uses `none`; any other client defaults to `client_secret_basic`.
fn auth_method(public: bool, asked: Option<AuthMethod>) -> Result<AuthMethod, RegistrationError> {
    match (public, asked) {
        (true, None | Some(AuthMethod::None)) => Ok(AuthMethod::None),
        (true, Some(m)) => Err(RegistrationError::PublicWithAuthMethod(m)),
        (false, m) => Ok(m.unwrap_or(AuthMethod::ClientSecretBasic)),
    }
}

/// The default when none are named; a grant named twice in a row is kept once.
fn grant_types(mut asked: Vec<GrantType>) -> Vec<GrantType> {
    if asked.is_empty() {
        asked = DEFAULT_GRANT_TYPES.to_vec();
    }
    asked.dedup();
    asked
}

/// Each URI checked, duplicates dropped, order kept.
fn checked_uris(uris: &[String], allow_http: bool) -> Result<Vec<RedirectUri>, String> {
    let mut out: Vec<RedirectUri> = Vec::new();
    for u in uris {
        let parsed = RedirectUri::parse(u, allow_http)?;
        if !out.contains(&parsed) {
            out.push(parsed);
        }
    }
    Ok(out)
}

/// `private_key_jwt` needs exactly one of `jwks_uri` (https, or http on loopback) and `jwks`;
/// any other method needs neither.
fn client_keys<S>(
    auth_method: AuthMethod,
    jwks_uri: Option<String>,
    jwks: Option<S>,
    read_jwks: impl FnOnce(S) -> Result<String, String>,
) -> Result<(Option<String>, Option<String>), RegistrationError> {
    if auth_method != AuthMethod::PrivateKeyJwt {
        return match (jwks_uri, jwks) {
            (None, None) => Ok((None, None)),
            _ => Err(RegistrationError::KeysWithoutPrivateKeyJwt),
        };
    }
    match (jwks_uri, jwks) {
        (Some(uri), None) => {
            let url = url::Url::parse(&uri).map_err(|e| RegistrationError::JwksUriInvalid {
                uri: uri.clone(),
                reason: e.to_string(),
            })?;
            if url.scheme() != "https"
                && !matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
            {
                return Err(RegistrationError::JwksUriInsecure);
            }
            Ok((Some(uri), None))
        }
        (None, Some(set)) => Ok((None, Some(read_jwks(set).map_err(RegistrationError::Jwks)?))),
        (None, None) => Err(RegistrationError::NoKeys),
        (Some(_), Some(_)) => Err(RegistrationError::BothKeySources),
    }
}

/// FAPI 2.0 Security Profile: only confidential clients, authenticating with `private_key_jwt`
/// (no mTLS here), and ID tokens signed PS256, ES256 or EdDSA, so the client must name one (the
/// server default may be RS256).
pub fn check_fapi2(
    auth_method: AuthMethod,
    id_token_alg: Option<Alg>,
) -> Result<(), RegistrationError> {
    if auth_method != AuthMethod::PrivateKeyJwt {
        return Err(RegistrationError::Fapi2(
            "only confidential clients using private_key_jwt",
        ));
    }
    if !id_token_alg.is_some_and(|a| FAPI2_ALGS.contains(&a)) {
        return Err(RegistrationError::Fapi2(
            "id_token_signed_response_alg must be PS256, ES256 or EdDSA",
        ));
    }
    Ok(())
}

/// OIDC Dynamic Client Registration §2 `id_token_signed_response_alg`: one Tessera signs with.
fn id_token_alg(asked: String, enabled: &[Alg]) -> Result<Alg, RegistrationError> {
    Alg::parse(&asked)
        .filter(|a| enabled.contains(a))
        .ok_or_else(|| RegistrationError::IdTokenAlg {
            alg: asked,
            enabled: enabled.to_vec(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked() -> ClientRegistration<&'static str> {
        ClientRegistration {
            name: " Demo ".into(),
            public: false,
            auth_method: None,
            grant_types: vec![],
            redirect_uris: vec!["https://app.example.com/cb".into()],
            post_logout_redirect_uris: vec![],
            scope: DEFAULT_SCOPE.into(),
            jwks_uri: None,
            jwks: None,
            id_token_signed_response_alg: None,
            backchannel_logout_uri: None,
            first_party: false,
            allowed_origins: None,
            token_exchange_audiences: vec![],
            allow_insecure_redirect: false,
            response_types: None,
            about: ClientAbout::default(),
            dpop_bound_access_tokens: false,
            subject_type: SubjectType::Public,
            sector_identifier_uri: None,
            request_policy: RequestPolicy::default(),
        }
    }

    fn validate(
        r: ClientRegistration<&'static str>,
    ) -> Result<ValidRegistration, RegistrationError> {
        r.validate(&[Alg::RS256, Alg::ES256], |set| match set {
            "good" => Ok(r#"{"keys":[]}"#.into()),
            other => Err(format!("bad set {other}")),
        })
    }

    #[test]
    fn a_pairwise_client_has_one_sector() {
        let pairwise = |uris: &[&str], sector: Option<&str>| ClientRegistration {
            redirect_uris: uris.iter().map(|u| u.to_string()).collect(),
            subject_type: SubjectType::Pairwise,
            sector_identifier_uri: sector.map(str::to_string),
            ..asked()
        };
        let one = [
            "https://app.example.com/cb",
            "https://APP.example.com/other",
        ];
        let valid = validate(pairwise(&one, None)).unwrap();
        assert_eq!(valid.subject_type, SubjectType::Pairwise);
        assert_eq!(
            sector_of(None, &valid.redirect_uris).unwrap(),
            "app.example.com"
        );
        let two = ["https://a.example.com/cb", "https://b.example.com/cb"];
        assert!(matches!(
            validate(pairwise(&two, None)),
            Err(RegistrationError::PairwiseSector(_))
        ));
        let sector = Some("https://sector.example.com/uris.json");
        let valid = validate(pairwise(&two, sector)).unwrap();
        assert_eq!(
            sector_of(valid.sector_identifier_uri.as_deref(), &valid.redirect_uris).unwrap(),
            "sector.example.com"
        );
        for bad in ["http://sector.example.com/u.json", "not a url"] {
            assert!(matches!(
                validate(pairwise(&two, Some(bad))),
                Err(RegistrationError::SectorIdentifierUri(_))
            ));
        }
        let public = ClientRegistration {
            sector_identifier_uri: sector.map(str::to_string),
            ..asked()
        };
        assert!(matches!(
            validate(public),
            Err(RegistrationError::SectorIdentifierUri(_))
        ));
    }

    #[test]
    fn the_sector_document_lists_every_redirect_uri() {
        let uris = [
            RedirectUri::parse("https://a.example.com/cb", false).unwrap(),
            RedirectUri::parse("https://b.example.com/cb", false).unwrap(),
        ];
        let both =
            br#"["https://a.example.com/cb", "https://b.example.com/cb", "https://c.example"]"#;
        assert!(check_sector_document(&uris, both).is_ok());
        let one = br#"["https://a.example.com/cb"]"#;
        let err = check_sector_document(&uris, one).unwrap_err();
        assert!(
            err.to_string().contains("https://b.example.com/cb"),
            "{err}"
        );
        for bad in [&b"{}"[..], b"not json", br#"[1]"#] {
            assert!(check_sector_document(&uris, bad).is_err());
        }
    }

    #[test]
    fn defaults_are_a_confidential_code_client_with_refresh() {
        let valid = validate(asked()).unwrap();
        assert_eq!(valid.name, "Demo");
        assert_eq!(valid.auth_method, AuthMethod::ClientSecretBasic);
        assert_eq!(valid.kind(), ClientKind::Confidential);
        assert_eq!(valid.grant_types, DEFAULT_GRANT_TYPES);
        assert_eq!(valid.scope, Scope::parse(DEFAULT_SCOPE).unwrap());
    }

    #[test]
    fn a_public_client_uses_none_and_never_client_credentials() {
        let public = ClientRegistration {
            public: true,
            ..asked()
        };
        assert_eq!(
            validate(public.clone()).unwrap().auth_method,
            AuthMethod::None
        );
        assert_eq!(
            validate(ClientRegistration {
                auth_method: Some(AuthMethod::ClientSecretPost),
                ..public.clone()
            }),
            Err(RegistrationError::PublicWithAuthMethod(
                AuthMethod::ClientSecretPost
            ))
        );
        assert_eq!(
            validate(ClientRegistration {
                grant_types: vec![GrantType::ClientCredentials],
                ..public
            }),
            Err(RegistrationError::PublicClientCredentials)
        );
    }

    #[test]
    fn the_code_grant_needs_a_redirect_uri_and_uris_are_checked_and_deduplicated() {
        let none = ClientRegistration {
            redirect_uris: vec![],
            ..asked()
        };
        assert_eq!(
            validate(none.clone()),
            Err(RegistrationError::NoRedirectUri)
        );
        let service = ClientRegistration {
            grant_types: vec![GrantType::ClientCredentials],
            ..none
        };
        assert!(validate(service).is_ok());
        let twice = ClientRegistration {
            redirect_uris: vec!["https://a.example.com/cb".into(); 2],
            ..asked()
        };
        assert_eq!(validate(twice).unwrap().redirect_uris.len(), 1);
        let fragment = ClientRegistration {
            redirect_uris: vec!["https://a.example.com/cb#x".into()],
            ..asked()
        };
        assert!(
            matches!(validate(fragment), Err(RegistrationError::RedirectUri(m)) if m.contains("fragment"))
        );
    }

    #[test]
    fn private_key_jwt_needs_one_key_source_and_no_other_method_takes_one() {
        let pkj = ClientRegistration {
            auth_method: Some(AuthMethod::PrivateKeyJwt),
            ..asked()
        };
        assert_eq!(validate(pkj.clone()), Err(RegistrationError::NoKeys));
        let with_set = validate(ClientRegistration {
            jwks: Some("good"),
            ..pkj.clone()
        })
        .unwrap();
        assert_eq!(with_set.jwks.as_deref(), Some(r#"{"keys":[]}"#));
        assert_eq!(
            validate(ClientRegistration {
                jwks: Some("bad"),
                ..pkj.clone()
            }),
            Err(RegistrationError::Jwks("bad set bad".into()))
        );
        let uri = |u: &str| ClientRegistration {
            jwks_uri: Some(u.into()),
            ..pkj.clone()
        };
        assert!(validate(uri("https://app.example.com/jwks")).is_ok());
        assert!(validate(uri("http://127.0.0.1:9000/jwks")).is_ok());
        assert_eq!(
            validate(uri("http://app.example.com/jwks")),
            Err(RegistrationError::JwksUriInsecure)
        );
        assert!(matches!(
            validate(uri("jwks")),
            Err(RegistrationError::JwksUriInvalid { .. })
        ));
        assert_eq!(
            validate(ClientRegistration {
                jwks_uri: Some("https://a.example.com/jwks".into()),
                ..asked()
            }),
            Err(RegistrationError::KeysWithoutPrivateKeyJwt)
        );
    }

    #[test]
    fn the_id_token_algorithm_is_one_tessera_signs_with() {
        let alg = |a: &str| ClientRegistration {
            id_token_signed_response_alg: Some(a.into()),
            ..asked()
        };
        assert_eq!(
            validate(alg("ES256")).unwrap().id_token_alg,
            Some(Alg::ES256)
        );
        let refused = validate(alg("PS256")).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "id_token_signed_response_alg PS256 is not one of the enabled algorithms (RS256, ES256)"
        );
        assert!(validate(alg("none")).is_err());
    }

    #[test]
    fn allowed_origins_are_checked_and_deduplicated() {
        let with = |list: &[&str]| ClientRegistration {
            allowed_origins: Some(list.iter().map(|s| s.to_string()).collect()),
            ..asked()
        };
        let valid = validate(with(&["https://App.example", "https://app.example/"])).unwrap();
        assert_eq!(
            valid.allowed_origins,
            Some(vec![Origin::parse("https://app.example", false).unwrap()])
        );
        assert_eq!(validate(asked()).unwrap().allowed_origins, None);
        assert!(matches!(
            validate(with(&["https://app.example/cb"])),
            Err(RegistrationError::AllowedOrigin(m)) if m.contains("without a path")
        ));
    }

    #[test]
    fn response_types_must_match_the_grants_and_be_code() {
        let with = |types: &[&str], grants: Vec<GrantType>| ClientRegistration {
            response_types: Some(types.iter().map(|s| s.to_string()).collect()),
            grant_types: grants,
            ..asked()
        };
        let code = validate(with(&["code"], vec![])).unwrap();
        assert_eq!(code.response_types(), ["code"]);
        assert!(matches!(
            validate(with(&["token"], vec![])),
            Err(RegistrationError::ResponseTypes(m)) if m.contains("`token`")
        ));
        assert!(matches!(
            validate(with(&[], vec![])),
            Err(RegistrationError::ResponseTypes(_))
        ));
        assert!(matches!(
            validate(with(&["code"], vec![GrantType::ClientCredentials])),
            Err(RegistrationError::ResponseTypes(_))
        ));
        let service = validate(with(&[], vec![GrantType::ClientCredentials])).unwrap();
        assert!(service.response_types().is_empty());
    }

    #[test]
    fn uris_shown_to_people_are_https_or_loopback_http() {
        let with = |about: ClientAbout| validate(ClientRegistration { about, ..asked() });
        let ok = with(ClientAbout {
            client_uri: Some("https://app.example.com/about".into()),
            logo_uri: Some("http://127.0.0.1:8080/logo.png".into()),
            ..ClientAbout::default()
        })
        .unwrap();
        assert_eq!(ok.about.client_host().as_deref(), Some("app.example.com"));
        for (field, about) in [
            (
                "policy_uri",
                ClientAbout {
                    policy_uri: Some("http://app.example.com/policy".into()),
                    ..ClientAbout::default()
                },
            ),
            (
                "tos_uri",
                ClientAbout {
                    tos_uri: Some("javascript:alert(1)".into()),
                    ..ClientAbout::default()
                },
            ),
            (
                "client_uri",
                ClientAbout {
                    client_uri: Some("https://bank.example@evil.example/".into()),
                    ..ClientAbout::default()
                },
            ),
            (
                "logo_uri",
                ClientAbout {
                    logo_uri: Some("/logo.png".into()),
                    ..ClientAbout::default()
                },
            ),
        ] {
            let e = with(about).unwrap_err();
            assert!(e.to_string().starts_with(field), "{field}: {e}");
        }
    }

    #[test]
    fn contacts_and_software_fields_are_short_printable_text() {
        let with = |about: ClientAbout| validate(ClientRegistration { about, ..asked() });
        let ok = with(ClientAbout {
            contacts: vec![" ops@example.com ".into()],
            software_id: Some("4NRB1-0XZABZI9E6-5SM3R".into()),
            ..ClientAbout::default()
        })
        .unwrap();
        assert_eq!(ok.about.contacts, ["ops@example.com"]);
        let too_many = ClientAbout {
            contacts: vec!["a@example.com".into(); MAX_CONTACTS + 1],
            ..ClientAbout::default()
        };
        assert!(
            with(too_many)
                .unwrap_err()
                .to_string()
                .starts_with("contacts")
        );
        let control = ClientAbout {
            software_version: Some("1.0\u{7}beta".into()),
            ..ClientAbout::default()
        };
        assert!(
            with(control)
                .unwrap_err()
                .to_string()
                .starts_with("software_version")
        );
    }

    #[test]
    fn the_first_broken_rule_is_reported() {
        let many = ClientRegistration {
            name: "".into(),
            public: true,
            grant_types: vec![GrantType::ClientCredentials],
            redirect_uris: vec![],
            ..asked()
        };
        assert_eq!(validate(many), Err(RegistrationError::Name));
    }

    fn check_exchange(
        r: ClientRegistration<&'static str>,
    ) -> Result<ValidRegistration, RegistrationError> {
        r.validate(&[Alg::RS256], |_| Err("no keys".into()))
    }

    #[test]
    fn token_exchange_needs_a_confidential_client_and_audiences_need_the_grant() {
        let exchange = vec![GrantType::TokenExchange];
        let public = ClientRegistration {
            public: true,
            grant_types: exchange.clone(),
            ..asked()
        };
        assert_eq!(
            check_exchange(public).unwrap_err(),
            RegistrationError::PublicTokenExchange
        );
        let without_grant = ClientRegistration {
            token_exchange_audiences: vec!["https://api.example.com".into()],
            ..asked()
        };
        assert_eq!(
            check_exchange(without_grant).unwrap_err(),
            RegistrationError::AudiencesWithoutTokenExchange
        );
        let valid = check_exchange(ClientRegistration {
            grant_types: exchange.clone(),
            token_exchange_audiences: vec!["https://a.example".into(), "https://a.example".into()],
            ..asked()
        })
        .unwrap();
        assert_eq!(valid.token_exchange_audiences, ["https://a.example"]);
        for bad in ["", "two words", "tab\there"] {
            let r = ClientRegistration {
                grant_types: exchange.clone(),
                token_exchange_audiences: vec![bad.into()],
                ..asked()
            };
            assert!(
                matches!(
                    check_exchange(r),
                    Err(RegistrationError::TokenExchangeAudience(_))
                ),
                "{bad}"
            );
        }
    }
}
