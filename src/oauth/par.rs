//! The pushed authorization request endpoint (`POST /par`, RFC 9126).
//!
//! The client authenticates as at the token endpoint (every method; a public client names
//! itself with `client_id`), sends the authorization parameters (or a signed request object,
//! RFC 9101) in the body, and gets back a `request_uri` to send the browser to `/authorize`
//! with. The parameters are checked here by the authorization endpoint's own pipeline
//! ([`authorize::check_request`]), so a bad one is a JSON error now rather than a redirect
//! later. The request is kept in the database (any instance can take it), bound to the client,
//! for [`LIFETIME`] seconds, and taken once.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::crypto::{random_token, sha256_hex};
use crate::error::OAuthError;
use crate::http::client_ip::ClientIp;
use crate::http::form::{Params, require_form};
use crate::http::paths;
use crate::oauth::authorize::{self, Arrival, AuthzError, REQUEST_URI_PREFIX};
use crate::oauth::client_auth::authenticate;
use crate::oauth::cors::CorsSubject;
use crate::oauth::dpop::{self, Audience};
use crate::oauth::request_object;
use crate::oauth::revoke::no_store;
use crate::oauth::token::rate_limit;
use crate::services::dpop::Proof;
use crate::state::AppState;

/// Seconds a pushed request may wait for its `/authorize` (RFC 9126 §2.2: short-lived).
pub const LIFETIME: i64 = 60;

/// Client authentication parameters: they prove the client here and are not part of the
/// authorization request that is kept.
const CLIENT_AUTH: &[&str] = &["client_secret", "client_assertion", "client_assertion_type"];

/// `POST /par`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn par(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    cors: CorsSubject,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    require_form(&headers)?;
    let params = Params::parse(&body)?;
    let client = authenticate(&state, &headers, &params).await?;
    cors.set(&client.client_id);
    rate_limit(&state, &client, ip)?;
    // RFC 9126 §2.1: a pushed request cannot itself point to another.
    if params.get("request_uri").is_some() {
        return Err(OAuthError::invalid_request(
            "request_uri is not allowed in a pushed authorization request",
        ));
    }
    let proof = dpop::optional_proof(
        &state,
        &headers,
        "POST",
        paths::PAR,
        None,
        Audience::AuthorizationServer,
    )
    .await?;
    let (mut params, arrival) = match params.get("request") {
        Some(object) => {
            let resolved = request_object::resolve(&state, &client, &params, object).await?;
            (resolved, Arrival::Pushing { signed: true })
        }
        None => {
            let mut own = params.clone().without(CLIENT_AUTH);
            own.set("client_id", &client.client_id);
            (own, Arrival::Pushing { signed: false })
        }
    };
    if let Some(proof) = &proof {
        bind_code_to(&mut params, proof)?;
    }
    authorize::check_request(&state.config, &client, &params, arrival).map_err(as_json)?;
    let request_uri = format!("{REQUEST_URI_PREFIX}{}", random_token(32));
    state
        .store
        .push_request(
            &sha256_hex(&request_uri),
            &client.client_id,
            &params.to_json(),
            state.now() + LIFETIME,
        )
        .await?;
    // RFC 9126 §2.2: 201 Created.
    let body = json!({"request_uri": request_uri, "expires_in": LIFETIME});
    Ok(no_store((StatusCode::CREATED, Json(body)).into_response()))
}

/// RFC 9449 §10.1: a DPoP proof at PAR binds the code to its key, as `dpop_jkt` does; when both
/// come they must name the same key (the RFC leaves the code open: `invalid_request`, as
/// node-oidc-provider answers).
fn bind_code_to(params: &mut Params, proof: &Proof) -> Result<(), OAuthError> {
    match params.get("dpop_jkt") {
        None => {
            params.set("dpop_jkt", &proof.jkt);
            Ok(())
        }
        Some(jkt) if jkt == proof.jkt => Ok(()),
        Some(_) => Err(OAuthError::invalid_request(
            "dpop_jkt does not match the key of the DPoP proof",
        )),
    }
}

/// The pipeline's refusals as RFC 9126 §2.3 errors. A redirect URI the client did not register
/// would have been a page at `/authorize`: here it is `invalid_request` (RFC 6749 §4.1.2.1 names
/// no code for it; nothing is redirected from this endpoint).
fn as_json(e: AuthzError) -> OAuthError {
    match e {
        AuthzError::Page(page) => OAuthError::invalid_request(page.english()),
        AuthzError::Redirect(_, e) => e,
    }
}
