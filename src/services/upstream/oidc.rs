//! An upstream OpenID Provider, through the `openidconnect` crate: discovery (cached), the
//! authorization URL with `nonce` and PKCE, the code exchange, and the ID token's validation
//! (OIDC Core §3.1.3.7) against the provider's JWKS, fetched again once when a `kid` is unknown
//! (OIDC Core §10.1.1: the provider rotated its keys).

use std::sync::Mutex;
use std::time::Duration;

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenVerifier, CoreJsonWebKeySet,
    CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    SignatureVerificationError, TokenResponse,
};

use super::{Upstream, UpstreamError, UpstreamIdentity, token_error};
use crate::clock::Clock;

/// How long discovered metadata (and its JWKS) is used before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// Shortest interval between two JWKS fetches caused by unknown `kid`s: a stream of forged
/// tokens must not make Tessera hammer the upstream.
const MIN_JWKS_REFETCH: Duration = Duration::from_secs(2);

/// The provider's discovered metadata and JWKS, cached.
#[derive(Debug)]
pub(super) struct Provider {
    clock: Clock,
    cached: Mutex<Option<Cached>>,
}

#[derive(Debug, Clone)]
struct Cached {
    metadata: CoreProviderMetadata,
    /// Unix milliseconds of the discovery, and of the last JWKS fetch.
    discovered: i64,
    jwks_fetched: i64,
}

impl Provider {
    pub(super) fn new(clock: Clock) -> Self {
        Self {
            clock,
            cached: Mutex::new(None),
        }
    }

    fn cached(&self) -> Option<Cached> {
        self.cached
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn store(&self, c: Cached) {
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = Some(c);
    }

    fn age(&self, since: i64) -> Duration {
        Duration::from_millis(self.clock.now_millis().saturating_sub(since).max(0) as u64)
    }

    /// The metadata and JWKS: from the cache while fresh, else discovered again.
    async fn metadata(&self, u: &Upstream) -> Result<CoreProviderMetadata, UpstreamError> {
        if let Some(c) = self.cached()
            && self.age(c.discovered) < METADATA_TTL
        {
            return Ok(c.metadata);
        }
        let issuer = u.config.issuer.as_ref().map(|i| i.as_str()).unwrap_or("");
        let issuer = IssuerUrl::new(issuer.to_string())
            .map_err(|e| UpstreamError::Unreachable(format!("issuer: {e}")))?;
        // discover_async also checks that the document names this issuer (OIDC Discovery §4.3).
        let metadata = CoreProviderMetadata::discover_async(issuer, &u.http)
            .await
            .map_err(|e| UpstreamError::Unreachable(format!("discovery: {}", chain(&e))))?;
        let now = self.clock.now_millis();
        self.store(Cached {
            metadata: metadata.clone(),
            discovered: now,
            jwks_fetched: now,
        });
        Ok(metadata)
    }

    /// The metadata with its JWKS fetched again, unless that was done a moment ago (`None`).
    async fn refetch_jwks(
        &self,
        u: &Upstream,
        metadata: CoreProviderMetadata,
    ) -> Result<Option<CoreProviderMetadata>, UpstreamError> {
        let last = self.cached().map(|c| c.jwks_fetched).unwrap_or(0);
        if self.age(last) < MIN_JWKS_REFETCH {
            return Ok(None);
        }
        let jwks = CoreJsonWebKeySet::fetch_async(metadata.jwks_uri(), &u.http)
            .await
            .map_err(|e| UpstreamError::Unreachable(format!("JWKS: {}", chain(&e))))?;
        let metadata = metadata.set_jwks(jwks);
        let now = self.clock.now_millis();
        self.store(Cached {
            metadata: metadata.clone(),
            discovered: self.cached().map(|c| c.discovered).unwrap_or(now),
            jwks_fetched: now,
        });
        Ok(Some(metadata))
    }
}

/// Tessera as a client of a discovered provider: authorization and token endpoints set,
/// userinfo when advertised.
type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The client Tessera is at the upstream, from its metadata.
fn client(u: &Upstream, metadata: CoreProviderMetadata) -> Result<Client, UpstreamError> {
    let redirect = RedirectUrl::new(u.callback.clone())
        .map_err(|e| UpstreamError::Unreachable(format!("callback URL: {e}")))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(u.config.client_id.clone()),
        u.config
            .client_secret
            .as_ref()
            .map(|s| ClientSecret::new(s.expose().to_string())),
    )
    .set_redirect_uri(redirect))
}

