//! Unit tests of the audit events: every one listed in the README, counted where emitted.

use std::net::Ipv4Addr;

use prometheus_client::registry::Registry;

use super::*;

const IP: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7));

/// One event of every kind. The `match` fails to compile for a new variant and the
/// assertion fails until it has an example here.
fn one_of_each() -> Vec<AuditEvent<'static>> {
    use AuditEvent::*;
    let (client_id, sub, family) = ("client-1", "user-1", "family-1");
    let error: &'static dyn std::error::Error = &std::fmt::Error;
    let all = vec![
        LoginSucceeded {
            sub,
            client_id,
            ip: IP,
        },
        LoginFailed { client_id, ip: IP },
        LoginThrottled { client_id, ip: IP },
        ConsentGiven {
            sub,
            client_id,
            scope: "openid",
        },
        ConsentDenied { sub, client_id },
        CodeIssued {
            client_id,
            sub,
            scope: "openid",
        },
        TokenIssued {
            grant: Grant::ClientCredentials,
            client_id,
            jti: "jti-1",
        },
        CodeReused { client_id, sub },
        RefreshTokenReuse {
            client_id,
            sub,
            family,
        },
        RefreshRetryWithinGrace {
            client_id,
            sub,
            family,
        },
        RefreshFamilyRevoked {
            reason: FamilyRevocation::Logout,
            client_id: None,
            sub,
            family,
        },
        TokenRevoked {
            token: Revoked::RefreshToken { family },
            client_id,
            sub,
        },
        ClientAssertionReplayed { client_id },
        Logout {
            sub,
            client_id: None,
            ip: IP,
        },
        KeyCreated {
            alg: "ES256",
            count: 2,
        },
        KeyRotated {
            alg: "ES256",
            retired: "k1",
            active: "k2",
            next: "k3",
        },
        KeyRevoked {
            alg: "RS256",
            kid: "k2",
            was: "active",
            active: Some("k3"),
            next: Some("k4"),
        },
        BackchannelLogout {
            client_id,
            sub,
            status: 200,
            attempts: 1,
        },
        BackchannelLogoutFailed(BackchannelFailure::SessionClients { error }),
        PasswordChanged { sub, ip: IP },
        ConsentRevoked { sub, client_id },
        EmailChanged { sub },
        SecondFactorEnrolled { sub, what: "totp" },
        SecondFactorsRemoved { sub },
        RecoveryCodeUsed { sub, left: 9 },
        SessionsEnded {
            sub,
            reason: crate::audit::SessionEnd::Everywhere,
            count: 2,
        },
        PasswordResetRequested { ip: IP },
        PasswordReset { sub, ip: IP },
        EmailVerified { sub },
        EmailSent {
            purpose: "verify",
            sub,
            attempts: 1,
        },
        EmailFailed {
            purpose: "reset",
            sub,
            error: "no answer within 10s",
            attempts: 4,
        },
        ClientRegistered {
            client_id,
            by: "open",
            ip: IP,
        },
        ClientRegistrationUpdated { client_id },
        ClientRegistrationDeleted { client_id },
        PasskeyAdded {
            sub,
            credential_id: "cred-1",
        },
        PasskeyRemoved {
            sub,
            credential_id: "cred-1",
        },
        PasskeyUsed {
            sub,
            credential_id: "cred-1",
        },
        PasskeyCloneWarning { sub, ip: IP },
        ScimChanged {
            client_id,
            resource: "User",
            id: sub,
            operation: ScimOperation::Created,
        },
        UpstreamSignIn {
            sub,
            upstream: "corp",
            client_id,
            ip: IP,
        },
        UpstreamLinked {
            sub,
            upstream: "corp",
            how: "provisioned",
        },
        UpstreamUnlinked {
            sub,
            upstream: "corp",
        },
    ];
    let mut seen = [false; 42];
    for event in &all {
        seen[match event {
            LoginSucceeded { .. } => 0,
            LoginFailed { .. } => 1,
            LoginThrottled { .. } => 2,
            ConsentGiven { .. } => 3,
            ConsentDenied { .. } => 4,
            CodeIssued { .. } => 5,
            TokenIssued { .. } => 6,
            CodeReused { .. } => 7,
            RefreshTokenReuse { .. } => 8,
            RefreshRetryWithinGrace { .. } => 9,
            RefreshFamilyRevoked { .. } => 10,
            TokenRevoked { .. } => 11,
            ClientAssertionReplayed { .. } => 12,
            Logout { .. } => 13,
            KeyCreated { .. } => 14,
            KeyRotated { .. } => 15,
            BackchannelLogout { .. } => 16,
            BackchannelLogoutFailed(_) => 17,
            PasswordChanged { .. } => 18,
            ConsentRevoked { .. } => 19,
            SessionsEnded { .. } => 20,
            PasswordResetRequested { .. } => 21,
            PasswordReset { .. } => 22,
            EmailVerified { .. } => 23,
            EmailSent { .. } => 24,
            EmailFailed { .. } => 25,
            EmailChanged { .. } => 26,
            KeyRevoked { .. } => 27,
            ClientRegistered { .. } => 28,
            ClientRegistrationUpdated { .. } => 29,
            ClientRegistrationDeleted { .. } => 30,
            SecondFactorEnrolled { .. } => 31,
            SecondFactorsRemoved { .. } => 32,
            RecoveryCodeUsed { .. } => 33,
            PasskeyAdded { .. } => 34,
            PasskeyRemoved { .. } => 35,
            PasskeyUsed { .. } => 36,
            PasskeyCloneWarning { .. } => 37,
            ScimChanged { .. } => 38,
            UpstreamSignIn { .. } => 39,
            UpstreamLinked { .. } => 40,
            UpstreamUnlinked { .. } => 41,
        }] = true;
    }
    assert!(seen.iter().all(|s| *s), "an event has no example");
    all
}

