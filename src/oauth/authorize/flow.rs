//! What happens to a checked request: sign in, consent, or issue the code
//! (OIDC Core §3.1.2.3–§3.1.2.5). Login and consent pages come back here when they are done.

use axum::response::{IntoResponse, Response};

use crate::audit::AuditEvent;
use crate::crypto::{random_token, sha256_hex};
use crate::domain::{Acr, CodeChallengeMethod, FAPI2_MAX_CODE_TTL, Scope};
use crate::error::{ErrorCode, OAuthError, PageError};
use crate::http::paths;
use crate::services::session::{BrowserSession, SecondStep, SessionUser};
use crate::state::AppState;
use crate::store::{ClientRow, NewCode, Remembered, SignOnVersion};

use super::{AuthzError, Pending, see_other};

/// Moves the request on: to the login page, to the consent page, or back to the client.
pub async fn proceed(state: &AppState, session: &BrowserSession, pending: Pending) -> Response {
    match step(state, session, pending).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn step(
    state: &AppState,
    session: &BrowserSession,
    pending: Pending,
) -> Result<Response, AuthzError> {
    let now = state.now();
    let to = pending.reply_to(&state.config.issuer);
    let client = state
        .clients
        .client(&state.store, &pending.client_id)
        .await
        .map_err(PageError::from)?
        .ok_or_else(|| PageError::bad_request("login-error-unknown-client"))?;
    if let Some(done) = single_sign_on(state, session, &pending, &client, now).await? {
        return Ok(done);
    }
    let Some(user) = signed_in_user(state, session, &pending, now).await? else {
        if pending.prompt.none {
            session.clear_pending::<Pending>().await?;
            return Err(AuthzError::Redirect(
                to,
                OAuthError::new(ErrorCode::LoginRequired, "the user is not signed in"),
            ));
        }
        session.set_pending(&pending).await?;
        return Ok(see_other(paths::LOGIN));
    };
    if let Some(detour) = check_level(state, session, &client, &user, &pending).await? {
        return Ok(detour);
    }
    let consent = consent(state, &client, &user, &pending).await?;
    if consent == Consent::Needed {
        if pending.prompt.none {
            session.clear_pending::<Pending>().await?;
            return Err(AuthzError::Redirect(
                to,
                OAuthError::new(
                    ErrorCode::ConsentRequired,
                    "the user has not consented to this request",
                ),
            ));
        }
        session.set_pending(&pending).await?;
        return Ok(see_other(paths::CONSENT));
    }
    session.clear_pending::<Pending>().await?;
    if let Some(device) = &pending.device {
        return Ok(super::device::approve(state, device, &pending.client_id, &user, now).await?);
    }
    let Some(code) = issue_code(state, &client, &pending, &user, now, None).await? else {
        // Stored unconditionally: only an error (above) keeps it out.
        return Err(PageError::unavailable().into());
    };
    answer_with_code(state, &pending, &user, consent, &code, now).await
}

/// Single sign-on as it happens most often: signed in, no new sign-in or factor needed, the
/// consent remembered or not asked. Decided on this instance's copies of the account and the
/// consent (`services::people_cache`), and the code is stored only if the person's sign-on
/// version has not moved since they were read, checked by the code's own INSERT. In any other
/// case, or when it moved, `None`: [`step`] decides on fresh reads, as if there were no copies. It
/// leaves nothing behind that [`step`] would not have done (a "last seen", the pending request
/// cleared only once the code is about to be stored).
async fn single_sign_on(
    state: &AppState,
    session: &BrowserSession,
    pending: &Pending,
    client: &ClientRow,
    now: i64,
) -> Result<Option<Response>, AuthzError> {
    if pending.device.is_some() {
        return Ok(None);
    }
    let absolute = state.config.session.absolute_timeout;
    let Some((user, account)) = session
        .current_copy(
            &state.people,
            &state.store,
            &state.session_activity,
            now,
            absolute,
        )
        .await?
    else {
        return Ok(None);
    };
    if sign_in_needed(pending, &user, now) || !level_met(state, client, &user, pending) {
        return Ok(None);
    }
    let consent = match consent_without_record(client, pending) {
        Some(Consent::Needed) => return Ok(None),
        Some(decided) => decided,
        None => {
            let people = &state.people;
            let Some(remembered) = people
                .consent(
                    &state.store,
                    &user.user_id,
                    &client.client_id,
                    account.version,
                )
                .await
                .map_err(PageError::from)?
            else {
                return Ok(None);
            };
            if remembered.version != account.version {
                // The consent, read now, is newer than the account's copy.
                people.forget(&user.user_id, &client.client_id);
                return Ok(None);
            }
            match consent_from(Some(&remembered.row), pending) {
                Consent::Needed => return Ok(None),
                covered => covered,
            }
        }
    };
    session.clear_pending::<Pending>().await?;
    let checked = Some(account.version);
    let Some(code) = issue_code(state, client, pending, &user, now, checked).await? else {
        state.people.forget(&user.user_id, &client.client_id);
        return Ok(None);
    };
    answer_with_code(state, pending, &user, consent, &code, now)
        .await
        .map(Some)
}

/// The code is stored: record the consent's use (to the hour) and send the code to the client.
async fn answer_with_code(
    state: &AppState,
    pending: &Pending,
    user: &SessionUser,
    consent: Consent,
    code: &str,
    now: i64,
) -> Result<Response, AuthzError> {
    if let Consent::Remembered { last_used_at } = consent
        && last_used_at.is_none_or(|t| now - t >= CONSENT_USE_GRANULARITY)
    {
        state
            .store
            .mark_consent_used(&user.user_id, &pending.client_id, now)
            .await
            .map_err(PageError::from)?;
        state
            .people
            .consent_used(&user.user_id, &pending.client_id, now);
    }
    AuditEvent::CodeIssued {
        client_id: &pending.client_id,
        sub: &user.user_id,
        scope: &pending.scope,
    }
    .emit();
    Ok(pending.reply_to(&state.config.issuer).success(code))
}

/// Whether the request needs the password again although someone is signed in: `prompt=login`
/// or an exceeded `max_age` (OIDC Core §3.1.2.1), unless it was just entered for this request.
pub fn password_needed(pending: &Pending, user: &SessionUser, now: i64) -> bool {
    if pending.signed_in {
        return false;
    }
    // max_age=0 means "sign in now", like prompt=login.
    let too_old = pending
        .max_age
        .is_some_and(|m| m == 0 || now - user.auth_time > m);
    pending.prompt.login || too_old
}

/// The session's user, if signing in again is not needed (see [`password_needed`]), and for
/// `prompt=select_account` once the person chose to go on as them; none when the account was
/// disabled or deleted since.
async fn signed_in_user(
    state: &AppState,
    session: &BrowserSession,
    pending: &Pending,
    now: i64,
) -> Result<Option<SessionUser>, PageError> {
    let absolute = state.config.session.absolute_timeout;
    let current = session
        .current(&state.store, &state.session_activity, now, absolute)
        .await?;
    let Some((user, _)) = current else {
        return Ok(None);
    };
    if sign_in_needed(pending, &user, now) {
        return Ok(None);
    }
    Ok(Some(user))
}

/// Whether the login page must come first although someone is signed in: the password again
/// ([`password_needed`]), or `prompt=select_account`, whose "Continue as …?" the login page
/// asks (answering it clears `select_account`).
fn sign_in_needed(pending: &Pending, user: &SessionUser, now: i64) -> bool {
    password_needed(pending, user, now) || (pending.prompt.select_account && !pending.signed_in)
}

/// Whether the session's level meets what the request and the client want ([`check_level`]
/// says what happens when it does not).
fn level_met(state: &AppState, client: &ClientRow, user: &SessionUser, pending: &Pending) -> bool {
    let (_, wanted) = levels(state, client, pending);
    wanted.is_none_or(|w| user.amr.acr().meets(w))
}

/// The levels (essential, wanted) of a request to this client: `acr_values` or an essential
/// `acr` claim, and two factors when the client or the whole server requires them.
fn levels(state: &AppState, client: &ClientRow, pending: &Pending) -> (Option<Acr>, Option<Acr>) {
    let must_mfa = client.require_mfa || state.config.authentication.require_mfa;
    let essential = [pending.acr.essential, must_mfa.then_some(Acr::Mfa)]
        .into_iter()
        .flatten()
        .fold(None, |acc: Option<Acr>, a| match acc {
            Some(b) if b.meets(a) => Some(b),
            _ => Some(a),
        });
    let wanted = match (essential, pending.acr.voluntary) {
        (Some(e), Some(v)) if v.meets(e) => Some(v),
        (Some(e), _) => Some(e),
        (None, v) => v,
    };
    (essential, wanted)
}

/// The level of the session against what the request and the client need (OIDC Core §3.1.2.1,
/// §5.5.1.1): met, or a detour: the missing code (step-up, without the password again), TOTP
/// enrolment when two factors are required of a person who has none, or `access_denied` when
/// a required level cannot be met. A level asked for only with `acr_values` that the person
/// cannot reach is let go: the ID token states the `acr` met.
async fn check_level(
    state: &AppState,
    session: &BrowserSession,
    client: &ClientRow,
    user: &SessionUser,
    pending: &Pending,
) -> Result<Option<Response>, AuthzError> {
    let must_mfa = client.require_mfa || state.config.authentication.require_mfa;
    let (essential, wanted) = levels(state, client, pending);
    let Some(wanted) = wanted else {
        return Ok(None);
    };
    let met = user.amr.acr();
    if met.meets(wanted) {
        return Ok(None);
    }
    let to = pending.reply_to(&state.config.issuer);
    let interaction = |what: &str| {
        AuthzError::Redirect(
            to.clone(),
            OAuthError::new(ErrorCode::InteractionRequired, what.to_string()),
        )
    };
    let factors = state
        .store
        .factors(&user.user_id)
        .await
        .map_err(PageError::from)?;
    let has_totp = factors.totp;
    // A passkey meets every level: asked for when phishing resistance is wanted, or when it
    // is the person's only second factor. It is a new sign-in, without the password.
    let has_passkey = factors.passkeys > 0 && state.passkeys.enabled();
    if has_passkey && (wanted == Acr::PhishingResistant || !has_totp) {
        if pending.prompt.none {
            session.clear_pending::<Pending>().await?;
            return Err(interaction("a passkey is needed"));
        }
        session.set_pending(pending).await?;
        return Ok(Some(see_other(paths::LOGIN_PASSKEY)));
    }
    // An authenticator app reaches `mfa`, not `phishing-resistant`: worth asking for when
    // that is what is wanted, or what is required.
    let code_helps = !met.meets(Acr::Mfa)
        && (Acr::Mfa.meets(wanted) || essential.is_some_and(|e| Acr::Mfa.meets(e)));
    if has_totp && code_helps {
        if pending.prompt.none {
            session.clear_pending::<Pending>().await?;
            return Err(interaction("a second factor is needed"));
        }
        session.set_pending(pending).await?;
        session
            .set_pending(&SecondStep {
                id: random_token(12),
                purpose_id: pending.id.clone(),
                user_id: user.user_id.clone(),
                username: state
                    .store
                    .user_by_id(&user.user_id)
                    .await
                    .map_err(PageError::from)?
                    .map(|u| u.username)
                    .unwrap_or_default(),
                amr: user.amr.clone(),
                started_at: state.now(),
                step_up: true,
            })
            .await?;
        return Ok(Some(see_other(paths::LOGIN_OTP)));
    }
    if must_mfa && !has_totp && !met.meets(Acr::Mfa) {
        if pending.prompt.none {
            session.clear_pending::<Pending>().await?;
            return Err(interaction("the person must set up a second factor"));
        }
        session.set_pending(pending).await?;
        return Ok(Some(see_other(paths::LOGIN_ENROLL)));
    }
    if essential.is_some_and(|e| !met.meets(e)) {
        session.clear_pending::<Pending>().await?;
        return Err(AuthzError::Redirect(
            to,
            OAuthError::new(
                ErrorCode::AccessDenied,
                "the person has no factor that meets the required acr",
            ),
        ));
    }
    Ok(None)
}

/// How finely the account page's "last used" of a connected application is kept: a sign-in
/// writes it only when the recorded one is older than this.
const CONSENT_USE_GRANULARITY: i64 = 3600;

/// Where the request stands on consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Consent {
    /// The consent page must ask.
    Needed,
    /// Given on the consent page for this very request, or not asked of first-party clients.
    NotAsked,
    /// A remembered consent covers every requested scope.
    Remembered { last_used_at: Option<i64> },
}

