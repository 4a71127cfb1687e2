//! Signing in through an upstream identity provider (`[[upstream]]`): the login page's "Sign in
//! with …" buttons post to `POST /upstream/{id}/start`, which parks the upstream leg's `state`,
//! `nonce` and PKCE verifier in the browser session (bound to the sign-in the login page was
//! shown for) and sends the browser to the upstream; the upstream sends it back to
//! `GET /upstream/{id}/callback`. From there on the sign-in continues as after a password:
//! a second factor when the person has one (unless the upstream's `amr` says it asked for one),
//! then consent and the code. The ID token says `amr` `fed`.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::audit::AuditEvent;
use crate::crypto::constant_time_eq;
use crate::domain::{Amr, AmrValue};
use crate::error::PageError;
use crate::http::client_ip::ClientIp;
use crate::i18n::Msg;
use crate::oauth::authorize::see_other;
use crate::pages::login::{Purpose, finish, purpose_for};
use crate::pages::{Ui, second_step};
use crate::services::session::{BrowserSession, Parked};
use crate::services::upstream::link::{self, Account};
use crate::services::upstream::{Upstream, UpstreamError, UpstreamIdentity};
use crate::state::AppState;

/// How long the person may take at the upstream (seconds).
const UPSTREAM_TTL: i64 = 600;

/// An upstream sign-in waiting for its callback (parked in the browser session; taken out when
/// the callback comes, so a callback is accepted once).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpstreamSignIn {
    /// The `state` sent to the upstream.
    state: String,
    upstream_id: String,
    /// The sign-in it is for (the login form's `request`).
    purpose_id: String,
    nonce: String,
    pkce_verifier: String,
    started_at: i64,
}

impl Parked for UpstreamSignIn {
    const KEY: &'static str = "upstream_sign_in";
    fn id(&self) -> &str {
        &self.state
    }
}

/// What a "Sign in with …" button posts.
#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    request: String,
}

/// What the upstream sends back (RFC 6749 §4.1.2 and §4.1.2.1).
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// RFC 9207: the issuer that answered, when the upstream says.
    iss: Option<String>,
}

/// `POST /upstream/{id}/start`.
pub async fn start(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
    session: BrowserSession,
    Form(form): Form<StartForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf_token).await?;
    let purpose = purpose_for(&session, &form.request).await?;
    let upstream = find(&state, &id)?;
    let started = match upstream.start().await {
        Ok(s) => s,
        Err(e) => return failed(&state, &ui, &session, &purpose, upstream, e).await,
    };
    session
        .set_pending(&UpstreamSignIn {
            state: started.state,
            upstream_id: upstream.config.id.clone(),
            purpose_id: purpose.id().to_string(),
            nonce: started.nonce,
            pkce_verifier: started.pkce_verifier,
            started_at: state.now(),
        })
        .await?;
    Ok(see_other(&started.url))
}

/// `GET /upstream/{id}/callback`: the parked sign-in (taken out, so a replayed callback finds
/// none), its `state`, the upstream's error or code, the identity, the local account.
pub async fn callback(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
    ClientIp(ip): ClientIp,
    session: BrowserSession,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let upstream = find(&state, &id)?;
    let parked = session.pending::<UpstreamSignIn>().await?;
    session.clear_pending::<UpstreamSignIn>().await?;
    let now = state.now();
    let Some(parked) = parked.filter(|p| now - p.started_at <= UPSTREAM_TTL) else {
        return Err(used_or_expired());
    };
    // RFC 6749 §10.12: the answer must belong to the request this browser started.
    if parked.upstream_id != upstream.config.id
        || !constant_time_eq(&parked.state, query.state.as_deref().unwrap_or(""))
    {
        return Err(not_this_sign_in(upstream));
    }
    // RFC 9207 §2.4: an answer naming another issuer is a mix-up attack's.
    if let (Some(iss), Some(issuer)) = (&query.iss, &upstream.config.issuer)
        && iss != issuer.as_str()
    {
        return Err(not_this_sign_in(upstream));
    }
    let purpose = purpose_for(&session, &parked.purpose_id).await?;
    let code = match (query.error.as_deref(), query.code) {
        (Some(error), _) => {
            return upstream_said_no(&state, &ui, &session, &purpose, upstream, error).await;
        }
        (None, Some(code)) => code,
        (None, None) => return Err(not_this_sign_in(upstream)),
    };
    let identity = match upstream
        .finish(code, parked.pkce_verifier, parked.nonce)
        .await
    {
        Ok(identity) => identity,
        Err(e) => return failed(&state, &ui, &session, &purpose, upstream, e).await,
    };
    let user = match link::account_for(&state.store, &upstream.config, &identity, now).await? {
        Account::Found(user) => user,
        Account::None => return Err(no_account(upstream)),
        Account::Disabled => return Err(disabled()),
    };
    signed_in(
        &state, &session, &headers, ip, upstream, &identity, &user, purpose,
    )
    .await
}

