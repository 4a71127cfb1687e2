//! The authorization request, one rule-set per function, in the order they run (see
//! [`super::validate`]). The first two fail with a page; the rest are redirected to the client.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::domain::{
    Acr, AuthMethod, ClientKind, CodeChallengeMethod, GrantType, PromptValue, ResponseMode, Scope,
};
use crate::error::{ErrorCode, OAuthError, PageError};
use crate::http::form::Params;
use crate::state::AppState;
use crate::store::ClientRow;

use super::Arrival;

/// The `prompt` values asked for (OIDC Core §3.1.2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
    /// `select_account`: someone signed in is asked whether to go on as themselves or use
    /// another account; cleared once they answer.
    #[serde(default)]
    pub select_account: bool,
}

/// client_id names a registered client. Unknown → page (there is nowhere safe to redirect).
/// The registration comes from the client cache; when the cached one lacks the redirect_uri
/// asked for, it may be stale (a URI added a moment ago), so it is read again.
pub async fn check_client(state: &AppState, params: &Params) -> Result<ClientRow, PageError> {
    let Some(id) = params.get("client_id") else {
        return Err(PageError::bad_request("login-error-no-client-id"));
    };
    let mut client = state.clients.client(&state.store, id).await?;
    let unknown_uri = |c: &ClientRow| {
        params
            .get("redirect_uri")
            .is_some_and(|uri| !c.redirect_uris.iter().any(|r| r == uri))
    };
    if client.as_deref().is_some_and(unknown_uri) {
        client = state.clients.load(&state.store, id).await?;
    }
    client
        .map(|c| ClientRow::clone(&c))
        .ok_or_else(|| PageError::bad_request("login-error-unknown-client"))
}

/// redirect_uri is one the client registered, compared as exact strings, query included
/// (RFC 9700 §4.1.3). OpenID requests must send it (OIDC Core §3.1.2.1: REQUIRED; the
/// conformance suite's oidcc-ensure-redirect-uri-in-authorization-request); a plain OAuth request
/// may leave it out when exactly one is registered (RFC 6749 §3.1.2.3).
pub fn check_redirect_uri(client: &ClientRow, params: &Params) -> Result<String, PageError> {
    let openid = params
        .get("scope")
        .is_some_and(|s| s.split(' ').any(|v| v == "openid"));
    match params.get("redirect_uri") {
        Some(uri) if client.redirect_uris.iter().any(|r| r == uri) => Ok(uri.to_string()),
        Some(_) => Err(PageError::bad_request("login-error-unregistered-redirect")),
        None if !openid && client.redirect_uris.len() == 1 => Ok(client.redirect_uris[0].clone()),
        None => Err(PageError::bad_request("login-error-no-redirect-uri")),
    }
}

/// response_mode: `query` (default for code) or `form_post`; `fragment` would put the code where
/// scripts and history can read it, so it is refused for `code`.
pub fn check_response_mode(params: &Params) -> Result<ResponseMode, OAuthError> {
    let Some(asked) = params.get("response_mode") else {
        return Ok(ResponseMode::Query);
    };
    match ResponseMode::parse(asked) {
        Some(mode) => Ok(mode),
        None if asked == "fragment" => Err(OAuthError::invalid_request(
            "response_mode fragment is not allowed for response_type code",
        )),
        None => Err(OAuthError::invalid_request("unsupported response_mode")),
    }
}

/// Whether the client sent its request the way it must (RFC 9126 §5, RFC 9101 §10.5): through
/// PAR when it or the server requires it, as a signed request object when it requires one. A
/// plain request from such a client has a valid client and redirect URI, so the refusal goes
/// back to it as `invalid_request` (RFC 9126 §5 leaves the code open; node-oidc-provider's).
pub fn check_policy(
    client: &ClientRow,
    config: &Config,
    arrival: Arrival,
) -> Result<(), OAuthError> {
    let policy = &client.request_policy;
    let fapi2 = policy.fapi2(config.authorization.profile);
    // FAPI 2.0 Security Profile: confidential clients only, with private_key_jwt (no mTLS
    // here); checked here too because a global profile may be set after registration.
    // Its tokens must also be sender-constrained: the token endpoint requires a DPoP proof
    // (oauth::token::require_dpop_if_registered).
    if fapi2 && client.auth_method != AuthMethod::PrivateKeyJwt {
        return Err(OAuthError::unauthorized_client(
            "FAPI 2.0: only confidential clients authenticating with private_key_jwt",
        ));
    }
    let must_push = policy.require_par || config.authorization.require_par || fapi2;
    if must_push && !arrival.pushed() {
        return Err(OAuthError::invalid_request(
            "this client must push its authorization requests to the pushed authorization request endpoint (RFC 9126)",
        ));
    }
    if policy.require_signed_request_object && !arrival.signed() {
        return Err(OAuthError::invalid_request(
            "this client must send its authorization request as a signed request object (RFC 9101)",
        ));
    }
    Ok(())
}