/// Consent is needed unless it was just given, the client is first-party, or a remembered
/// consent covers every requested scope; `prompt=consent` always asks (OIDC Core §3.1.2.1).
async fn consent(
    state: &AppState,
    client: &ClientRow,
    user: &SessionUser,
    pending: &Pending,
) -> Result<Consent, PageError> {
    if let Some(decided) = consent_without_record(client, pending) {
        return Ok(decided);
    }
    let remembered = state
        .store
        .consent(&user.user_id, &client.client_id)
        .await?;
    Ok(consent_from(remembered.as_ref(), pending))
}

/// Consent as decided without the remembered one: just given for this very request, always
/// asked with `prompt=consent`, not asked of a first-party client. `None`: it depends on what
/// was remembered.
fn consent_without_record(client: &ClientRow, pending: &Pending) -> Option<Consent> {
    if pending.consented {
        Some(Consent::NotAsked)
    } else if pending.prompt.consent {
        Some(Consent::Needed)
    } else if client.first_party {
        Some(Consent::NotAsked)
    } else {
        None
    }
}

/// Whether what the person allowed the client covers every requested scope.
fn consent_from(remembered: Option<&Remembered>, pending: &Pending) -> Consent {
    let Some(remembered) = remembered else {
        return Consent::Needed;
    };
    let allowed = Scope::parse(&remembered.scopes).unwrap_or_default();
    let requested = Scope::parse(&pending.scope).unwrap_or_default();
    if requested.is_subset(&allowed) {
        Consent::Remembered {
            last_used_at: remembered.last_used_at,
        }
    } else {
        Consent::Needed
    }
}

