//! Signed request objects (JAR, RFC 9101), accepted at `/authorize` and at `/par`.
//!
//! The rules, in order:
//! 1. the object verifies with a key from the client's registered `jwks` or `jwks_uri` (the
//!    algorithm pinned to the key and, when registered, to `request_object_signing_alg`): `none`,
//!    HMAC and foreign keys never verify (RFC 9101 §6.2, RFC 8725 §3.1);
//! 2. `typ`, when present, is `oauth-authz-req+jwt` or `JWT` (RFC 9101 §10.8: no other kind of
//!    JWT can pass as a request);
//! 3. `iss` is the client_id and `aud` the issuer (§10.2); `client_id` inside, when present, is
//!    the one outside (§5);
//! 4. `exp` present, not passed, at most [`MAX_LIFETIME`] ahead; `nbf` and `iat`, if present,
//!    not in the future;
//! 5. `jti` present and never seen before for this client, remembered until `exp` in the
//!    database, so a replay fails on every instance;
//! 6. no `request` or `request_uri` inside (§4).
//!
//! The object's claims then REPLACE the parameters outside it (§6.3): only `client_id` is kept.
//! Every failure is `invalid_request_object`; the reason goes to the log, never the object.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{ErrorCode, OAuthError};
use crate::http::form::Params;
use crate::oauth::client_auth::private_key_jwt::{Audience, verify_signature};
use crate::state::AppState;
use crate::store::ClientRow;

/// Longest accepted time between now and a request object's `exp`.
pub const MAX_LIFETIME: i64 = 3600;
/// Clock skew tolerated on `exp`, `nbf` and `iat`.
const LEEWAY: i64 = 30;
/// The `typ` RFC 9101 §10.8 registers for request objects.
const TYP: &str = "oauth-authz-req+jwt";
/// JWT claims that say something about the object itself, not the authorization request.
const ENVELOPE: &[&str] = &["iss", "aud", "exp", "nbf", "iat", "jti", "sub"];

/// The claims checked before the parameters are read.
#[derive(Debug, Deserialize)]
struct Envelope {
    iss: Option<String>,
    #[serde(default)]
    aud: Audience,
    exp: Option<i64>,
    nbf: Option<i64>,
    iat: Option<i64>,
    jti: Option<String>,
}

/// Verifies `client`'s request object and returns the authorization parameters it carries (with
/// the client's `client_id`), or `invalid_request_object`.
pub async fn resolve(
    state: &AppState,
    client: &ClientRow,
    outer: &Params,
    object: &str,
) -> Result<Params, OAuthError> {
    let refuse = |why: &str| {
        tracing::info!(client_id = %client.client_id, reason = why, "request object refused");
        OAuthError::new(
            ErrorCode::InvalidRequestObject,
            format!("the request object was refused: {why}"),
        )
    };
    let algs = client.request_policy.request_object_algs();
    let verified = verify_signature(state, client, object, &algs)
        .await
        .map_err(|_| refuse("it is not signed by a registered key with an allowed algorithm"))?;
    if verified
        .typ
        .as_deref()
        .is_some_and(|t| !t.eq_ignore_ascii_case(TYP) && !t.eq_ignore_ascii_case("JWT"))
    {
        return Err(refuse("typ must be oauth-authz-req+jwt"));
    }
    let claims: serde_json::Map<String, Value> =
        verified.claims().map_err(|_| refuse("malformed claims"))?;
    let envelope: Envelope = serde_json::from_value(Value::Object(claims.clone()))
        .map_err(|_| refuse("malformed claims"))?;
    let id = client.client_id.as_str();
    if envelope.iss.as_deref() != Some(id) {
        return Err(refuse("iss must be the client_id"));
    }
    if !envelope.aud.contains(state.config.issuer.as_str()) {
        return Err(refuse("aud must be the issuer"));
    }
    if outer.get("client_id").is_some_and(|c| c != id)
        || claims
            .get("client_id")
            .is_some_and(|c| c.as_str() != Some(id))
    {
        return Err(refuse("client_id differs from the client's"));
    }
    let now = state.now();
    let exp = envelope.exp.ok_or_else(|| refuse("exp is missing"))?;
    if exp + LEEWAY <= now {
        return Err(refuse("expired"));
    }
    if exp > now + MAX_LIFETIME + LEEWAY {
        return Err(refuse("exp is too far in the future"));
    }
    if envelope.nbf.is_some_and(|t| t > now + LEEWAY)
        || envelope.iat.is_some_and(|t| t > now + LEEWAY)
    {
        return Err(refuse("not yet valid"));
    }
    if claims.contains_key("request") || claims.contains_key("request_uri") {
        return Err(refuse(
            "request and request_uri may not be inside a request object",
        ));
    }
    let params = parameters(&claims, id).map_err(|_| refuse("a parameter is malformed"))?;
    let jti = envelope.jti.filter(|j| !j.is_empty() && j.len() <= 256);
    let jti = jti.ok_or_else(|| refuse("jti is missing"))?;
    if !state
        .store
        .remember_request_object(id, &jti, exp + LEEWAY)
        .await?
    {
        tracing::warn!(client_id = %id, "request object replayed");
        return Err(refuse("jti was already used"));
    }
    Ok(params)
}

/// The authorization parameters among the claims, as form parameters: strings as they are,
/// numbers and booleans as text, objects (`claims`) as JSON; the same checks as a query string.
fn parameters(
    claims: &serde_json::Map<String, Value>,
    client_id: &str,
) -> Result<Params, OAuthError> {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in claims {
        if ENVELOPE.contains(&name.as_str()) || name == "client_id" {
            continue;
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        form.append_pair(name, &text);
    }
    form.append_pair("client_id", client_id);
    Params::parse(form.finish().as_bytes())
}
