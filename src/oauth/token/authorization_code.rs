//! The authorization_code grant (RFC 6749 §4.1.3, OIDC Core §3.1.3, RFC 7636 §4.6): redeem a
//! code once, check what it is bound to, and issue an access token, an ID token and, for
//! `offline_access`, a refresh token (OIDC Core §11).

use crate::audit::{AuditEvent, Grant};
use crate::crypto::{constant_time_eq, random_token, sha256_b64url, sha256_hex};
use crate::domain::{Amr, GrantType, Scope};
use crate::error::OAuthError;
use crate::http::form::Params;
use crate::oauth::client_auth::AuthenticatedClient;
use crate::services::dpop::Proof;
use crate::state::AppState;
use crate::store::{CodeRow, CodeTokens, NewRefreshFamily, Redemption};
use crate::tokens::id_token::IdTokenInput;
use crate::tokens::{AccessGrant, MintedAccessToken, new_jti, user_entitlements};

use super::TokenResponse;

/// Exchanges a code for tokens.
#[tracing::instrument(level = "debug", skip_all, fields(client_id = %client.client_id))]
pub async fn handle(
    state: &AppState,
    client: &AuthenticatedClient,
    params: &Params,
    proof: Option<&Proof>,
) -> Result<TokenResponse, OAuthError> {
    client.require_grant(GrantType::AuthorizationCode)?;
    let code_hash = sha256_hex(params.require("code")?);
    let now = state.now();
    // The ids of the tokens this code will issue are drawn first and recorded with the
    // redemption (one statement), so a replay can revoke them (RFC 6749 §4.1.2). A family is
    // drawn only for a client that may refresh; when the scope brings no refresh token, it
    // stays empty and revoking it does nothing.
    let access_jti = new_jti();
    let family_id = client
        .registered_for(GrantType::RefreshToken)
        .then(|| random_token(16));
    let issues = CodeTokens {
        access_jti: &access_jti,
        refresh_family_id: family_id.as_deref(),
    };
    let (code, version) = match state
        .store
        .redeem_code(&code_hash, &client.client.client_id, now, &issues)
        .await?
    {
        Redemption::Redeemed(redeemed) => (redeemed.row, redeemed.version),
        Redemption::Reused(code) => {
            revoke_issued(state, &code, now).await?;
            AuditEvent::CodeReused {
                client_id: &client.client.client_id,
                sub: &code.user_id,
            }
            .emit();
            return Err(OAuthError::invalid_grant("the code has already been used"));
        }
        // RFC 6749 §4.1.3: the code must have been issued to the authenticated client. Another
        // client's attempt neither spends the code nor revokes what it issued.
        Redemption::OtherClient => {
            return Err(OAuthError::invalid_grant(
                "the code was issued to another client",
            ));
        }
        Redemption::Unknown => return Err(OAuthError::invalid_grant("the code is not valid")),
    };
    check_binding(client, &code, params, now)?;
    check_pkce(&code, params.get("code_verifier"))?;
    check_dpop_jkt(&code, proof)?;
    // The user as of the redemption: this instance's copy when nothing changed since it was
    // read (`services::people_cache`).
    let user = state
        .people
        .user_as_of(&state.store, &code.user_id, version)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| OAuthError::invalid_grant("the user can no longer sign in"))?;
    let scope = Scope::parse(&code.scope).unwrap_or_default();
    let client_id = &client.client_id;
    let entitlements = user_entitlements(&state.store, &user.id, &scope).await?;
    let sub = state
        .tokens
        .issue_subject(&state.store, client, &user.id)
        .await?;
    let access = state.tokens.mint_access_token_as(
        &AccessGrant {
            sub: &sub,
            client_id,
            scope: &code.scope,
            auth_time: Some(code.auth_time),
            sid: code.session_id.as_deref(),
            entitlements: &entitlements,
            jkt: proof.map(|p| p.jkt.as_str()),
        },
        access_jti,
        now,
    )?;
    // OIDC Core §3.1.3.3: an ID token when the request was an OpenID one.
    let id_token = scope
        .contains("openid")
        .then(|| {
            let input = IdTokenInput {
                user: &user,
                client,
                scope: &scope,
                nonce: code.nonce.as_deref(),
                auth_time: code.auth_time,
                amr: &Amr::from_stored(code.amr.as_deref()),
                sid: code.session_id.as_deref(),
                access_token: Some(&access.token),
                entitlements: &entitlements,
            };
            state.tokens.mint_id_token(&input, now)
        })
        .transpose()?;
    let refresh = match &family_id {
        Some(family_id) => {
            let grant = RefreshFor {
                dpop_jkt: refresh_binding(client, proof),
                ..RefreshFor::code(&code)
            };
            issue_refresh(state, client, &grant, &scope, family_id, &access, now).await?
        }
        None => None,
    };
    AuditEvent::TokenIssued {
        grant: Grant::AuthorizationCode {
            sub: &user.id,
            refresh: refresh.is_some(),
        },
        client_id,
        jti: &access.jti,
    }
    .emit();
    Ok(TokenResponse {
        access_token: access.token,
        token_type: super::token_type(proof),
        expires_in: access.expires_in,
        refresh_token: refresh,
        id_token,
        scope: code.scope,
        issued_token_type: None,
    })
}