/// The upstream's authorization URL for a new sign-in.
pub(super) async fn authorization_url(
    u: &Upstream,
    state: String,
    nonce: String,
    challenge: PkceCodeChallenge,
) -> Result<String, UpstreamError> {
    let metadata = u.oidc.metadata(u).await?;
    let client = client(u, metadata)?;
    let (url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(state),
            move || Nonce::new(nonce),
        )
        .add_scopes(u.scopes())
        .set_pkce_challenge(challenge)
        .url();
    Ok(url.to_string())
}

/// Redeems the code and validates the ID token; the userinfo endpoint fills in an email or
/// username the ID token does not carry.
pub(super) async fn finish(
    u: &Upstream,
    code: String,
    pkce_verifier: String,
    nonce: String,
) -> Result<UpstreamIdentity, UpstreamError> {
    let metadata = u.oidc.metadata(u).await?;
    let c = client(u, metadata.clone())?;
    let tokens = c
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| UpstreamError::Unreachable(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
        .request_async(&u.http)
        .await
        .map_err(token_error)?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| UpstreamError::Refused("the token response has no ID token".into()))?;
    let nonce = Nonce::new(nonce);
    let claims = match id_token.claims(&verifier(u, &c), &nonce) {
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        )) => {
            // A kid we do not know: the upstream may have rotated its keys since we looked.
            let Some(fresh) = u.oidc.refetch_jwks(u, metadata).await? else {
                return Err(UpstreamError::Refused("no key of the upstream fits".into()));
            };
            let fresh = client(u, fresh)?;
            id_token.claims(&verifier(u, &fresh), &nonce).cloned()
        }
        other => other.cloned(),
    }
    .map_err(|e| UpstreamError::Refused(format!("ID token: {e}")))?;
    let mut identity = UpstreamIdentity {
        subject: claims.subject().to_string(),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
        username: claims.preferred_username().map(|n| n.to_string()),
        amr: claims
            .auth_method_refs()
            .map(|v| v.iter().map(|m| m.to_string()).collect())
            .unwrap_or_default(),
    };
    if identity.email.is_none() || identity.username.is_none() {
        fill_from_userinfo(&c, u, tokens.access_token().clone(), &mut identity).await;
    }
    Ok(identity)
}

/// The ID token verifier: this upstream's issuer and our client id (`aud`, `azp`), asymmetric
/// algorithms only (RFC 8725 §3.1), `exp` against our clock.
fn verifier<'a>(u: &'a Upstream, c: &'a Client) -> CoreIdTokenVerifier<'a> {
    let clock = u.oidc.clock.clone();
    c.id_token_verifier()
        .set_allowed_algs([
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            CoreJwsSigningAlgorithm::RsaSsaPssSha256,
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            CoreJwsSigningAlgorithm::EdDsa,
        ])
        .set_time_fn(move || chrono::DateTime::from_timestamp(clock.now(), 0).unwrap_or_default())
}

/// Reads the userinfo endpoint (same `sub` required) for what the ID token left out; a failure
/// there only leaves those claims out.
async fn fill_from_userinfo(
    c: &Client,
    u: &Upstream,
    access_token: openidconnect::AccessToken,
    identity: &mut UpstreamIdentity,
) {
    let subject = openidconnect::SubjectIdentifier::new(identity.subject.clone());
    let Ok(request) = c.user_info(access_token, Some(subject)) else {
        return;
    };
    let info: CoreUserInfoClaims = match request.request_async(&u.http).await {
        Ok(info) => info,
        Err(e) => {
            tracing::info!(upstream = %u.config.id, error = %e, "upstream userinfo failed");
            return;
        }
    };
    if identity.email.is_none() {
        identity.email = info.email().map(|e| e.to_string());
        identity.email_verified = info.email_verified().unwrap_or(false);
    }
    if identity.username.is_none() {
        identity.username = info.preferred_username().map(|n| n.to_string());
    }
    if identity.name.is_none() {
        identity.name = info.name().and_then(|n| n.get(None)).map(|n| n.to_string());
    }
}

/// An error with its causes, for a log line (openidconnect's own messages are terse).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}
