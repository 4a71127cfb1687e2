//! Logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4): the signed statement sent to a
//! client's `backchannel_logout_uri` when a session it signed in to ends.

use serde::{Deserialize, Serialize};

use crate::crypto::random_token;
use crate::keys::KeyError;
use crate::store::ClientRow;

use crate::tokens::TokenService;

/// `typ` header of logout tokens: explicit typing keeps them from being taken for ID tokens
/// (Back-Channel Logout 1.0 §2.4, §4.1; RFC 8725 §3.11).
pub const LOGOUT_TOKEN_TYP: &str = "logout+jwt";

/// The member of `events` that declares a JWT a logout token (§2.4).
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// How long a logout token is valid: it is delivered at once, so a short life limits replay
/// (§2.4 recommends about two minutes).
pub const LOGOUT_TOKEN_TTL: i64 = 120;

/// The claims of a logout token. There is deliberately no `nonce` field: §2.4 forbids it, so a
/// logout token can never pass for an ID token in an authentication response.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogoutTokenClaims {
    pub iss: String,
    /// The client being notified.
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// `{"http://schemas.openid.net/event/backchannel-logout": {}}`.
    pub events: serde_json::Map<String, serde_json::Value>,
    /// The person's subject; with `sid`, the RP may end that one session or all of the person's.
    pub sub: String,
    /// The OP session that ended, as given to the client in its ID tokens.
    pub sid: String,
}

/// Signs a logout token for `client` about session `sid` of the person `user_id` (named by the
/// `sub` the client knows them by), with the client's ID-token algorithm (§2.4: logout tokens
/// are signed with the same keys as ID tokens).
pub fn mint_logout_token(
    tokens: &TokenService,
    client: &ClientRow,
    user_id: &str,
    sid: &str,
    now: i64,
) -> Result<String, KeyError> {
    let mut events = serde_json::Map::new();
    events.insert(
        BACKCHANNEL_LOGOUT_EVENT.to_string(),
        serde_json::Value::Object(serde_json::Map::new()),
    );
    let claims = LogoutTokenClaims {
        iss: tokens.issuer().to_string(),
        aud: client.client_id.clone(),
        iat: now,
        exp: now + LOGOUT_TOKEN_TTL,
        jti: random_token(16),
        events,
        sub: tokens.subject(client, user_id),
        sid: sid.to_string(),
    };
    tokens
        .keys()
        .sign(tokens.id_token_alg(client), LOGOUT_TOKEN_TYP, &claims)
}
