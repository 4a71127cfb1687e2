//! ID tokens (OIDC Core §2, §3.1.3.6) and the user claims released by scope (OIDC Core §5.4),
//! shared by the token endpoint (authorization_code and refresh_token grants) and userinfo.

use serde::{Deserialize, Serialize};

use crate::domain::{Alg, Amr, Scope};
use crate::keys::KeyError;
use crate::store::{ClientRow, UserRow};

use super::{Entitlements, TokenService, half_hash};

/// `typ` header of ID tokens.
pub const ID_TOKEN_TYP: &str = "JWT";

/// Claims about the person, by scope: `profile` → name, preferred_username; `email` → email,
/// email_verified.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UserClaims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the person followed a verification link sent to `email` (`users.email_verified`;
    /// only possible with `[email]` configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
}

impl UserClaims {
    /// The claims `scope` releases about `user`.
    pub fn for_scope(user: &UserRow, scope: &Scope) -> Self {
        let mut c = UserClaims::default();
        if scope.contains("profile") {
            c.name = user.name.clone();
            c.preferred_username = Some(user.username.clone());
        }
        if scope.contains("email") && user.email.is_some() {
            c.email = user.email.clone();
            c.email_verified = Some(user.email_verified);
        }
        c
    }
}

/// The claims of an ID token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdTokenClaims {
    pub iss: String,
    /// The person as this client sees them ([`TokenService::subject`]), never the username.
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<String>,
    /// The client the token was issued to (OIDC Core §2).
    pub azp: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Authentication methods (RFC 8176): `["pwd"]`, `["pwd", "otp", "mfa"]`.
    pub amr: Vec<String>,
    /// The assurance level the sign-in met (OIDC Core §2), one of `acr_values_supported`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    #[serde(flatten)]
    pub user: UserClaims,
    /// `roles`, `permissions`, `groups` when their scopes were granted.
    #[serde(flatten)]
    pub entitlements: Entitlements,
}

/// What an ID token is about.
#[derive(Debug, Clone)]
pub struct IdTokenInput<'a> {
    pub user: &'a UserRow,
    pub client: &'a ClientRow,
    pub scope: &'a Scope,
    /// Only from the authorization request; a refresh must not repeat it (OIDC Core §12.2).
    pub nonce: Option<&'a str>,
    pub auth_time: i64,
    /// How the person signed in: gives `amr` and `acr`.
    pub amr: &'a Amr,
    pub sid: Option<&'a str>,
    /// The access token issued alongside, hashed into `at_hash`.
    pub access_token: Option<&'a str>,
    /// RBAC claims, already limited by scope ([`super::user_entitlements`]).
    pub entitlements: &'a Entitlements,
}

impl TokenService {
    /// The algorithm of the client's ID tokens: its registered one if Tessera signs with it,
    /// else `keys.id_token_alg`.
    pub fn id_token_alg(&self, client: &ClientRow) -> Alg {
        client
            .id_token_alg
            .filter(|a| self.keys.algorithms().contains(a))
            .unwrap_or(self.id_token_alg)
    }

    /// Signs an ID token.
    pub fn mint_id_token(&self, input: &IdTokenInput<'_>, now: i64) -> Result<String, KeyError> {
        let alg = self.id_token_alg(input.client);
        let claims = IdTokenClaims {
            iss: self.issuer.clone(),
            sub: self.subject(input.client, &input.user.id),
            aud: input.client.client_id.clone(),
            exp: now + self.id_token_ttl,
            iat: now,
            auth_time: input.auth_time,
            nonce: input.nonce.map(str::to_string),
            at_hash: input.access_token.map(|t| half_hash(t, alg)),
            azp: input.client.client_id.clone(),
            sid: input.sid.map(str::to_string),
            amr: input.amr.values().iter().map(|m| m.to_string()).collect(),
            acr: Some(input.amr.acr().to_string()),
            user: UserClaims::for_scope(input.user, input.scope),
            entitlements: input.entitlements.clone(),
        };
        self.keys.sign(alg, ID_TOKEN_TYP, &claims)
    }
}
