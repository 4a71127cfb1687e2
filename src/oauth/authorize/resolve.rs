//! Where an authorization request's parameters come from: the pushed request a PAR
//! `request_uri` names (RFC 9126 §4), a signed `request` object (RFC 9101 §5), or the query
//! itself. Either way, what the rest of the pipeline checks is one set of parameters.

use crate::crypto::sha256_hex;
use crate::domain::ResponseMode;
use crate::error::{ErrorCode, OAuthError, PageError};
use crate::http::form::Params;
use crate::oauth::request_object;
use crate::state::AppState;
use crate::store::ClientRow;

use super::{Arrival, AuthzError, ReplyTo, checks};

/// The prefix of the `request_uri`s `/par` hands out (RFC 9126 §2.2).
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// The parameters to check and how they arrived. A pushed request replaces every other
/// parameter (RFC 9126 §4), and so does a request object (RFC 9101 §6.3); only `client_id`
/// outside must name the same client.
pub(super) async fn resolve(
    state: &AppState,
    client: &ClientRow,
    outer: Params,
) -> Result<(Params, Arrival), AuthzError> {
    let refuse = |e: OAuthError| refuse_early(state, client, &outer, e);
    match (outer.get("request"), outer.get("request_uri")) {
        (Some(_), Some(_)) => Err(refuse(OAuthError::invalid_request(
            "request and request_uri cannot both be sent",
        ))),
        (None, Some(uri)) if uri.starts_with(REQUEST_URI_PREFIX) => {
            Ok((pushed(state, client, uri).await?, Arrival::Pushed))
        }
        // RFC 9101 §5.2: by-reference objects would have Tessera fetch URLs a client names.
        (None, Some(_)) => Err(refuse(OAuthError::new(
            ErrorCode::RequestUriNotSupported,
            "only request_uri values from the pushed authorization request endpoint are accepted",
        ))),
        (Some(object), None) => {
            match request_object::resolve(state, client, &outer, object).await {
                Ok(params) => Ok((params, Arrival::Signed)),
                Err(e) => Err(refuse(e)),
            }
        }
        (None, None) => Ok((outer, Arrival::Query)),
    }
}

/// Takes the client's pushed request: once only, before it expires. Anything else is a page:
/// the redirect URI is inside the request that cannot be had.
async fn pushed(state: &AppState, client: &ClientRow, uri: &str) -> Result<Params, AuthzError> {
    let gone = || PageError::bad_request("login-error-request-expired");
    let stored = state
        .store
        .take_pushed_request(&sha256_hex(uri), &client.client_id, state.now())
        .await
        .map_err(PageError::from)?;
    let json = stored.ok_or_else(gone)?;
    Ok(Params::from_json(&json).map_err(|_| gone())?)
}

/// An error before the request's own redirect URI is known: back to the redirect URI given
/// outside it when the client registered that one, else shown to the person (RFC 6749 §4.1.2.1).
fn refuse_early(state: &AppState, client: &ClientRow, outer: &Params, e: OAuthError) -> AuthzError {
    match checks::check_redirect_uri(client, outer) {
        Ok(redirect_uri) => AuthzError::Redirect(
            ReplyTo {
                redirect_uri,
                mode: checks::check_response_mode(outer).unwrap_or(ResponseMode::Query),
                state: outer.get("state").map(str::to_string),
                iss: state.config.issuer.to_string(),
            },
            e,
        ),
        Err(_) => AuthzError::Page(PageError::invalid_request(e.description)),
    }
}
