//! The server's metadata (OpenID Connect Discovery 1.0 §3, RFC 8414 §2), built once at start-up
//! from the configuration, the signing keys and the path constants, and kept as serialised bytes
//! for `oauth::discovery` to serve.

use serde_json::json;

use crate::config::{Config, RegistrationMode};
use crate::domain::{
    Acr, Alg, AuthMethod, CodeChallengeMethod, GrantType, Profile, PromptValue, ResponseMode,
    SubjectType,
};
use crate::http::paths;
use crate::i18n::Locale;
use crate::keys::KeyManager;
use crate::services::dpop::PROOF_ALGS;

/// Scopes Tessera understands, advertised in `scopes_supported`.
pub const SCOPES_SUPPORTED: &[&str] = &[
    "openid",
    "profile",
    "email",
    "offline_access",
    "roles",
    "groups",
];

/// Claims Tessera can return, advertised in `claims_supported`.
pub const CLAIMS_SUPPORTED: &[&str] = &[
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "at_hash",
    "azp",
    "sid",
    "amr",
    "acr",
    "name",
    "preferred_username",
    "email",
    "email_verified",
    "roles",
    "permissions",
    "groups",
];

/// Algorithms accepted for `private_key_jwt` client assertions (RFC 7523): every asymmetric
/// algorithm Tessera knows, whatever its own keys use; never `none` or HMAC (RFC 8414 §2).
pub fn client_assertion_algs() -> Vec<&'static str> {
    Alg::ALL.iter().map(|a| a.as_str()).collect()
}

/// The two pre-serialised discovery documents.
#[derive(Debug)]
pub struct Documents {
    /// `/.well-known/openid-configuration`.
    pub openid: bytes::Bytes,
    /// `/.well-known/oauth-authorization-server`.
    pub oauth: bytes::Bytes,
}

impl Documents {
    /// Builds both documents. They share every field (RFC 8414 §2 allows the OIDC ones).
    pub fn build(config: &Config, keys: &KeyManager) -> Self {
        let issuer = config.issuer.as_str();
        let url = |path: &str| format!("{issuer}{path}");
        let algs: Vec<&str> = keys.algorithms().iter().map(|a| a.as_str()).collect();
        let assertion_algs = client_assertion_algs();
        // Every method is served at the token, revocation and introspection endpoints alike.
        let auth_methods = AuthMethod::ALL.map(AuthMethod::as_str);
        let response_modes = ResponseMode::ALL.map(ResponseMode::as_str);
        let grant_types = GrantType::ALL.map(GrantType::as_str);
        let pkce_methods = CodeChallengeMethod::ALL.map(CodeChallengeMethod::as_str);
        let prompt_values = PromptValue::ALL.map(PromptValue::as_str);
        let acr_values = Acr::ALL.map(Acr::as_str);
        // OpenID Connect Discovery 1.0 §3; RFC 8414 §2 registers the same names for the shared
        // fields and allows the rest. Only endpoints and features Tessera serves are listed
        // (no front-channel logout; no userinfo signing: userinfo answers plain JSON, so
        // `userinfo_signing_alg_values_supported` is omitted).
        let doc = json!({
            "issuer": issuer,
            "authorization_endpoint": url(paths::AUTHORIZE),
            "token_endpoint": url(paths::TOKEN),
            "userinfo_endpoint": url(paths::USERINFO),
            "jwks_uri": url(paths::JWKS),
            "revocation_endpoint": url(paths::REVOKE),
            "introspection_endpoint": url(paths::INTROSPECT),
            // RFC 8628 §4.
            "device_authorization_endpoint": url(paths::DEVICE_AUTHORIZATION),
            // RP-Initiated Logout 1.0 §2.1.
            "end_session_endpoint": url(paths::END_SESSION),
            // Back-Channel Logout 1.0 §2.1: logout tokens always carry `sid`.
            "backchannel_logout_supported": true,
            "backchannel_logout_session_supported": true,
            "scopes_supported": SCOPES_SUPPORTED,
            "response_types_supported": ["code"],
            "response_modes_supported": response_modes,
            "grant_types_supported": grant_types,
            // OIDC Core §8: every client chooses public or pairwise.
            "subject_types_supported": SubjectType::ALL,
            // Discovery §3: RS256 MUST be listed (config validation keeps it enabled); never none.
            "id_token_signing_alg_values_supported": algs,
            "token_endpoint_auth_methods_supported": auth_methods,
            "token_endpoint_auth_signing_alg_values_supported": assertion_algs,
            "revocation_endpoint_auth_methods_supported": auth_methods,
            "revocation_endpoint_auth_signing_alg_values_supported": assertion_algs,
            "introspection_endpoint_auth_methods_supported": auth_methods,
            "introspection_endpoint_auth_signing_alg_values_supported": assertion_algs,
            // RFC 7636 §4.2; `plain` is refused (RFC 9700 §2.1.1).
            "code_challenge_methods_supported": pkce_methods,
            "claims_supported": CLAIMS_SUPPORTED,
            // Discovery §3: an absent request_uri_parameter_supported means true; all four are
            // stated so no reader has to remember the defaults.
            "claims_parameter_supported": false,
            // OIDC Discovery §3: the languages of the pages (`templates/locales/`).
            "ui_locales_supported": Locale::ALL.map(Locale::tag),
            // RFC 9101: signed request objects by value. request_uri by reference is not fetched:
            // only PAR's own URNs are accepted, which RFC 9126 §5 advertises through
            // pushed_authorization_request_endpoint, so request_uri_parameter_supported stays
            // false (as node-oidc-provider does with PAR on and requestUri off).
            "request_parameter_supported": true,
            "request_object_signing_alg_values_supported": assertion_algs,
            "request_uri_parameter_supported": false,
            "require_request_uri_registration": false,
            "prompt_values_supported": prompt_values,
            // OIDC Discovery §3: the levels `acr` states and `acr_values` may ask for.
            "acr_values_supported": acr_values,
            // RFC 9207 §3.
            "authorization_response_iss_parameter_supported": true,
            // RFC 9126 §5.
            "pushed_authorization_request_endpoint": url(paths::PAR),
            "require_pushed_authorization_requests": config.authorization.require_par
                || config.authorization.profile == Some(Profile::Fapi2),
        });
        let mut doc = doc;
        if config.registration.mode != RegistrationMode::Off {
            // RFC 8414 §2, OIDC Discovery §3: only when registration is served.
            doc["registration_endpoint"] = json!(url(paths::REGISTER));
        }
        // RFC 9449 §5.1: the algorithms DPoP proofs may use.
        doc["dpop_signing_alg_values_supported"] = json!(PROOF_ALGS.map(Alg::as_str));
        if config.registration.client_id_metadata_documents {
            // draft-ietf-oauth-client-id-metadata-document §5.
            doc["client_id_metadata_document_supported"] = json!(true);
        }
        let bytes = bytes::Bytes::from(serde_json::to_vec(&doc).unwrap_or_default());
        Self {
            openid: bytes.clone(),
            oauth: bytes,
        }
    }
}
