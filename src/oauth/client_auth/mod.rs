//! Client authentication at the token, revocation and introspection endpoints
//! (RFC 6749 §2.3, OIDC Core §9). A client may use only the method it registered.

pub mod private_key_jwt;

use std::ops::Deref;
use std::sync::Arc;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::crypto::{constant_time_eq, sha256_hex};
use crate::domain::{AuthMethod, ClientKind, GrantType, Scope};
use crate::error::{Challenge, OAuthError};
use crate::http::form::Params;
use crate::state::AppState;
use crate::store::ClientRow;

/// A client whose identity has been proven (or, for public clients, asserted by client_id).
/// It reads as its registration: `client.client_id`, `client.redirect_uris`.
#[derive(Debug, Clone)]
pub struct AuthenticatedClient {
    pub client: Arc<ClientRow>,
    /// Whether credentials came in the `Authorization: Basic` header.
    pub used_basic: bool,
}

impl Deref for AuthenticatedClient {
    type Target = ClientRow;

    fn deref(&self) -> &ClientRow {
        &self.client
    }
}

impl AuthenticatedClient {
    /// Whether the client holds credentials (anything but `none`).
    pub fn is_confidential(&self) -> bool {
        self.kind() == ClientKind::Confidential
    }

    /// RFC 6749 §5.2 `unauthorized_client` unless the client registered `grant`.
    pub fn require_grant(&self, grant: GrantType) -> Result<(), OAuthError> {
        if self.registered_for(grant) {
            Ok(())
        } else {
            Err(OAuthError::unauthorized_client(format!(
                "the client is not registered for the {grant} grant"
            )))
        }
    }

    /// The scopes the client was registered for.
    pub fn allowed_scope(&self) -> Scope {
        Scope::parse(&self.scopes).unwrap_or_default()
    }
}

/// Credentials found in the request, before checking them.
enum Presented<'a> {
    Basic {
        id: String,
        secret: String,
    },
    Post {
        id: &'a str,
        secret: &'a str,
    },
    Assertion {
        id: Option<&'a str>,
        assertion: &'a str,
    },
    None {
        id: &'a str,
    },
}

/// Reads a form-encoded, client-authenticated request (revocation, introspection): its
/// parameters and the client that sent it.
pub async fn authenticated_form(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Params, AuthenticatedClient), OAuthError> {
    crate::http::form::require_form(headers)?;
    let params = Params::parse(body)?;
    let client = authenticate(state, headers, &params).await?;
    Ok((params, client))
}

/// Authenticates the client of a token/revocation/introspection request.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<AuthenticatedClient, OAuthError> {
    let presented = presented(headers, params)?;
    let used_basic = matches!(presented, Presented::Basic { .. });
    let fail = |msg: &str| {
        let e = OAuthError::invalid_client(msg.to_string());
        if used_basic {
            e.with_challenge(Challenge::Basic)
        } else {
            e
        }
    };
    let id: String = match &presented {
        Presented::Basic { id, .. } => id.clone(),
        Presented::Post { id, .. } | Presented::None { id } => id.to_string(),
        // OIDC Core §9: client_id may be omitted; the assertion's `sub` names the client.
        Presented::Assertion { id: Some(id), .. } => id.to_string(),
        Presented::Assertion {
            id: None,
            assertion,
        } => crate::oauth::client_auth::private_key_jwt::unverified_subject(assertion)
            .ok_or_else(|| fail("client authentication failed"))?,
    };
    // A cached registration that does not match may be stale (a secret rotated a moment ago):
    // read it again before refusing.
    let cached = state.clients.cached(&id);
    let mut client = match &cached {
        Some(row) => Some(row.clone()),
        None => state.clients.load(&state.store, &id).await?,
    };
    for attempt in 0..2 {
        let Some(row) = client else { break };
        if method_matches(state, &presented, &row).await? {
            return Ok(AuthenticatedClient {
                client: row,
                used_basic,
            });
        }
        if attempt == 1 || cached.is_none() {
            break;
        }
        client = state.clients.load(&state.store, &id).await?;
    }
    Err(fail("client authentication failed"))
}