/// Stores a new code (256 random bits, kept only as a hash) bound to everything the token
/// endpoint must check, records the client as signed in to the session (Back-Channel Logout 1.0
/// §2.3: whom to notify when it ends, for as long as it can last), and returns the code. With
/// `unchanged_since`, only if the person's sign-on version still has that value: `None` when it
/// moved.
async fn issue_code(
    state: &AppState,
    client: &ClientRow,
    pending: &Pending,
    user: &SessionUser,
    now: i64,
    unchanged_since: Option<SignOnVersion>,
) -> Result<Option<String>, PageError> {
    let code = random_token(32);
    let mut ttl = state.config.tokens.code_ttl.as_secs() as i64;
    if client
        .request_policy
        .fapi2(state.config.authorization.profile)
    {
        ttl = ttl.min(FAPI2_MAX_CODE_TTL);
    }
    let session_ends = user.auth_time + state.config.session.absolute_timeout.as_secs() as i64;
    let stored = state
        .store
        .create_code(
            &NewCode {
                code_hash: &sha256_hex(&code),
                client_id: &pending.client_id,
                user_id: &user.user_id,
                redirect_uri: &pending.redirect_uri,
                scope: &pending.scope,
                nonce: pending.nonce.as_deref(),
                code_challenge: pending.code_challenge.as_deref(),
                code_challenge_method: pending
                    .code_challenge
                    .as_ref()
                    .map(|_| CodeChallengeMethod::S256.as_str()),
                auth_time: user.auth_time,
                amr: &user.amr.to_stored(),
                session_id: Some(&user.sid),
                now,
                expires_at: now + ttl,
                session_expires_at: session_ends,
                dpop_jkt: pending.dpop_jkt.as_deref(),
            },
            unchanged_since,
        )
        .await?;
    Ok(stored.then_some(code))
}
