//! Which local account an upstream sign-in is (issue rules, in order): the account a previous
//! sign-in linked; else, with `link = "verified_email"`, the account holding an email the
//! upstream marks verified and its owner verified here too (then linked); else, with `provision = true`, a new account (a
//! username made from the upstream's and made unique; its email verified only when the upstream
//! said so); else none.

use crate::audit::AuditEvent;
use crate::config::{LinkPolicy, UpstreamConfig};
use crate::domain::{Email, Username};
use crate::store::{NewUpstreamAccount, Store, StoreError, StoreResult, UserRow};

use super::UpstreamIdentity;

/// How many numbered usernames (`alice-2`, `alice-3`, …) are tried before a random suffix.
const NUMBERED_USERNAMES: u32 = 20;

/// The local account of an upstream sign-in.
#[derive(Debug)]
pub enum Account {
    /// Found or made: sign this person in.
    Found(Box<UserRow>),
    /// No account here, and none may be made.
    None,
    /// The account is disabled.
    Disabled,
}

/// Finds (or links, or makes) the local account for `identity` signing in at upstream `u`.
pub async fn account_for(
    store: &Store,
    u: &UpstreamConfig,
    identity: &UpstreamIdentity,
    now: i64,
) -> StoreResult<Account> {
    let user = match first_link(store, u, identity, now).await {
        // The same upstream account's first sign-in in another tab or instance linked it a
        // moment ago: that link stands.
        Err(StoreError::Conflict("upstream link")) => linked(store, u, identity).await?,
        other => other?,
    };
    Ok(match user {
        Some(user) if user.disabled => Account::Disabled,
        Some(user) => Account::Found(Box::new(user)),
        None => Account::None,
    })
}

/// The linked account, else the first link made now (by email or by provisioning).
async fn first_link(
    store: &Store,
    u: &UpstreamConfig,
    identity: &UpstreamIdentity,
    now: i64,
) -> StoreResult<Option<UserRow>> {
    if let Some(user) = linked(store, u, identity).await? {
        return Ok(Some(user));
    }
    match by_verified_email(store, u, identity).await? {
        Some(user) => {
            store
                .insert_upstream_link(&u.id, &identity.subject, &user.id, now)
                .await?;
            AuditEvent::UpstreamLinked {
                sub: &user.id,
                upstream: &u.id,
                how: "verified_email",
            }
            .emit();
            Ok(Some(user))
        }
        None if u.provision => Ok(Some(provision(store, u, identity, now).await?)),
        None => Ok(None),
    }
}

/// The account a previous sign-in linked this upstream account to.
async fn linked(
    store: &Store,
    u: &UpstreamConfig,
    identity: &UpstreamIdentity,
) -> StoreResult<Option<UserRow>> {
    match store.upstream_link(&u.id, &identity.subject).await? {
        Some(link) => store.user_by_id(&link.user_id).await,
        None => Ok(None),
    }
}

/// The account holding the upstream's email, when linking by email is on and both sides verified
/// the address: the upstream says so (OIDC Core §5.1 `email_verified`), and the account's owner
/// followed a verification link here. An unverified address could be anyone's: on either side it
/// would let one person's sign-in land in another's account.
async fn by_verified_email(
    store: &Store,
    u: &UpstreamConfig,
    identity: &UpstreamIdentity,
) -> StoreResult<Option<UserRow>> {
    if u.link != LinkPolicy::VerifiedEmail || !identity.email_verified {
        return Ok(None);
    }
    let Some(email) = identity.email.as_deref().and_then(|e| Email::parse(e).ok()) else {
        return Ok(None);
    };
    Ok(store
        .user_by_email(&email)
        .await?
        .filter(|user| user.email_verified))
}

/// Makes an account and its link in one transaction. A taken username gets a number; an email
/// another account holds is left off (that account was not linked: its owner did not say so).
async fn provision(
    store: &Store,
    u: &UpstreamConfig,
    identity: &UpstreamIdentity,
    now: i64,
) -> StoreResult<UserRow> {
    let user_id = uuid::Uuid::new_v4().to_string();
    let base = username_base(identity);
    let mut email = identity.email.as_deref().and_then(|e| Email::parse(e).ok());
    let mut attempt = 1;
    loop {
        let username = candidate(&base, attempt);
        let done = store
            .provision_upstream_account(&NewUpstreamAccount {
                user_id: &user_id,
                username: &username,
                email: email.as_ref(),
                email_verified: identity.email_verified,
                name: identity.name.as_deref(),
                upstream_id: &u.id,
                subject: &identity.subject,
                now,
            })
            .await;
        match done {
            Ok(()) => break,
            Err(StoreError::Conflict("username")) if attempt <= NUMBERED_USERNAMES => attempt += 1,
            Err(StoreError::Conflict("email")) if email.is_some() => email = None,
            Err(e) => return Err(e),
        }
    }
    AuditEvent::UpstreamLinked {
        sub: &user_id,
        upstream: &u.id,
        how: "provisioned",
    }
    .emit();
    store
        .user_by_id(&user_id)
        .await?
        .ok_or(StoreError::Conflict("user"))
}

/// What a provisioned username is made from: the upstream's login name, else the email's local
/// part, else the name; reduced to the characters every username may have.
fn username_base(identity: &UpstreamIdentity) -> String {
    let from = identity
        .username
        .clone()
        .or_else(|| {
            identity
                .email
                .as_deref()
                .and_then(|e| e.split('@').next())
                .map(str::to_string)
        })
        .or_else(|| identity.name.clone())
        .unwrap_or_default();
    let base: String = from
        .to_lowercase()
        .chars()
        .map(|c| if c.is_whitespace() { '.' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(48)
        .collect();
    if base.is_empty() { "user".into() } else { base }
}

/// The `attempt`th username to try: the base, then `base-2`, …, then a random suffix.
fn candidate(base: &str, attempt: u32) -> Username {
    let name = match attempt {
        1 => base.to_string(),
        n if n <= NUMBERED_USERNAMES => format!("{base}-{n}"),
        _ => format!("{base}-{}", crate::crypto::random_token(6).to_lowercase()),
    };
    Username::parse(&name).unwrap_or_else(|_| {
        Username::parse(&format!(
            "user-{}",
            crate::crypto::random_token(8).to_lowercase()
        ))
        .unwrap_or_else(|_| unreachable_username())
    })
}

/// `user` always parses; kept out of line so `candidate` has no panic path of its own.
fn unreachable_username() -> Username {
    Username::parse("user").unwrap_or_else(|e| panic!("`user` is a username: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_is_made_from_what_the_upstream_says() {
        let id = |username: Option<&str>, email: Option<&str>, name: Option<&str>| {
            username_base(&UpstreamIdentity {
                username: username.map(String::from),
                email: email.map(String::from),
                name: name.map(String::from),
                ..Default::default()
            })
        };
        assert_eq!(id(Some("Octo Cat"), None, None), "octo.cat");
        assert_eq!(id(None, Some("bob@corp.example"), None), "bob");
        assert_eq!(id(None, None, Some("Ann Lee")), "ann.lee");
        assert_eq!(id(None, None, Some("王")), "user");
        assert_eq!(candidate("bob", 3).as_str(), "bob-3");
    }
}