/// The person is known: audited, then a second factor (their own, unless the upstream already
/// asked for two) or straight on, as after a password.
#[allow(clippy::too_many_arguments)]
async fn signed_in(
    state: &AppState,
    session: &BrowserSession,
    headers: &HeaderMap,
    ip: std::net::IpAddr,
    upstream: &Upstream,
    identity: &UpstreamIdentity,
    user: &crate::store::UserRow,
    purpose: Purpose,
) -> Result<Response, PageError> {
    AuditEvent::UpstreamSignIn {
        sub: &user.id,
        upstream: &upstream.config.id,
        client_id: purpose.client_id(),
        ip,
    }
    .emit();
    let amr = Amr::federated(&identity.amr);
    if !amr.contains(AmrValue::Mfa) && state.store.factors(&user.id).await?.totp {
        return second_step::start(state, session, user, purpose.id(), amr).await;
    }
    finish(state, session, headers, ip, &user.id, purpose, amr).await
}

fn find<'a>(state: &'a AppState, id: &str) -> Result<&'a Upstream, PageError> {
    state.upstreams.get(id).ok_or_else(|| {
        PageError::new(
            StatusCode::NOT_FOUND,
            "upstream-error-no-such-option-title",
            "upstream-error-no-such-option",
        )
    })
}

/// The upstream could not be reached, or its answer was refused: the login page again, with a
/// message, so the person can try again or sign in another way.
async fn failed(
    state: &AppState,
    ui: &Ui,
    session: &BrowserSession,
    purpose: &Purpose,
    upstream: &Upstream,
    e: UpstreamError,
) -> Result<Response, PageError> {
    tracing::warn!(upstream = %upstream.config.id, error = %e, "upstream sign-in failed");
    let name = &upstream.config.name;
    let (id, status) = match e {
        UpstreamError::Unreachable(_) => {
            ("login-error-upstream-unreachable", StatusCode::BAD_GATEWAY)
        }
        UpstreamError::Refused(_) => ("login-error-upstream-refused", StatusCode::UNAUTHORIZED),
    };
    let message = Msg::new(id).arg("upstream", name.as_str());
    crate::pages::login::page(state, session, ui, purpose, "", Some(message), status).await
}

/// RFC 6749 §4.1.2.1: the upstream answered with an error; `access_denied` is the person (or
/// the upstream's policy) saying no.
async fn upstream_said_no(
    state: &AppState,
    ui: &Ui,
    session: &BrowserSession,
    purpose: &Purpose,
    upstream: &Upstream,
    error: &str,
) -> Result<Response, PageError> {
    let name = &upstream.config.name;
    let id = if error == "access_denied" {
        "login-error-upstream-cancelled"
    } else {
        tracing::info!(upstream = %upstream.config.id, error = %error.escape_default(), "upstream error");
        "login-error-upstream-failed"
    };
    let message = Msg::new(id).arg("upstream", name.as_str());
    crate::pages::login::page(
        state,
        session,
        ui,
        purpose,
        "",
        Some(message),
        StatusCode::UNAUTHORIZED,
    )
    .await
}

fn used_or_expired() -> PageError {
    PageError::bad_request("upstream-error-used-or-expired")
}

fn not_this_sign_in(upstream: &Upstream) -> PageError {
    PageError::bad_request(
        Msg::new("upstream-error-not-this-sign-in").arg("upstream", upstream.config.name.as_str()),
    )
}

fn no_account(upstream: &Upstream) -> PageError {
    PageError::new(
        StatusCode::FORBIDDEN,
        "upstream-error-no-account-title",
        Msg::new("upstream-error-no-account").arg("upstream", upstream.config.name.as_str()),
    )
}

fn disabled() -> PageError {
    PageError::new(
        StatusCode::FORBIDDEN,
        "upstream-error-disabled-title",
        "upstream-error-disabled",
    )
}
