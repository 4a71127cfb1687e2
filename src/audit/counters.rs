//! The domain counters audit events feed, and the task-local that finds the current server's.

use std::future::Future;
use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

use super::AuditEvent;

/// Label of tokens issued.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GrantLabels {
    grant: &'static str,
}

/// Label of tokens revoked.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

/// The domain counters audit events feed, one set per server. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    tokens_issued: Family<GrantLabels, Counter>,
    tokens_revoked: Family<KindLabels, Counter>,
    login_failures: Counter,
    login_throttled: Counter,
    refresh_reuse: Counter,
    code_reuse: Counter,
    assertion_replays: Counter,
    key_rotations: Counter,
}

tokio::task_local! {
    /// The counters of the request or background task being run (see [`Counters::scope`]).
    static CURRENT: Counters;
}

/// Counts `event` in the counters of the current scope; outside any, nowhere.
pub(super) fn count_in_scope(event: &AuditEvent<'_>) {
    let _ = CURRENT.try_with(|counters| counters.count(event));
}

impl Counters {
    /// Adds every counter to `registry` (the encoder appends `_total` to their names).
    pub fn register(&self, registry: &mut Registry) {
        let m = &self.inner;
        registry.register(
            "tokens_issued",
            "Access tokens issued at the token endpoint, by grant type",
            m.tokens_issued.clone(),
        );
        registry.register(
            "tokens_revoked",
            "Tokens revoked at the revocation endpoint, by kind",
            m.tokens_revoked.clone(),
        );
        registry.register(
            "login_failures",
            "Sign-ins refused for a wrong username or password",
            m.login_failures.clone(),
        );
        registry.register(
            "login_throttled",
            "Sign-in attempts refused by the failed-login throttle",
            m.login_throttled.clone(),
        );
        registry.register(
            "refresh_reuse_detected",
            "Used refresh tokens presented again (the family was revoked)",
            m.refresh_reuse.clone(),
        );
        registry.register(
            "code_reuse_detected",
            "Authorization codes presented a second time",
            m.code_reuse.clone(),
        );
        registry.register(
            "client_assertion_replays",
            "private_key_jwt client assertions presented a second time",
            m.assertion_replays.clone(),
        );
        registry.register(
            "key_rotations",
            "Signing-key rotations performed by this instance, all algorithms",
            m.key_rotations.clone(),
        );
    }

    /// Runs `fut` with these as the counters its audit events are counted in.
    pub fn scope<F: Future>(&self, fut: F) -> impl Future<Output = F::Output> + use<F> {
        CURRENT.scope(self.clone(), fut)
    }

    /// Counts `event` in the counter it feeds, if any. No wildcard: a new event must say.
    fn count(&self, event: &AuditEvent<'_>) {
        let m = &self.inner;
        match event {
            AuditEvent::TokenIssued { grant, .. } => {
                let grant = grant.name();
                m.tokens_issued.get_or_create(&GrantLabels { grant }).inc();
            }
            AuditEvent::TokenRevoked { token, .. } => {
                let kind = token.kind();
                m.tokens_revoked.get_or_create(&KindLabels { kind }).inc();
            }
            AuditEvent::LoginFailed { .. } => {
                m.login_failures.inc();
            }
            AuditEvent::LoginThrottled { .. } => {
                m.login_throttled.inc();
            }
            AuditEvent::RefreshTokenReuse { .. } => {
                m.refresh_reuse.inc();
            }
            AuditEvent::CodeReused { .. } => {
                m.code_reuse.inc();
            }
            AuditEvent::ClientAssertionReplayed { .. } => {
                m.assertion_replays.inc();
            }
            AuditEvent::KeyRotated { .. } => {
                m.key_rotations.inc();
            }
            AuditEvent::LoginSucceeded { .. }
            | AuditEvent::ConsentGiven { .. }
            | AuditEvent::ConsentDenied { .. }
            | AuditEvent::CodeIssued { .. }
            | AuditEvent::RefreshRetryWithinGrace { .. }
            | AuditEvent::RefreshFamilyRevoked { .. }
            | AuditEvent::Logout { .. }
            | AuditEvent::KeyCreated { .. }
            | AuditEvent::KeyRevoked { .. }
            | AuditEvent::BackchannelLogout { .. }
            | AuditEvent::BackchannelLogoutFailed(_)
            | AuditEvent::PasswordChanged { .. }
            | AuditEvent::EmailChanged { .. }
            | AuditEvent::SecondFactorEnrolled { .. }
            | AuditEvent::SecondFactorsRemoved { .. }
            | AuditEvent::RecoveryCodeUsed { .. }
            | AuditEvent::ConsentRevoked { .. }
            | AuditEvent::SessionsEnded { .. }
            | AuditEvent::PasswordResetRequested { .. }
            | AuditEvent::PasswordReset { .. }
            | AuditEvent::EmailVerified { .. }
            | AuditEvent::EmailSent { .. }
            | AuditEvent::EmailFailed { .. }
            | AuditEvent::ScimChanged { .. }
            | AuditEvent::ClientRegistered { .. }
            | AuditEvent::ClientRegistrationUpdated { .. }
            | AuditEvent::ClientRegistrationDeleted { .. }
            | AuditEvent::PasskeyAdded { .. }
            | AuditEvent::PasskeyRemoved { .. }
            | AuditEvent::PasskeyUsed { .. }
            | AuditEvent::PasskeyCloneWarning { .. }
            | AuditEvent::UpstreamSignIn { .. }
            | AuditEvent::UpstreamLinked { .. }
            | AuditEvent::UpstreamUnlinked { .. } => {}
        }
    }
}