/// Whether the presented credentials are the client's registered method and prove it.
async fn method_matches(
    state: &AppState,
    presented: &Presented<'_>,
    client: &ClientRow,
) -> Result<bool, OAuthError> {
    Ok(match (presented, client.auth_method) {
        (Presented::Basic { secret, .. }, AuthMethod::ClientSecretBasic) => {
            secret_matches(client, secret)
        }
        (Presented::Post { secret, .. }, AuthMethod::ClientSecretPost) => {
            secret_matches(client, secret)
        }
        (Presented::Assertion { assertion, .. }, AuthMethod::PrivateKeyJwt) => {
            crate::oauth::client_auth::private_key_jwt::verify(state, client, assertion).await?;
            true
        }
        (Presented::None { .. }, AuthMethod::None) => true,
        _ => false,
    })
}

/// Compares a presented secret with the stored hash in constant time.
fn secret_matches(client: &ClientRow, secret: &str) -> bool {
    client
        .secret_hash
        .as_deref()
        .is_some_and(|h| constant_time_eq(&sha256_hex(secret), h))
}

/// The credentials of an `Authorization: Basic` header value. The scheme name is
/// case-insensitive (RFC 7235 §2.1, RFC 7617 §2).
fn basic_credentials(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim_start().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("basic")
        .then(|| credentials.trim_start())
}

/// Reads the credentials; more than one method in one request is `invalid_request`
/// (RFC 6749 §2.3: "MUST NOT use more than one authentication method in each request").
fn presented<'a>(headers: &HeaderMap, params: &'a Params) -> Result<Presented<'a>, OAuthError> {
    let basic = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(basic_credentials);
    let secret = params.get("client_secret");
    let assertion = params.get("client_assertion");
    let count = usize::from(basic.is_some())
        + usize::from(secret.is_some())
        + usize::from(assertion.is_some());
    if count > 1 {
        return Err(OAuthError::invalid_request(
            "more than one client authentication method was used",
        ));
    }
    if let Some(b64) = basic {
        let (id, secret) = decode_basic(b64.trim()).ok_or_else(|| {
            OAuthError::invalid_client("malformed Basic credentials")
                .with_challenge(Challenge::Basic)
        })?;
        if params.get("client_id").is_some_and(|p| p != id) {
            return Err(OAuthError::invalid_request(
                "client_id differs from the authenticated client",
            ));
        }
        return Ok(Presented::Basic { id, secret });
    }
    if let Some(assertion) = assertion {
        // RFC 7523 §2.2
        if params.get("client_assertion_type")
            != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            return Err(OAuthError::invalid_request(
                "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ));
        }
        return Ok(Presented::Assertion {
            id: params.get("client_id"),
            assertion,
        });
    }
    let id = params
        .get("client_id")
        .ok_or_else(|| OAuthError::invalid_client("client authentication is required"))?;
    Ok(match secret {
        Some(secret) => Presented::Post { id, secret },
        None => Presented::None { id },
    })
}

/// RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined by ':' and base64'd.
fn decode_basic(b64: &str) -> Option<(String, String)> {
    let raw = STANDARD.decode(b64).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    let dec = |s: &str| {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.to_string())
    };
    let id = dec(id)?;
    let secret = dec(secret)?;
    // As in form parameters, control characters are refused (a NUL cannot reach PostgreSQL).
    let clean = |s: &str| !s.chars().any(char::is_control);
    (!id.is_empty() && clean(&id) && clean(&secret)).then_some((id, secret))
}

#[cfg(test)]
mod tests {
    use super::{basic_credentials, decode_basic};

    #[test]
    fn the_basic_scheme_is_case_insensitive() {
        for v in ["Basic abc", "basic abc", "BASIC abc", "bAsIc  abc"] {
            assert_eq!(basic_credentials(v), Some("abc"), "{v}");
        }
        for v in ["Bearer abc", "Basicabc", "Basic", "Digest Basic abc"] {
            assert_eq!(basic_credentials(v), None, "{v}");
        }
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        // "a%3Ab:s%2Bc" → id "a:b", secret "s+c"
        let b64 = base64::engine::general_purpose::STANDARD.encode("a%3Ab:s%2Bc");
        use base64::Engine;
        assert_eq!(decode_basic(&b64), Some(("a:b".into(), "s+c".into())));
        assert_eq!(decode_basic("!!!"), None);
        let nul = base64::engine::general_purpose::STANDARD.encode("a%00:b");
        assert_eq!(decode_basic(&nul), None);
    }
}