/// response_type is `code`, and the client is registered for the code grant.
pub fn check_response_type(params: &Params, client: &ClientRow) -> Result<(), OAuthError> {
    match params.get("response_type") {
        None => Err(OAuthError::invalid_request(
            "missing parameter `response_type`",
        )),
        Some("code") => {
            if client.registered_for(GrantType::AuthorizationCode) {
                Ok(())
            } else {
                Err(OAuthError::unauthorized_client(
                    "the client is not registered for the authorization_code grant",
                ))
            }
        }
        Some(_) => Err(OAuthError::new(
            ErrorCode::UnsupportedResponseType,
            "only response_type code is supported",
        )),
    }
}

/// scope is present and every value is one the client may request (RFC 6749 §3.3).
pub fn check_scope(params: &Params, client: &ClientRow) -> Result<Scope, OAuthError> {
    let requested =
        Scope::parse(params.get("scope").unwrap_or_default()).map_err(OAuthError::invalid_scope)?;
    if requested.is_empty() {
        return Err(OAuthError::invalid_scope(
            "scope is required (include openid)",
        ));
    }
    let allowed = Scope::parse(&client.scopes).unwrap_or_default();
    if !requested.is_subset(&allowed) {
        return Err(OAuthError::invalid_scope(format!(
            "scope not allowed for this client: {}",
            requested.difference(&allowed).join(" ")
        )));
    }
    Ok(requested)
}

/// PKCE (RFC 7636, RFC 9700 §2.1.1): only S256; required for public clients and, by default
/// (`authorization.require_pkce_for_confidential`), for every client.
pub fn check_pkce(
    params: &Params,
    client: &ClientRow,
    config: &Config,
) -> Result<Option<String>, OAuthError> {
    let method = params.get("code_challenge_method");
    let Some(challenge) = params.get("code_challenge") else {
        if method.is_some() {
            return Err(OAuthError::invalid_request(
                "code_challenge_method without code_challenge",
            ));
        }
        let public = client.kind() == ClientKind::Public;
        // FAPI 2.0 Security Profile: PKCE with S256, from every client.
        let fapi2 = client.request_policy.fapi2(config.authorization.profile);
        if public || fapi2 || config.authorization.require_pkce_for_confidential {
            return Err(OAuthError::invalid_request(
                "PKCE is required: send code_challenge with code_challenge_method S256",
            ));
        }
        return Ok(None);
    };
    // RFC 7636 §4.3: a missing method means `plain`, which is not accepted.
    if method.and_then(CodeChallengeMethod::parse).is_none() {
        return Err(OAuthError::invalid_request(
            "code_challenge_method must be S256",
        ));
    }
    // The S256 challenge is base64url(SHA-256) without padding: 43 characters.
    let well_formed = challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(OAuthError::invalid_request("malformed code_challenge"));
    }
    Ok(Some(challenge.to_string()))
}

/// prompt: known values only; `none` alone (OIDC Core §3.1.2.1).
pub fn check_prompt(params: &Params) -> Result<Prompt, OAuthError> {
    let mut p = Prompt::default();
    let Some(raw) = params.get("prompt") else {
        return Ok(p);
    };
    let mut count = 0;
    for v in raw.split(' ').filter(|v| !v.is_empty()) {
        count += 1;
        match PromptValue::parse(v) {
            Some(PromptValue::None) => p.none = true,
            Some(PromptValue::Login) => p.login = true,
            Some(PromptValue::SelectAccount) => p.select_account = true,
            Some(PromptValue::Consent) => p.consent = true,
            None => return Err(OAuthError::invalid_request("unsupported prompt value")),
        }
    }
    if p.none && count > 1 {
        return Err(OAuthError::invalid_request(
            "prompt none cannot be combined with other values",
        ));
    }
    Ok(p)
}

