//! The tokens Tessera issues: JWT access tokens (RFC 9068) and ID tokens (OIDC Core §2). Claims
//! are typed here; signing goes through [`crate::keys`].

pub mod id_token;
mod subject;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha512};

use crate::config::Config;
use crate::crypto::random_token;
use crate::domain::{Alg, Scope};
use crate::keys::{KeyError, KeyManager, VerifyError};
use crate::store::{Authz, Store, StoreResult};

/// How far ahead of this instance's clock a token's `iat` or `nbf` may be (clock skew between
/// instances).
pub const CLOCK_LEEWAY: i64 = 60;

/// `typ` header of JWT access tokens (RFC 9068 §2.1).
pub const ACCESS_TOKEN_TYP: &str = "at+jwt";

/// Mints and verifies the JWTs Tessera issues. Holds only what that needs: the signing keys,
/// the issuer, and the `[tokens]` and `[keys]` settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct TokenService {
    keys: KeyManager,
    issuer: String,
    /// `aud` of access tokens: `tokens.access_token_audience`, or the issuer.
    access_token_audience: String,
    access_token_alg: Alg,
    access_token_ttl: i64,
    /// The algorithm of ID tokens for clients that registered none Tessera signs with.
    id_token_alg: Alg,
    id_token_ttl: i64,
}

impl TokenService {
    /// The service for `config`, signing with `keys`.
    pub fn new(keys: KeyManager, config: &Config) -> Self {
        Self {
            keys,
            issuer: config.issuer.to_string(),
            access_token_audience: config
                .tokens
                .access_token_audience
                .clone()
                .unwrap_or_else(|| config.issuer.to_string()),
            access_token_alg: config.keys.access_token_alg,
            access_token_ttl: config.tokens.access_token_ttl.as_secs() as i64,
            id_token_alg: config.keys.id_token_alg,
            id_token_ttl: config.tokens.id_token_ttl.as_secs() as i64,
        }
    }

    /// The issuer every token names in `iss`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The signing keys.
    pub fn keys(&self) -> &KeyManager {
        &self.keys
    }
}

/// Claims of a JWT access token (RFC 9068 §2.2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    /// The user's subject, or the client_id for client_credentials.
    pub sub: String,
    pub aud: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    pub exp: i64,
    pub iat: i64,
    /// Never set by Tessera; read so that a token carrying one is held to it (RFC 7519 §4.1.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub jti: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    /// The OP session the token was issued in (for logout-time revocation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `roles`, `permissions`, `groups`, present only when granted.
    #[serde(flatten)]
    pub entitlements: Entitlements,
    /// Who acts on the subject's behalf, in a token issued by token exchange (RFC 8693 §4.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<Actor>,
    /// The key the token is bound to (RFC 7800 §3.1; DPoP: `jkt`, RFC 9449 §6.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cnf: Option<Confirmation>,
}

/// The `cnf` claim of a DPoP-bound token (RFC 9449 §6.1): the JWK SHA-256 thumbprint of the
/// key every use of the token must prove possession of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub jkt: String,
}

impl AccessClaims {
    /// The DPoP key thumbprint the token is bound to, if any.
    pub fn jkt(&self) -> Option<&str> {
        self.cnf.as_ref().map(|c| c.jkt.as_str())
    }
}

/// The `act` claim (RFC 8693 §4.1): the current actor, and inside it the actor before, when a
/// token already issued by exchange is exchanged again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<Box<Actor>>,
}

/// Where an exchanged token goes and who acts (RFC 8693 §2.1).
#[derive(Debug, Clone)]
pub struct Exchanged<'a> {
    /// The `aud` of the new token: the target service.
    pub aud: &'a str,
    pub act: Actor,
    /// The new token expires no later than the subject token.
    pub not_after: i64,
}

/// A freshly signed access token.
#[derive(Debug, Clone)]
pub struct MintedAccessToken {
    pub token: String,
    pub jti: String,
    pub exp: i64,
    pub expires_in: i64,
}

