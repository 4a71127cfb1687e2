//! The audit trail (issue 6 §8): security events, one [`AuditEvent`] variant each. Emitting one
//! writes its `tracing` event (target [`TARGET`], `event` = [`AuditEvent::name`]) and counts it
//! in the domain counters of the server that emitted it, so a counter cannot drift from its
//! event: the mapping is a `match` on the variant (`counters.rs`), not a string read back from
//! the log.
//!
//! Low layers (`keys/`, `store/`) emit events too, so this module depends on nothing of
//! Tessera's. They hold no handle on the metrics: the counters of the request or background
//! task being run are found through a task-local set by [`Counters::scope`]; events outside any
//! server (the admin commands) are logged and not counted.
//!
//! No field carries a password, secret, code or token: a token is named by its `jti` or refresh
//! `family` only. The README's audit section lists every event (`tests.rs` checks it).

use std::net::IpAddr;

use crate::domain::GrantType;

mod counters;
#[cfg(test)]
mod tests;

pub use counters::Counters;

/// The tracing target of audit events; log pipelines select on it.
pub const TARGET: &str = "audit";

/// One security event, with its fields.
#[derive(Debug)]
pub enum AuditEvent<'a> {
    /// A person signed in at `/login`.
    LoginSucceeded {
        sub: &'a str,
        client_id: &'a str,
        ip: IpAddr,
    },
    /// A sign-in refused for a wrong username or password.
    LoginFailed { client_id: &'a str, ip: IpAddr },
    /// A sign-in refused by the failed-login throttle.
    LoginThrottled { client_id: &'a str, ip: IpAddr },
    /// The person allowed the client `scope`.
    ConsentGiven {
        sub: &'a str,
        client_id: &'a str,
        scope: &'a str,
    },
    /// The person denied the client's request.
    ConsentDenied { sub: &'a str, client_id: &'a str },
    /// An authorization code was issued.
    CodeIssued {
        client_id: &'a str,
        sub: &'a str,
        scope: &'a str,
    },
    /// An access token was issued at the token endpoint.
    TokenIssued {
        grant: Grant<'a>,
        client_id: &'a str,
        jti: &'a str,
    },
    /// An authorization code was presented a second time (its tokens were revoked).
    CodeReused { client_id: &'a str, sub: &'a str },
    /// A used refresh token was presented again (its family was revoked).
    RefreshTokenReuse {
        client_id: &'a str,
        sub: &'a str,
        family: &'a str,
    },
    /// A used refresh token came back within the grace window and was answered again.
    RefreshRetryWithinGrace {
        client_id: &'a str,
        sub: &'a str,
        family: &'a str,
    },
    /// A refresh-token family was revoked for `reason`; at logout no one client is concerned.
    RefreshFamilyRevoked {
        reason: FamilyRevocation,
        client_id: Option<&'a str>,
        sub: &'a str,
        family: &'a str,
    },
    /// A token was revoked at `/revoke`.
    TokenRevoked {
        token: Revoked<'a>,
        client_id: &'a str,
        sub: &'a str,
    },
    /// A `private_key_jwt` client assertion was presented a second time.
    ClientAssertionReplayed { client_id: &'a str },
    /// A session ended at `/logout`; `client_id` is the one the RP named, if any.
    Logout {
        sub: &'a str,
        client_id: Option<&'a str>,
        ip: IpAddr,
    },
    /// Signing keys of `alg` were created because the key set lacked them.
    KeyCreated { alg: &'a str, count: usize },
    /// The keys of `alg` moved on: `retired` was active, `active` was next, `next` is new.
    KeyRotated {
        alg: &'a str,
        retired: &'a str,
        active: &'a str,
        next: &'a str,
    },
    /// The signing key `kid` of `alg` was revoked (`tessera keys revoke`); it `was` next, active
    /// or retired. `active` is the key of `alg` that signs now (the promoted next key when the
    /// active one went), `next` the next key created in its place.
    KeyRevoked {
        alg: &'a str,
        kid: &'a str,
        was: &'a str,
        active: Option<&'a str>,
        next: Option<&'a str>,
    },
    /// A logout token was delivered to the client's back-channel logout URI.
    BackchannelLogout {
        client_id: &'a str,
        sub: &'a str,
        status: u16,
        attempts: usize,
    },
    /// A back-channel logout could not be delivered.
    BackchannelLogoutFailed(BackchannelFailure<'a>),
    /// The person changed their password on the account page.
    PasswordChanged { sub: &'a str, ip: IpAddr },
    /// The person changed their email address on the account page (now unverified).
    EmailChanged { sub: &'a str },
    /// The person (or an operator, `client_id` "cli") enrolled an authenticator app, or made new
    /// recovery codes (`what`: `totp`, `recovery_codes`).
    SecondFactorEnrolled { sub: &'a str, what: &'a str },
    /// Every second factor of the person was removed (account page or `user mfa reset`).
    SecondFactorsRemoved { sub: &'a str },
    /// A recovery code was spent to sign in; `left` unused ones remain.
    RecoveryCodeUsed { sub: &'a str, left: i64 },
    /// The person withdrew a client's access on the account page.
    ConsentRevoked { sub: &'a str, client_id: &'a str },
    /// Browser sessions of the person were ended from elsewhere than themselves.
    SessionsEnded {
        sub: &'a str,
        reason: SessionEnd,
        count: usize,
    },
    /// Someone asked for a password-reset link (the address is not logged: it may be anyone's).
    PasswordResetRequested { ip: IpAddr },
    /// A person set a new password with a reset link.
    PasswordReset { sub: &'a str, ip: IpAddr },
    /// A person followed a verification link: their address is verified.
    EmailVerified { sub: &'a str },
    /// A message (`purpose` `verify` or `reset`) was handed to the SMTP server.
    EmailSent {
        purpose: &'a str,
        sub: &'a str,
        attempts: usize,
    },
    /// A message could not be delivered at any attempt; `error` is the last one.
    EmailFailed {
        purpose: &'a str,
        sub: &'a str,
        error: &'a str,
        attempts: usize,
    },
    /// A client registered itself at `/register` (RFC 7591); `by` says how it was allowed:
    /// `initial_access_token`, `access_token` (`clients:write`) or `open`.
    ClientRegistered {
        client_id: &'a str,
        by: &'a str,
        ip: IpAddr,
    },
    /// A registered client replaced its metadata with its registration access token (RFC 7592).
    ClientRegistrationUpdated { client_id: &'a str },
    /// A registered client deleted itself with its registration access token (RFC 7592).
    ClientRegistrationDeleted { client_id: &'a str },
    /// A SCIM client created, replaced, patched or deleted a user or group (RFC 7644).
    ScimChanged {
        client_id: &'a str,
        /// `User` or `Group`.
        resource: &'static str,
        id: &'a str,
        operation: ScimOperation,
    },
    /// The person added a passkey on the account page.
    PasskeyAdded {
        sub: &'a str,
        credential_id: &'a str,
    },
    /// The person removed a passkey on the account page.
    PasskeyRemoved {
        sub: &'a str,
        credential_id: &'a str,
    },
    /// A passkey signed the person in.
    PasskeyUsed {
        sub: &'a str,
        credential_id: &'a str,
    },
    /// A passkey's signature counter went backwards (a cloned authenticator?): refused.
    PasskeyCloneWarning { sub: &'a str, ip: IpAddr },
    /// A person signed in through the upstream identity provider `upstream`.
    UpstreamSignIn {
        sub: &'a str,
        upstream: &'a str,
        client_id: &'a str,
        ip: IpAddr,
    },
    /// An upstream account was linked to a local one: `how` is `verified_email` or `provisioned`.
    UpstreamLinked {
        sub: &'a str,
        upstream: &'a str,
        how: &'static str,
    },
    /// The person removed the link to an upstream account on the account page.
    UpstreamUnlinked { sub: &'a str, upstream: &'a str },
}

/// The grant a token was issued by, with the fields only that grant has.
#[derive(Debug, Clone, Copy)]
pub enum Grant<'a> {
    /// RFC 6749 §4.1; `refresh` says whether a refresh token came with it.
    AuthorizationCode { sub: &'a str, refresh: bool },
    /// RFC 6749 §6, rotating within `family`.
    RefreshToken { sub: &'a str, family: &'a str },
    /// RFC 6749 §4.4: the client acts for itself.
    ClientCredentials,
    /// RFC 8628: a device's code, approved by `sub`; `refresh` as for the code grant.
    DeviceCode { sub: &'a str, refresh: bool },
    /// RFC 8693: the client exchanged `sub`'s token, acting on their behalf.
    TokenExchange { sub: &'a str },
}

impl Grant<'_> {
    /// The grant type this is.
    pub fn grant_type(&self) -> GrantType {
        match self {
            Self::AuthorizationCode { .. } => GrantType::AuthorizationCode,
            Self::RefreshToken { .. } => GrantType::RefreshToken,
            Self::ClientCredentials => GrantType::ClientCredentials,
            Self::DeviceCode { .. } => GrantType::DeviceCode,
            Self::TokenExchange { .. } => GrantType::TokenExchange,
        }
    }

    /// The `grant` field and metric label: the grant type's protocol name.
    pub fn name(&self) -> &'static str {
        self.grant_type().as_str()
    }
}

/// The token revoked at `/revoke`, named by its identifier, never by its value.
#[derive(Debug, Clone, Copy)]
pub enum Revoked<'a> {
    /// An access token, by `jti`.
    AccessToken { jti: &'a str },
    /// A refresh token: its whole family.
    RefreshToken { family: &'a str },
}

impl Revoked<'_> {
    /// The `kind` field and metric label.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::AccessToken { .. } => "access_token",
            Self::RefreshToken { .. } => "refresh_token",
        }
    }
}

/// Why a refresh-token family was revoked outside `/revoke`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FamilyRevocation {
    /// The user was disabled or deleted since the grant.
    UserDisabled,
    /// The session it was issued in ended (`session.revoke_refresh_tokens_on_logout`).
    Logout,
    /// The person withdrew the client's access on the account page.
    AccessRevoked,
    /// Every session of the person was ended ("Sign out everywhere", or the operator's
    /// `user sign-out-everywhere`).
    SignedOutEverywhere,
    /// The person changed their password.
    PasswordChanged,
    /// The person set a new password with a reset link: every family of theirs ends.
    PasswordReset,
}

/// What a SCIM request did to a resource (event `scim_changed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimOperation {
    Created,
    Replaced,
    Patched,
    Deleted,
}

impl ScimOperation {
    /// The `operation` field.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Replaced => "replaced",
            Self::Patched => "patched",
            Self::Deleted => "deleted",
        }
    }
}

/// Why browser sessions were ended from elsewhere (event `sessions_ended`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// "Sign out" of one session on the account page.
    SignedOut,
    /// "Sign out everywhere" on the account page.
    Everywhere,
    /// The operator's `tessera user sign-out-everywhere`.
    Operator,
    /// The password changed: every other session ends.
    PasswordChanged,
    /// The password was reset with an email link: every session ends.
    PasswordReset,
}

impl SessionEnd {
    /// The `reason` field.
    pub fn name(&self) -> &'static str {
        match self {
            Self::SignedOut => "signed_out",
            Self::Everywhere => "everywhere",
            Self::Operator => "operator",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
        }
    }
}

impl FamilyRevocation {
    /// The `reason` field.
    pub fn name(&self) -> &'static str {
        match self {
            Self::UserDisabled => "user_disabled",
            Self::Logout => "logout",
            Self::AccessRevoked => "access_revoked",
            Self::SignedOutEverywhere => "signed_out_everywhere",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
        }
    }
}

/// Where a back-channel logout stopped.
#[derive(Debug, Clone, Copy)]
pub enum BackchannelFailure<'a> {
    /// The clients of the ended session could not be read.
    SessionClients { error: &'a dyn std::error::Error },
    /// The logout token for `client_id` could not be signed.
    Signing {
        client_id: &'a str,
        error: &'a dyn std::error::Error,
    },
    /// The client answered with a final non-2xx `status`.
    Refused {
        client_id: &'a str,
        sub: &'a str,
        status: u16,
        attempts: usize,
    },
    /// No answer, or a 5xx, at every attempt.
    Unreachable {
        client_id: &'a str,
        sub: &'a str,
        error: &'a str,
        attempts: usize,
    },
}

impl AuditEvent<'_> {
    /// The `event` field: the name log pipelines select on (listed in the README).
    pub fn name(&self) -> &'static str {
        match self {
            Self::LoginSucceeded { .. } => "login_succeeded",
            Self::LoginFailed { .. } => "login_failed",
            Self::LoginThrottled { .. } => "login_throttled",
            Self::ConsentGiven { .. } => "consent_given",
            Self::ConsentDenied { .. } => "consent_denied",
            Self::CodeIssued { .. } => "code_issued",
            Self::TokenIssued { .. } => "token_issued",
            Self::CodeReused { .. } => "code_reused",
            Self::RefreshTokenReuse { .. } => "refresh_token_reuse",
            Self::RefreshRetryWithinGrace { .. } => "refresh_retry_within_grace",
            Self::RefreshFamilyRevoked { .. } => "refresh_family_revoked",
            Self::TokenRevoked { .. } => "token_revoked",
            Self::ClientAssertionReplayed { .. } => "client_assertion_replayed",
            Self::Logout { .. } => "logout",
            Self::KeyCreated { .. } => "key_created",
            Self::KeyRotated { .. } => "key_rotated",
            Self::KeyRevoked { .. } => "key_revoked",
            Self::BackchannelLogout { .. } => "backchannel_logout",
            Self::BackchannelLogoutFailed(_) => "backchannel_logout_failed",
            Self::PasswordChanged { .. } => "password_changed",
            Self::EmailChanged { .. } => "email_changed",
            Self::SecondFactorEnrolled { .. } => "second_factor_enrolled",
            Self::SecondFactorsRemoved { .. } => "second_factors_removed",
            Self::RecoveryCodeUsed { .. } => "recovery_code_used",
            Self::ConsentRevoked { .. } => "consent_revoked",
            Self::SessionsEnded { .. } => "sessions_ended",
            Self::PasswordResetRequested { .. } => "password_reset_requested",
            Self::PasswordReset { .. } => "password_reset",
            Self::EmailVerified { .. } => "email_verified",
            Self::EmailSent { .. } => "email_sent",
            Self::EmailFailed { .. } => "email_failed",
            Self::ClientRegistered { .. } => "client_registered",
            Self::ClientRegistrationUpdated { .. } => "client_registration_updated",
            Self::ClientRegistrationDeleted { .. } => "client_registration_deleted",
            Self::ScimChanged { .. } => "scim_changed",
            Self::PasskeyAdded { .. } => "passkey_added",
            Self::PasskeyRemoved { .. } => "passkey_removed",
            Self::PasskeyUsed { .. } => "passkey_used",
            Self::PasskeyCloneWarning { .. } => "passkey_clone_warning",
            Self::UpstreamSignIn { .. } => "upstream_sign_in",
            Self::UpstreamLinked { .. } => "upstream_linked",
            Self::UpstreamUnlinked { .. } => "upstream_unlinked",
        }
    }

    /// Writes the event to the log and counts it in the current server's counters.
    pub fn emit(self) {
        self.log();
        counters::count_in_scope(&self);
    }

    /// The `tracing` event. Fields keep the order and form (`%` for display, plain for a
    /// string or number) log pipelines have always read; replays, reuse and failed deliveries
    /// are warnings.
    fn log(&self) {
        use tracing::{info, warn};
        let event = self.name();
        match *self {
            Self::LoginSucceeded { sub, client_id, ip } => {
                info!(target: TARGET, event, sub = %sub, client_id = %client_id, ip = %ip);
            }
            Self::LoginFailed { client_id, ip } | Self::LoginThrottled { client_id, ip } => {
                info!(target: TARGET, event, client_id = %client_id, ip = %ip);
            }
            Self::ConsentGiven {
                sub,
                client_id,
                scope,
            } => {
                info!(target: TARGET, event, sub = %sub, client_id = %client_id, scope = %scope);
            }
            Self::ConsentDenied { sub, client_id } => {
                info!(target: TARGET, event, sub = %sub, client_id = %client_id);
            }
            Self::CodeIssued {
                client_id,
                sub,
                scope,
            } => {
                info!(target: TARGET, event, client_id = %client_id, sub = %sub, scope = %scope);
            }
            Self::TokenIssued {
                grant,
                client_id,
                jti,
            } => {
                let name = grant.name();
                match grant {
                    Grant::AuthorizationCode { sub, refresh } => {
                        info!(target: TARGET, event, grant = name, client_id = %client_id,
                            sub = %sub, jti = %jti, refresh);
                    }
                    Grant::RefreshToken { sub, family } => {
                        info!(target: TARGET, event, grant = name, client_id = %client_id,
                            sub = %sub, family = %family, jti = %jti);
                    }
                    Grant::ClientCredentials => {
                        info!(target: TARGET, event, grant = name, client_id = %client_id,
                            jti = %jti);
                    }
                    Grant::DeviceCode { sub, refresh } => {
                        info!(target: TARGET, event, grant = name, client_id = %client_id,
                            sub = %sub, jti = %jti, refresh);
                    }
                    Grant::TokenExchange { sub } => {
                        info!(target: TARGET, event, grant = name, client_id = %client_id,
                            sub = %sub, jti = %jti);
                    }
                }
            }
            Self::CodeReused { client_id, sub } => {
                warn!(target: TARGET, event, client_id = %client_id, sub = %sub);
            }
            Self::RefreshTokenReuse {
                client_id,
                sub,
                family,
            } => {
                warn!(target: TARGET, event, client_id = %client_id, sub = %sub,
                    family = %family);
            }
            Self::RefreshRetryWithinGrace {
                client_id,
                sub,
                family,
            } => {
                info!(target: TARGET, event, client_id = %client_id, sub = %sub,
                    family = %family);
            }
            Self::RefreshFamilyRevoked {
                reason,
                client_id,
                sub,
                family,
            } => {
                // Absent (not "-") when no one client is concerned.
                let client_id = client_id.map(tracing::field::display);
                info!(target: TARGET, event, reason = reason.name(), client_id, sub = %sub,
                    family = %family);
            }
            Self::TokenRevoked {
                token,
                client_id,
                sub,
            } => {
                let kind = token.kind();
                match token {
                    Revoked::AccessToken { jti } => {
                        info!(target: TARGET, event, kind, client_id = %client_id, sub = %sub,
                            jti = %jti);
                    }
                    Revoked::RefreshToken { family } => {
                        info!(target: TARGET, event, kind, client_id = %client_id, sub = %sub,
                            family = %family);
                    }
                }
            }
            Self::ClientAssertionReplayed { client_id } => {
                warn!(target: TARGET, event, client_id = %client_id);
            }
            Self::Logout { sub, client_id, ip } => {
                info!(target: TARGET, event, sub = %sub,
                    client_id = client_id.unwrap_or("-"), ip = %ip);
            }
            Self::KeyCreated { alg, count } => {
                info!(target: TARGET, event, alg = %alg, count);
            }
            Self::KeyRotated {
                alg,
                retired,
                active,
                next,
            } => {
                info!(target: TARGET, event, alg = %alg, retired = %retired,
                    active = %active, next = %next);
            }
            Self::KeyRevoked {
                alg,
                kid,
                was,
                active,
                next,
            } => {
                // A revocation answers an incident: a warning, so it shows at any log level.
                warn!(target: TARGET, event, alg = %alg, kid = %kid, was = %was,
                    active = active.unwrap_or("-"), next = next.unwrap_or("-"));
            }
            Self::BackchannelLogout {
                client_id,
                sub,
                status,
                attempts,
            } => {
                info!(target: TARGET, event, client_id, sub = %sub, status, attempts);
            }
            Self::BackchannelLogoutFailed(failure) => match failure {
                BackchannelFailure::SessionClients { error } => {
                    warn!(target: TARGET, event, error = %error,
                        "cannot read the clients of the ended session");
                }
                BackchannelFailure::Signing { client_id, error } => {
                    warn!(target: TARGET, event, client_id, error = %error,
                        "cannot sign the logout token");
                }
                BackchannelFailure::Refused {
                    client_id,
                    sub,
                    status,
                    attempts,
                } => {
                    warn!(target: TARGET, event, client_id, sub = %sub, status, attempts,
                        "the client refused the logout token");
                }
                BackchannelFailure::Unreachable {
                    client_id,
                    sub,
                    error,
                    attempts,
                } => {
                    warn!(target: TARGET, event, client_id, sub = %sub, error, attempts,
                        "the client could not be reached");
                }
            },
            Self::PasswordChanged { sub, ip } => {
                info!(target: TARGET, event, sub = %sub, ip = %ip);
            }
            Self::EmailChanged { sub } | Self::SecondFactorsRemoved { sub } => {
                info!(target: TARGET, event, sub = %sub);
            }
            Self::SecondFactorEnrolled { sub, what } => {
                info!(target: TARGET, event, sub = %sub, what);
            }
            Self::RecoveryCodeUsed { sub, left } => {
                warn!(target: TARGET, event, sub = %sub, left);
            }
            Self::ConsentRevoked { sub, client_id } => {
                info!(target: TARGET, event, sub = %sub, client_id = %client_id);
            }
            Self::SessionsEnded { sub, reason, count } => {
                info!(target: TARGET, event, sub = %sub, reason = reason.name(), count);
            }
            Self::PasswordResetRequested { ip } => {
                info!(target: TARGET, event, ip = %ip);
            }
            Self::PasswordReset { sub, ip } => {
                info!(target: TARGET, event, sub = %sub, ip = %ip);
            }
            Self::EmailVerified { sub } => {
                info!(target: TARGET, event, sub = %sub);
            }
            Self::EmailSent {
                purpose,
                sub,
                attempts,
            } => {
                info!(target: TARGET, event, purpose, sub = %sub, attempts);
            }
            Self::EmailFailed {
                purpose,
                sub,
                error,
                attempts,
            } => {
                warn!(target: TARGET, event, purpose, sub = %sub, error, attempts,
                    "the message could not be delivered");
            }
            Self::ClientRegistered { client_id, by, ip } => {
                info!(target: TARGET, event, client_id = %client_id, by, ip = %ip);
            }
            Self::ClientRegistrationUpdated { client_id }
            | Self::ClientRegistrationDeleted { client_id } => {
                info!(target: TARGET, event, client_id = %client_id);
            }
            Self::ScimChanged {
                client_id,
                resource,
                id,
                operation,
            } => {
                info!(target: TARGET, event, client_id = %client_id, resource, id = %id, operation = operation.name());
            }
            Self::PasskeyAdded { sub, credential_id }
            | Self::PasskeyRemoved { sub, credential_id }
            | Self::PasskeyUsed { sub, credential_id } => {
                info!(target: TARGET, event, sub = %sub, credential_id);
            }
            Self::PasskeyCloneWarning { sub, ip } => {
                warn!(target: TARGET, event, sub = %sub, ip = %ip);
            }
            Self::UpstreamSignIn {
                sub,
                upstream,
                client_id,
                ip,
            } => {
                info!(target: TARGET, event, sub = %sub, upstream, client_id = %client_id, ip = %ip);
            }
            Self::UpstreamLinked { sub, upstream, how } => {
                info!(target: TARGET, event, sub = %sub, upstream, how);
            }
            Self::UpstreamUnlinked { sub, upstream } => {
                info!(target: TARGET, event, sub = %sub, upstream);
            }
        }
    }
}