/// max_age: a non-negative number of seconds (OIDC Core §3.1.2.1).
pub fn check_max_age(params: &Params) -> Result<Option<i64>, OAuthError> {
    params
        .get("max_age")
        .map(|v| {
            v.parse::<u32>()
                .map(i64::from)
                .map_err(|_| OAuthError::invalid_request("max_age must be a number of seconds"))
        })
        .transpose()
}

/// The authentication level asked for: `acr_values` (voluntary, OIDC Core §3.1.2.1) and an
/// essential `acr` in the `claims` parameter (OIDC Core §5.5.1.1), which must be met. Of several
/// values any is acceptable, so the lowest Tessera knows is what is needed; unknown values and a
/// `claims` that is not JSON are ignored, as the other claims are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcrRequest {
    /// From `acr_values`.
    pub voluntary: Option<Acr>,
    /// From `claims` with `"essential": true`.
    pub essential: Option<Acr>,
}

/// acr_values and claims.id_token.acr.
pub fn check_acr(params: &Params) -> AcrRequest {
    let lowest = |values: &mut dyn Iterator<Item = &str>| {
        values.filter_map(Acr::parse).min_by(|a, b| {
            if a.meets(*b) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Less
            }
        })
    };
    let voluntary = params
        .get("acr_values")
        .and_then(|v| lowest(&mut v.split(' ')));
    let essential = params
        .get("claims")
        .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
        .and_then(|c| {
            let acr = &c["id_token"]["acr"];
            if acr["essential"] != serde_json::Value::Bool(true) {
                return None;
            }
            let mut values: Vec<&str> = acr["values"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            values.extend(acr["value"].as_str());
            lowest(&mut values.into_iter())
        });
    AcrRequest {
        voluntary,
        essential,
    }
}

/// nonce: passed through to the ID token; bounded so it cannot bloat stored rows.
pub fn check_nonce(params: &Params) -> Result<Option<String>, OAuthError> {
    match params.get("nonce") {
        Some(n) if n.len() > 512 => Err(OAuthError::invalid_request("nonce is too long")),
        n => Ok(n.map(str::to_string)),
    }
}

/// RFC 9449 §10: `dpop_jkt` binds the code to a DPoP key; a JWK SHA-256 thumbprint is 43
/// base64url characters (RFC 7638).
pub fn check_dpop_jkt(params: &Params) -> Result<Option<String>, OAuthError> {
    match params.get("dpop_jkt") {
        None => Ok(None),
        Some(jkt)
            if jkt.len() == 43
                && jkt
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Ok(Some(jkt.to_string()))
        }
        Some(_) => Err(OAuthError::invalid_request(
            "dpop_jkt must be a JWK SHA-256 thumbprint (43 base64url characters)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> Params {
        Params::parse(q.as_bytes()).unwrap()
    }

    #[test]
    fn prompt_none_stands_alone_and_select_account_is_its_own_question() {
        assert!(check_prompt(&params("prompt=none")).unwrap().none);
        let p = check_prompt(&params("prompt=select_account")).unwrap();
        assert!(p.select_account && !p.login);
        let p = check_prompt(&params("prompt=login%20consent")).unwrap();
        assert!(p.login && p.consent && !p.none);
        assert!(check_prompt(&params("prompt=none%20consent")).is_err());
        assert!(check_prompt(&params("prompt=create")).is_err());
    }

    #[test]
    fn response_mode_refuses_fragment_for_code() {
        assert_eq!(
            check_response_mode(&params("")).unwrap(),
            ResponseMode::Query
        );
        assert_eq!(
            check_response_mode(&params("response_mode=form_post")).unwrap(),
            ResponseMode::FormPost
        );
        assert!(check_response_mode(&params("response_mode=fragment")).is_err());
        assert!(check_response_mode(&params("response_mode=web_message")).is_err());
    }

    #[test]
    fn max_age_is_a_non_negative_number() {
        assert_eq!(check_max_age(&params("max_age=0")).unwrap(), Some(0));
        assert_eq!(check_max_age(&params("")).unwrap(), None);
        assert!(check_max_age(&params("max_age=-1")).is_err());
        assert!(check_max_age(&params("max_age=soon")).is_err());
    }
}