/// A new access-token id (`jti`, RFC 9068 §2.2): 128 random bits.
pub fn new_jti() -> String {
    random_token(16)
}

/// What an access token is about.
#[derive(Debug, Clone)]
pub struct AccessGrant<'a> {
    pub sub: &'a str,
    pub client_id: &'a str,
    pub scope: &'a str,
    pub auth_time: Option<i64>,
    pub sid: Option<&'a str>,
    /// Roles, permissions and groups to carry, already limited to what the scope allows
    /// (see [`user_entitlements`]).
    pub entitlements: &'a Entitlements,
    /// The DPoP key (thumbprint) the token is bound to, when the request carried a proof.
    pub jkt: Option<&'a str>,
}

impl TokenService {
    /// Signs an RFC 9068 access token with the configured access-token algorithm.
    pub fn mint_access_token(
        &self,
        grant: &AccessGrant<'_>,
        now: i64,
    ) -> Result<MintedAccessToken, KeyError> {
        self.mint(grant, new_jti(), None, now)
    }

    /// [`mint_access_token`](Self::mint_access_token) with a `jti` drawn (by [`new_jti`])
    /// beforehand, for a grant that records the token before it signs it.
    pub fn mint_access_token_as(
        &self,
        grant: &AccessGrant<'_>,
        jti: String,
        now: i64,
    ) -> Result<MintedAccessToken, KeyError> {
        self.mint(grant, jti, None, now)
    }

    /// Signs an access token issued by token exchange: `aud` the target service, `act` the
    /// acting client, expiring no later than the subject token.
    pub fn mint_exchanged_access_token(
        &self,
        grant: &AccessGrant<'_>,
        exchanged: Exchanged<'_>,
        now: i64,
    ) -> Result<MintedAccessToken, KeyError> {
        self.mint(grant, new_jti(), Some(exchanged), now)
    }

    fn mint(
        &self,
        grant: &AccessGrant<'_>,
        jti: String,
        exchanged: Option<Exchanged<'_>>,
        now: i64,
    ) -> Result<MintedAccessToken, KeyError> {
        let exp = match &exchanged {
            Some(x) => (now + self.access_token_ttl).min(x.not_after),
            None => now + self.access_token_ttl,
        };
        let (aud, act) = match exchanged {
            Some(x) => (x.aud.to_string(), Some(x.act)),
            None => (self.access_token_audience.clone(), None),
        };
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            sub: grant.sub.to_string(),
            aud,
            client_id: grant.client_id.to_string(),
            scope: grant.scope.to_string(),
            exp,
            iat: now,
            nbf: None,
            jti,
            auth_time: grant.auth_time,
            sid: grant.sid.map(str::to_string),
            entitlements: grant.entitlements.clone(),
            act,
            cnf: grant.jkt.map(|jkt| Confirmation {
                jkt: jkt.to_string(),
            }),
        };
        let token = self
            .keys
            .sign(self.access_token_alg, ACCESS_TOKEN_TYP, &claims)?;
        Ok(MintedAccessToken {
            token,
            jti: claims.jti,
            exp: claims.exp,
            expires_in: exp - now,
        })
    }

    /// The `aud` of access tokens: `tokens.access_token_audience`, or the issuer.
    pub fn access_token_audience(&self) -> &str {
        &self.access_token_audience
    }
}

/// Why an access token presented to Tessera is not acceptable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccessTokenError {
    #[error(transparent)]
    Signature(#[from] VerifyError),
    #[error("the token is not an access token")]
    WrongType,
    #[error("the token was not issued by this server")]
    WrongIssuer,
    #[error("the token is not meant for this server")]
    WrongAudience,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token has expired")]
    Expired,
}

impl TokenService {
    /// Verifies an access token meant for Tessera itself (userinfo): as
    /// [`verify_issued_access_token`](Self::verify_issued_access_token), and the audience must
    /// be this server (the issuer) or the configured access-token audience (RFC 9068 §4).
    pub fn verify_access_token(
        &self,
        token: &str,
        now: i64,
    ) -> Result<AccessClaims, AccessTokenError> {
        let claims = self.verify_issued_access_token(token, now)?;
        if !self.is_own_audience(&claims.aud) {
            return Err(AccessTokenError::WrongAudience);
        }
        Ok(claims)
    }

