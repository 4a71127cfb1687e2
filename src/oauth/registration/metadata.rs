//! Client metadata as RFC 7591 §2 spells it: read from a registration request into the shared
//! registration rules (`domain::ClientRegistration`, the same ones `tessera client create`
//! follows), and written back as the client information response (§3.2.1, RFC 7592 §3).

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::config::Config;
use crate::domain::{
    Alg, AuthMethod, ClientAbout, ClientRegistration, GrantType, Profile, RegistrationError,
    RequestPolicy, Scope, SubjectType, ValidRegistration,
};
use crate::error::{ErrorCode, OAuthError};
use crate::http::paths;
use crate::store::ClientRow;

/// The metadata Tessera reads; anything else is ignored and not echoed (RFC 7591 §2).
#[derive(Debug, Default, Deserialize)]
pub struct Metadata {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    redirect_uris: Option<Vec<String>>,
    post_logout_redirect_uris: Option<Vec<String>>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    token_endpoint_auth_method: Option<String>,
    scope: Option<String>,
    jwks_uri: Option<String>,
    jwks: Option<Value>,
    id_token_signed_response_alg: Option<String>,
    subject_type: Option<String>,
    sector_identifier_uri: Option<String>,
    backchannel_logout_uri: Option<String>,
    client_name: Option<String>,
    client_uri: Option<String>,
    logo_uri: Option<String>,
    policy_uri: Option<String>,
    tos_uri: Option<String>,
    contacts: Option<Vec<String>>,
    software_id: Option<String>,
    software_version: Option<String>,
    /// Tessera's extension (see `ClientRegistration::allowed_origins`).
    allowed_origins: Option<Vec<String>>,
    /// Tessera's extension: the audiences a token-exchange client may ask for (RFC 8693 §2.1),
    /// as `client create --token-exchange-audience`. Only a registration the operator
    /// authorized may name them (see [`Audiences`]).
    token_exchange_audiences: Option<Vec<String>>,
    /// RFC 9449 §5.2: every token request of the client must carry a DPoP proof.
    dpop_bound_access_tokens: Option<bool>,
    /// RFC 9126 §6.
    require_pushed_authorization_requests: Option<bool>,
    /// RFC 9101 §10.5.
    require_signed_request_object: Option<bool>,
    /// OIDC Dynamic Client Registration §2; `none` and HMAC are not among them.
    request_object_signing_alg: Option<String>,
    /// Tessera's extension: `"fapi2"` holds the client to the FAPI 2.0 Security Profile, as
    /// `client create --profile fapi2`.
    security_profile: Option<String>,
}

/// Who may name token-exchange audiences in the metadata. An audience lets the client turn a
/// person's token into one for that service, so a client that registered itself (`open` mode)
/// may not name any, and a registration may not change what the operator granted.
#[derive(Debug, Clone, Copy)]
pub enum Audiences<'a> {
    /// A registration authorized by the operator (an initial access token, or an access token
    /// with `clients:write`).
    MayName,
    /// Anyone may register (`open` mode): none.
    None,
    /// RFC 7592 PUT: only the ones the client already has (changed with `tessera client update`).
    Kept(&'a [String]),
}

/// `invalid_client_metadata` (RFC 7591 §3.2.2) with a description naming the field.
pub fn invalid_metadata(description: impl Into<String>) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidClientMetadata, description)
}

impl Metadata {
    /// PAR and request-object metadata (RFC 9126 §6, RFC 9101 §10.5).
    fn request_policy(&self) -> Result<RequestPolicy, OAuthError> {
        let alg = self
            .request_object_signing_alg
            .as_deref()
            .map(|a| {
                Alg::parse(a).ok_or_else(|| {
                    invalid_metadata(format!(
                        "request_object_signing_alg: `{a}` is not supported (asymmetric only)"
                    ))
                })
            })
            .transpose()?;
        let profile = self
            .security_profile
            .as_deref()
            .map(|p| {
                Profile::parse(p).ok_or_else(|| {
                    invalid_metadata(format!("security_profile: `{p}` is not supported (fapi2)"))
                })
            })
            .transpose()?;
        Ok(RequestPolicy {
            profile,
            require_par: self.require_pushed_authorization_requests == Some(true),
            require_signed_request_object: self.require_signed_request_object == Some(true),
            request_object_signing_alg: alg,
        })
    }