/// The code belongs to this client, is fresh, and comes with the redirect_uri it was issued for
/// (RFC 6749 §4.1.3). The URI may be left out only when the client has exactly one.
fn check_binding(
    client: &AuthenticatedClient,
    code: &CodeRow,
    params: &Params,
    now: i64,
) -> Result<(), OAuthError> {
    if code.client_id != client.client_id {
        return Err(OAuthError::invalid_grant(
            "the code was issued to another client",
        ));
    }
    if code.expires_at <= now {
        return Err(OAuthError::invalid_grant("the code has expired"));
    }
    let uri_ok = match params.get("redirect_uri") {
        Some(uri) => uri == code.redirect_uri,
        None => client.redirect_uris.len() == 1,
    };
    if !uri_ok {
        return Err(OAuthError::invalid_grant(
            "redirect_uri differs from the authorization request",
        ));
    }
    Ok(())
}

/// RFC 7636 §4.6: BASE64URL(SHA256(verifier)) equals the challenge. A verifier without a
/// challenge is refused too (RFC 9700 §4.8.2, PKCE downgrade).
fn check_pkce(code: &CodeRow, verifier: Option<&str>) -> Result<(), OAuthError> {
    match (&code.code_challenge, verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(OAuthError::invalid_grant(
            "code_verifier sent, but the authorization request had no code_challenge",
        )),
        (Some(_), None) => Err(OAuthError::invalid_grant("code_verifier is required")),
        (Some(challenge), Some(v)) => {
            // RFC 7636 §4.1: 43–128 unreserved characters.
            let well_formed = (43..=128).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
            if well_formed && constant_time_eq(&sha256_b64url(v), challenge) {
                Ok(())
            } else {
                Err(OAuthError::invalid_grant(
                    "code_verifier does not match the code_challenge",
                ))
            }
        }
    }
}

/// RFC 9449 §10.1: a code issued with `dpop_jkt` is redeemed only with a proof by that key.
/// The grant is what is bound, so a missing or other key is `invalid_grant`.
fn check_dpop_jkt(code: &CodeRow, proof: Option<&Proof>) -> Result<(), OAuthError> {
    let Some(jkt) = &code.dpop_jkt else {
        return Ok(());
    };
    match proof {
        Some(p) if constant_time_eq(&p.jkt, jkt) => Ok(()),
        Some(_) => Err(OAuthError::invalid_grant(
            "the DPoP proof's key is not the one the code is bound to (dpop_jkt)",
        )),
        None => Err(OAuthError::invalid_grant(
            "the code is bound to a DPoP key (dpop_jkt): a DPoP proof is required",
        )),
    }
}

/// RFC 9449 §5: the key a new refresh family is bound to. A public client's refresh tokens are
/// bound to its proof's key; a confidential client's are not, as it authenticates anyway.
pub(super) fn refresh_binding<'a>(
    client: &AuthenticatedClient,
    proof: Option<&'a Proof>,
) -> Option<&'a str> {
    proof
        .filter(|_| !client.is_confidential())
        .map(|p| p.jkt.as_str())
}

/// The grant a refresh family continues: whose, for what, from which sign-in.
pub(super) struct RefreshFor<'a> {
    pub user_id: &'a str,
    pub scope: &'a str,
    pub auth_time: i64,
    /// How the person signed in (`amr`, as stored), repeated in refreshed ID tokens.
    pub amr: &'a str,
    pub session_id: Option<&'a str>,
    /// The DPoP key the family is bound to ([`refresh_binding`]).
    pub dpop_jkt: Option<&'a str>,
}

impl<'a> RefreshFor<'a> {
    fn code(code: &'a CodeRow) -> Self {
        Self {
            user_id: &code.user_id,
            scope: &code.scope,
            auth_time: code.auth_time,
            amr: code.amr.as_deref().unwrap_or("pwd"),
            session_id: code.session_id.as_deref(),
            dpop_jkt: None,
        }
    }
}

/// A refresh token of family `family_id`, when the client may refresh and `offline_access` was
/// granted (OIDC Core §11).
pub(super) async fn issue_refresh(
    state: &AppState,
    client: &AuthenticatedClient,
    grant: &RefreshFor<'_>,
    scope: &Scope,
    family_id: &str,
    access: &MintedAccessToken,
    now: i64,
) -> Result<Option<String>, OAuthError> {
    let wanted = scope.contains("offline_access") && client.registered_for(GrantType::RefreshToken);
    if !wanted {
        return Ok(None);
    }
    let tokens = &state.config.tokens;
    let family_expires_at = now + tokens.refresh_absolute_ttl.as_secs() as i64;
    let token = random_token(32);
    state
        .store
        .create_refresh_family(&NewRefreshFamily {
            family_id,
            client_id: &client.client_id,
            user_id: grant.user_id,
            scope: grant.scope,
            auth_time: grant.auth_time,
            amr: grant.amr,
            session_id: grant.session_id,
            now,
            family_expires_at,
            token_hash: &sha256_hex(&token),
            token_expires_at: (now + tokens.refresh_idle_ttl.as_secs() as i64)
                .min(family_expires_at),
            access_jti: Some(&access.jti),
            dpop_jkt: grant.dpop_jkt,
        })
        .await?;
    Ok(Some(token))
}

/// RFC 6749 §4.1.2: a code used twice revokes the tokens it issued.
async fn revoke_issued(state: &AppState, code: &CodeRow, now: i64) -> Result<(), OAuthError> {
    if let Some(jti) = &code.access_jti {
        let until = now + state.config.tokens.access_token_ttl.as_secs() as i64;
        state
            .revocations
            .revoke_access_token(&state.store, jti, until)
            .await?;
    }
    if let Some(family) = &code.refresh_family_id {
        state
            .revocations
            .revoke_family(&state.store, family)
            .await?;
    }
    Ok(())
}