    /// Whether `aud` is the audience of the tokens Tessera issues outside token exchange.
    pub fn is_own_audience(&self, aud: &str) -> bool {
        aud == self.issuer || aud == self.access_token_audience
    }

    /// Verifies signature, `typ`, `iss`, `exp`, `nbf` and `iat` of an access token Tessera
    /// issued, whatever its audience (an exchanged token names another service): for
    /// introspection, revocation and token exchange, which then check the audience is one
    /// Tessera issues (`oauth::token::issued_audience`). Revocation is checked by the caller
    /// against the revocation list.
    pub fn verify_issued_access_token(
        &self,
        token: &str,
        now: i64,
    ) -> Result<AccessClaims, AccessTokenError> {
        let verified = self.keys.verify(token)?;
        if !verified.typ.as_deref().is_some_and(|t| {
            t.eq_ignore_ascii_case(ACCESS_TOKEN_TYP) || t.eq_ignore_ascii_case("application/at+jwt")
        }) {
            return Err(AccessTokenError::WrongType);
        }
        let claims: AccessClaims = verified.claims()?;
        if claims.iss != self.issuer {
            return Err(AccessTokenError::WrongIssuer);
        }
        if claims.exp <= now {
            return Err(AccessTokenError::Expired);
        }
        // RFC 7519 §4.1.5 and §4.1.6: not before `nbf`, and not issued in the future. Instances
        // sharing a database may disagree on the time by a little, hence the leeway.
        if claims.nbf.is_some_and(|nbf| nbf > now + CLOCK_LEEWAY) || claims.iat > now + CLOCK_LEEWAY
        {
            return Err(AccessTokenError::NotYetValid);
        }
        Ok(claims)
    }
}

/// `at_hash` / `c_hash` (OIDC Core §3.1.3.6): the left half of the hash the signing algorithm
/// uses, base64url. Ed25519 uses SHA-512 (OIDC Core errata / RFC 8037 practice).
pub fn half_hash(value: &str, alg: Alg) -> String {
    match alg {
        Alg::EdDSA => {
            let d = Sha512::digest(value.as_bytes());
            URL_SAFE_NO_PAD.encode(&d[..32])
        }
        Alg::RS256 | Alg::PS256 | Alg::ES256 => {
            let d = Sha256::digest(value.as_bytes());
            URL_SAFE_NO_PAD.encode(&d[..16])
        }
    }
}

/// The scope that puts `roles` and `permissions` claims in tokens and userinfo.
pub const ROLES_SCOPE: &str = "roles";
/// The scope that puts the `groups` claim in tokens and userinfo.
pub const GROUPS_SCOPE: &str = "groups";

/// The RBAC claims a token or userinfo response carries; `None` fields are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlements {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

impl Entitlements {
    /// A service account's roles and permissions (client_credentials carries them always).
    pub fn of_client(authz: &Authz) -> Self {
        if authz.roles.is_empty() {
            return Self::default();
        }
        Self {
            roles: Some(authz.roles.clone()),
            permissions: Some(authz.permissions.clone()),
            groups: None,
        }
    }
}

/// What a user holds, limited to what `scope` lets tokens carry: roles and permissions with
/// `roles`, groups with `groups`, nothing otherwise. Read at every issuance, so a role removed
/// is gone from the next token or refresh.
pub async fn user_entitlements(
    store: &Store,
    user_id: &str,
    scope: &Scope,
) -> StoreResult<Entitlements> {
    let roles = scope.contains(ROLES_SCOPE);
    let groups = scope.contains(GROUPS_SCOPE);
    if !roles && !groups {
        return Ok(Entitlements::default());
    }
    let authz = store.user_authz(user_id).await?;
    Ok(Entitlements {
        roles: roles.then_some(authz.roles),
        permissions: roles.then_some(authz.permissions),
        groups: groups.then_some(authz.groups),
    })
}
