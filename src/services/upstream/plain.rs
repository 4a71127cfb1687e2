//! A plain OAuth 2.0 upstream (GitHub-style), through the `oauth2` crate: the authorization
//! URL with PKCE, the code exchange, then the userinfo endpoint read with the configured claim
//! names (`subject_claim`, `email_claim`, `name_claim`, `username_claim`). There is no ID token:
//! the access token, fresh from the token endpoint over TLS, is what vouches for the answer.

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, TokenResponse, TokenUrl,
};
use serde_json::Value;

use super::{Upstream, UpstreamError, UpstreamIdentity, token_error};

/// Largest userinfo answer read.
const MAX_USERINFO_BYTES: usize = 64 * 1024;

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Tessera as a client of the upstream.
fn client(u: &Upstream) -> Result<Client, UpstreamError> {
    let (Some(auth), Some(token)) = (&u.config.authorization_url, &u.config.token_url) else {
        return Err(UpstreamError::Unreachable("no endpoints configured".into()));
    };
    let redirect = RedirectUrl::new(u.callback.clone())
        .map_err(|e| UpstreamError::Unreachable(format!("callback URL: {e}")))?;
    let client = BasicClient::new(ClientId::new(u.config.client_id.clone()))
        .set_auth_uri(AuthUrl::from_url(auth.clone()))
        .set_token_uri(TokenUrl::from_url(token.clone()))
        .set_redirect_uri(redirect);
    Ok(match &u.config.client_secret {
        Some(s) => client.set_client_secret(ClientSecret::new(s.expose().to_string())),
        None => client,
    })
}

/// The upstream's authorization URL for a new sign-in.
pub(super) fn authorization_url(
    u: &Upstream,
    state: String,
    challenge: PkceCodeChallenge,
) -> Result<String, UpstreamError> {
    let (url, _) = client(u)?
        .authorize_url(move || CsrfToken::new(state))
        .add_scopes(u.scopes())
        .set_pkce_challenge(challenge)
        .url();
    Ok(url.to_string())
}

/// Redeems the code and reads the userinfo answer.
pub(super) async fn finish(
    u: &Upstream,
    code: String,
    pkce_verifier: String,
) -> Result<UpstreamIdentity, UpstreamError> {
    let tokens = client(u)?
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
        .request_async(&u.http)
        .await
        .map_err(token_error)?;
    let Some(userinfo) = &u.config.userinfo_url else {
        return Err(UpstreamError::Unreachable(
            "no userinfo_url configured".into(),
        ));
    };
    let unreachable = |e: reqwest::Error| UpstreamError::Unreachable(format!("userinfo: {e}"));
    let mut resp = u
        .http
        .get(userinfo.clone())
        .bearer_auth(tokens.access_token().secret())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(unreachable)?;
    let status = resp.status();
    if status.is_server_error() {
        return Err(UpstreamError::Unreachable(format!(
            "userinfo: status {status}"
        )));
    }
    if !status.is_success() {
        return Err(UpstreamError::Refused(format!("userinfo: status {status}")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_USERINFO_BYTES {
            return Err(UpstreamError::Refused("userinfo: answer too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    let json: Value = serde_json::from_slice(&body)
        .map_err(|e| UpstreamError::Refused(format!("userinfo: not JSON ({e})")))?;
    Ok(read_identity(u, &json))
}

/// The identity in a userinfo answer, by the configured member names. A numeric id (GitHub's
/// `id`) reads as its decimal form; `email_verified` counts only when it is `true`.
fn read_identity(u: &Upstream, json: &Value) -> UpstreamIdentity {
    let text = |member: &str| match json.get(member) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    UpstreamIdentity {
        subject: text(&u.config.subject_claim).unwrap_or_default(),
        email: text(&u.config.email_claim),
        email_verified: json.get("email_verified") == Some(&Value::Bool(true)),
        name: text(&u.config.name_claim),
        username: text(&u.config.username_claim),
        amr: Vec::new(),
    }
}