    /// Reads a JSON object; a member of the wrong type is refused naming it.
    pub fn parse(body: &[u8]) -> Result<Self, OAuthError> {
        let mut de = serde_json::Deserializer::from_slice(body);
        let value: Value = serde::Deserialize::deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| invalid_metadata(format!("the body is not JSON ({e})")))?;
        if !value.is_object() {
            return Err(invalid_metadata("the body must be a JSON object"));
        }
        serde_path_to_error::deserialize(value)
            .map_err(|e| invalid_metadata(format!("{}: {}", e.path(), e.inner())))
    }

    /// Checks the metadata against the registration rules and `[registration]
    /// allowed_scopes`. `client_id` names a client that gave no `client_name`.
    pub fn validate(
        self,
        config: &Config,
        client_id: &str,
        audiences: Audiences<'_>,
    ) -> Result<ValidRegistration, OAuthError> {
        let request_policy = self.request_policy()?;
        let subject_type = self
            .subject_type
            .map(|t| {
                SubjectType::parse(&t).ok_or_else(|| {
                    invalid_metadata(format!(
                        "subject_type: `{t}` is not supported; only `public` and `pairwise` are"
                    ))
                })
            })
            .transpose()?
            .unwrap_or_default();
        let auth_method = self
            .token_endpoint_auth_method
            .map(|m| {
                AuthMethod::parse(&m).ok_or_else(|| {
                    invalid_metadata(format!(
                        "token_endpoint_auth_method: `{m}` is not supported"
                    ))
                })
            })
            .transpose()?;
        let grant_types = self
            .grant_types
            .unwrap_or_default()
            .iter()
            .map(|g| {
                GrantType::parse(g)
                    .ok_or_else(|| invalid_metadata(format!("grant_types: `{g}` is not supported")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let allowed = Scope::parse(&config.registration.allowed_scopes).unwrap_or_default();
        let scope = match self.scope {
            Some(s) => s,
            None => allowed.to_string(),
        };
        let registration = ClientRegistration {
            name: self.client_name.unwrap_or_else(|| client_id.to_string()),
            public: auth_method == Some(AuthMethod::None),
            auth_method,
            grant_types,
            redirect_uris: self.redirect_uris.unwrap_or_default(),
            post_logout_redirect_uris: self.post_logout_redirect_uris.unwrap_or_default(),
            scope,
            jwks_uri: self.jwks_uri,
            jwks: self.jwks,
            id_token_signed_response_alg: self.id_token_signed_response_alg,
            backchannel_logout_uri: self.backchannel_logout_uri,
            // RFC 7591 §1: nobody vouched for a self-registered client.
            first_party: false,
            allowed_origins: self.allowed_origins,
            allow_insecure_redirect: false,
            response_types: self.response_types,
            about: ClientAbout {
                client_uri: self.client_uri,
                logo_uri: self.logo_uri,
                policy_uri: self.policy_uri,
                tos_uri: self.tos_uri,
                contacts: self.contacts.unwrap_or_default(),
                software_id: self.software_id,
                software_version: self.software_version,
            },
            token_exchange_audiences: allowed_audiences(self.token_exchange_audiences, audiences)?,
            dpop_bound_access_tokens: self.dpop_bound_access_tokens.unwrap_or(false),
            subject_type,
            sector_identifier_uri: self.sector_identifier_uri,
            request_policy,
        };
        let valid = registration
            .validate(&config.keys.algorithms, |set| {
                let text = set.to_string();
                crate::keys::check_client_jwk_set(&text).map(|()| text)
            })
            .map_err(registration_error)?;
        let beyond = valid.scope.difference(&allowed);
        if !beyond.is_empty() {
            return Err(invalid_metadata(format!(
                "scope: {} may not be registered here (allowed: {allowed})",
                beyond.join(" ")
            )));
        }
        Ok(valid)
    }
}

/// OIDC Core §8.1: a pairwise client's sector identifier document must list every redirect
/// URI; fetched before anything is stored.
pub async fn check_sector(valid: &ValidRegistration) -> Result<(), OAuthError> {
    crate::services::sector_identifier::check(valid)
        .await
        .map_err(registration_error)
}

/// The audiences asked for, if this registration may name them.
fn allowed_audiences(
    asked: Option<Vec<String>>,
    who: Audiences<'_>,
) -> Result<Vec<String>, OAuthError> {
    let asked = asked.unwrap_or_default();
    match who {
        Audiences::MayName => Ok(asked),
        Audiences::None if asked.is_empty() => Ok(asked),
        Audiences::None => Err(invalid_metadata(
            "token_exchange_audiences: a client that registers itself may not name any; the \
             operator grants them",
        )),
        Audiences::Kept(kept) if asked.is_empty() || asked == kept => Ok(kept.to_vec()),
        Audiences::Kept(_) => Err(invalid_metadata(
            "token_exchange_audiences: only the operator changes them (tessera client update)",
        )),
    }
}

/// A broken rule in RFC 7591 §3.2.2's terms: `invalid_redirect_uri` for the redirect URIs,
/// `invalid_client_metadata` naming the field for the rest.
fn registration_error(e: RegistrationError) -> OAuthError {
    use RegistrationError as E;
    match e {
        E::RedirectUri(m) => {
            OAuthError::new(ErrorCode::InvalidRedirectUri, format!("redirect_uris: {m}"))
        }
        E::NoRedirectUri => OAuthError::new(
            ErrorCode::InvalidRedirectUri,
            "redirect_uris: the authorization_code grant needs at least one",
        ),
        E::PostLogoutRedirectUri(m) => invalid_metadata(format!("post_logout_redirect_uris: {m}")),
        E::Jwks(m) => invalid_metadata(format!("jwks: {m}")),
        other => invalid_metadata(other.to_string()),
    }
}

/// The client information response (RFC 7591 §3.2.1, RFC 7592 §3): the identifiers, the
/// secret when one was just issued, the registration access token and URI, and the metadata as
/// stored.
pub fn client_information(
    config: &Config,
    client: &ClientRow,
    client_secret: Option<&str>,
    registration_access_token: &str,
) -> Value {
    let mut out = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            out.insert(k.to_string(), v);
        }
    };
    put("client_id", json!(client.client_id));
    if let Some(secret) = client_secret {
        put("client_secret", json!(secret));
    }
    if client.secret_hash.is_some() {
        // RFC 7591 §3.2.1: 0, the secret does not expire.
        put("client_secret_expires_at", json!(0));
    }
    put("client_id_issued_at", json!(client.created_at));
    put(
        "registration_access_token",
        json!(registration_access_token),
    );
    put(
        "registration_client_uri",
        json!(registration_client_uri(config, &client.client_id)),
    );
    put("client_name", json!(client.name));
    put("redirect_uris", json!(client.redirect_uris));
    if !client.post_logout_redirect_uris.is_empty() {
        put(
            "post_logout_redirect_uris",
            json!(client.post_logout_redirect_uris),
        );
    }
    put("grant_types", json!(client.grant_types));
    let code = client.registered_for(GrantType::AuthorizationCode);
    put(
        "response_types",
        json!(if code { vec!["code"] } else { vec![] }),
    );
    put("token_endpoint_auth_method", json!(client.auth_method));
    put("scope", json!(client.scopes));
    put("jwks_uri", json!(client.jwks_uri));
    if let Some(set) = &client.jwks {
        put("jwks", serde_json::from_str(set).unwrap_or(Value::Null));
    }
    put(
        "id_token_signed_response_alg",
        json!(client.id_token_alg.unwrap_or(config.keys.id_token_alg)),
    );
    put("subject_type", json!(client.subject_type));
    put("sector_identifier_uri", json!(client.sector_identifier_uri));
    if let Some(uri) = &client.backchannel_logout_uri {
        put("backchannel_logout_uri", json!(uri));
        // Tessera's logout tokens always carry `sid` (Back-Channel Logout 1.0 §2.2).
        put("backchannel_logout_session_required", json!(true));
    }
    put("allowed_origins", json!(client.allowed_origins));
    if !client.token_exchange_audiences.is_empty() {
        put(
            "token_exchange_audiences",
            json!(client.token_exchange_audiences),
        );
    }
    let policy = &client.request_policy;
    put(
        "require_pushed_authorization_requests",
        json!(policy.require_par),
    );
    put(
        "require_signed_request_object",
        json!(policy.require_signed_request_object),
    );
    if let Some(alg) = policy.request_object_signing_alg {
        put("request_object_signing_alg", json!(alg));
    }
    if let Some(profile) = policy.profile {
        put("security_profile", json!(profile));
    }
    let about = &client.about;
    put("client_uri", json!(about.client_uri));
    put("logo_uri", json!(about.logo_uri));
    put("policy_uri", json!(about.policy_uri));
    put("tos_uri", json!(about.tos_uri));
    if !about.contacts.is_empty() {
        put("contacts", json!(about.contacts));
    }
    put("software_id", json!(about.software_id));
    put("software_version", json!(about.software_version));
    put(
        "dpop_bound_access_tokens",
        json!(client.dpop_bound_access_tokens),
    );
    Value::Object(out)
}

/// Where a registered client is managed (RFC 7592 §1). Client ids are URL-safe base64, so the
/// id is a path segment as it is.
pub fn registration_client_uri(config: &Config, client_id: &str) -> String {
    format!("{}{}/{client_id}", config.issuer.as_str(), paths::REGISTER)
}