/// The README's audit-trail paragraph, which operators build their log pipelines from.
fn readme_audit_section() -> &'static str {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("- **Audit trail.**")
        .expect("README audit section");
    let rest = &readme[start..];
    let end = rest[2..].find("\n- ").map_or(rest.len(), |i| i + 2);
    &rest[..end]
}

#[test]
fn the_readme_lists_every_event_and_no_other() {
    let section = readme_audit_section();
    let names: Vec<&str> = one_of_each().iter().map(AuditEvent::name).collect();
    for name in &names {
        assert!(
            section.contains(&format!("`{name}`")),
            "README lacks {name}"
        );
    }
    // The list runs from "an `event` name:" to the first full stop; "(with `grant`)" and
    // the like name fields, not events.
    let list = section.split("name:").nth(1).expect("event list");
    let list = &list[..list.find(". ").expect("end of the event list")];
    let mut listed = Vec::new();
    let mut depth = 0;
    for (i, part) in list.split('`').enumerate() {
        if i % 2 == 1 && depth == 0 {
            listed.push(part);
        } else if i % 2 == 0 {
            depth += part.matches('(').count();
            depth -= part.matches(')').count();
        }
    }
    for name in listed {
        assert!(
            names.contains(&name),
            "README lists {name}, which is no event"
        );
    }
}

#[test]
fn names_are_distinct() {
    let mut names: Vec<&str> = one_of_each().iter().map(AuditEvent::name).collect();
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count);
}

/// The samples of `counters` as `/metrics` shows them, without the comment lines.
fn scraped(counters: &Counters) -> Vec<String> {
    let mut registry = Registry::with_prefix("tessera");
    counters.register(&mut registry);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).expect("encode");
    let mut samples: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    samples.sort();
    samples
}

#[tokio::test]
async fn events_are_counted_in_the_scope_they_are_emitted_in() {
    let counters = Counters::default();
    let other = Counters::default();
    counters
        .scope(async {
            for event in one_of_each() {
                event.emit();
            }
            AuditEvent::TokenIssued {
                grant: Grant::RefreshToken {
                    sub: "u",
                    family: "f",
                },
                client_id: "c",
                jti: "j",
            }
            .emit();
        })
        .await;
    // Outside any server (the admin commands): logged, counted nowhere.
    AuditEvent::LoginFailed {
        client_id: "c",
        ip: IP,
    }
    .emit();
    assert_eq!(
        scraped(&counters),
        [
            "tessera_client_assertion_replays_total 1",
            "tessera_code_reuse_detected_total 1",
            "tessera_key_rotations_total 1",
            "tessera_login_failures_total 1",
            "tessera_login_throttled_total 1",
            "tessera_refresh_reuse_detected_total 1",
            "tessera_tokens_issued_total{grant=\"client_credentials\"} 1",
            "tessera_tokens_issued_total{grant=\"refresh_token\"} 1",
            "tessera_tokens_revoked_total{kind=\"refresh_token\"} 1",
        ]
    );
    assert!(scraped(&other).iter().all(|s| s.ends_with(" 0")));
}
