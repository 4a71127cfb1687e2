//! `tessera user …`

use clap::Subcommand;
use serde::Serialize;

use super::{print_json, read_password_line, report_assignment, report_removal};
use crate::account::sign_out::{self, Which};
use crate::audit::{AuditEvent, FamilyRevocation, SessionEnd};
use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::hash_password;
use crate::domain::password::{NewPassword, PasswordPolicy};
use crate::domain::{Email, Username};
use crate::keys::KeyManager;
use crate::services::email::{Job, Outcome, deliverer};
use crate::services::second_factor::{self, NewSecret};
use crate::store::{Store, StoreError};

/// User commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input (one line).
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// List users.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable a user: they can no longer sign in or refresh tokens.
    Disable {
        #[arg(long)]
        username: String,
        #[arg(long)]
        json: bool,
    },
    /// Set a user's password from standard input (one line).
    SetPassword {
        #[arg(long)]
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// End every browser session of a user and revoke their refresh tokens (with the access
    /// tokens issued with them); the clients of those sessions get Back-Channel Logout.
    SignOutEverywhere {
        #[arg(long)]
        username: String,
        #[arg(long)]
        json: bool,
    },
    /// Give a user a role.
    AddRole {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        json: bool,
    },
    /// Take a role from a user (effective at their next token or refresh).
    RemoveRole {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        json: bool,
    },
    /// Put a user in a group (the `groups` claim).
    AddGroup {
        #[arg(long)]
        username: String,
        #[arg(long)]
        group: String,
        #[arg(long)]
        json: bool,
    },
    /// Authenticator apps (TOTP).
    Totp {
        #[command(subcommand)]
        cmd: TotpCommand,
    },
    /// Second factors as a whole.
    Mfa {
        #[command(subcommand)]
        cmd: MfaCommand,
    },
    /// Take a user out of a group.
    RemoveGroup {
        #[arg(long)]
        username: String,
        #[arg(long)]
        group: String,
        #[arg(long)]
        json: bool,
    },
}

/// `tessera user totp …`
#[derive(Debug, Subcommand)]
pub enum TotpCommand {
    /// Enroll an authenticator app for a user (replacing any secret and recovery codes they
    /// had); prints the secret, its otpauth URI and ten recovery codes, once.
    Enroll {
        #[arg(long)]
        username: String,
        #[arg(long)]
        json: bool,
    },
}

/// `tessera user mfa …`
#[derive(Debug, Subcommand)]
pub enum MfaCommand {
    /// Remove a user's authenticator app, recovery codes and passkeys (they sign in with their
    /// password alone, or enroll again).
    Reset {
        #[arg(long)]
        username: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct UserOut {
    id: String,
    username: String,
    email: Option<String>,
    name: Option<String>,
    disabled: bool,
    created_at: i64,
    /// The ways the user can sign in: `password`, `totp`, `recovery_codes`, `passkeys`.
    factors: Vec<&'static str>,
    /// Unused recovery codes.
    recovery_codes_left: i64,
    /// Registered passkeys.
    passkeys: i64,
}

/// Runs a user command; new passwords must meet `config.password`.
pub(super) async fn run(cmd: UserCommand, store: &Store, config: &Config) -> anyhow::Result<()> {
    let policy = &config.password.policy();
    match cmd {
        UserCommand::SignOutEverywhere { username, json } => {
            sign_out_everywhere(&username, json, config).await
        }
        UserCommand::Create {
            username,
            email,
            name,
            json,
            ..
        } => {
            let username = parse_username(&username)?;
            let email = email
                .as_deref()
                .map(Email::parse)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let inputs = [
                Some(username.as_str()),
                email.as_ref().map(Email::as_str),
                name.as_deref(),
            ];
            let inputs: Vec<&str> = inputs.into_iter().flatten().collect();
            let password = read_new_password(policy, &inputs)?;
            let hash = hash_password(&password, config.password.argon2())?;
            let id = uuid::Uuid::new_v4().to_string();
            match store
                .create_user(&id, &username, email.as_ref(), name.as_deref(), &hash)
                .await
            {
                Err(StoreError::Conflict("email")) => anyhow::bail!(
                    "another user has the email address `{}` (addresses are compared \
                     ignoring case)",
                    email.as_ref().map(Email::as_str).unwrap_or_default()
                ),
                Err(StoreError::Conflict(_)) => {
                    let holder = store.user_by_username(&username).await?;
                    let holder = holder.map(|u| u.username).unwrap_or_default();
                    anyhow::bail!(
                        "a user named `{holder}` already exists: usernames are compared \
                         ignoring case and Unicode compatibility forms, so `{username}` is taken"
                    )
                }
                other => other?,
            }
            if email.is_some() {
                send_verification(store, config, &id).await;
            }
            if json {
                print_json(&serde_json::json!({"id": id, "username": username.as_str()}))
            } else {
                println!("created user {username} (subject {id})");
                Ok(())
            }
        }
        UserCommand::List { json } => {
            let mut users = Vec::new();
            for u in store.list_users().await? {
                let f = store.factors(&u.id).await?;
                let mut factors = vec!["password"];
                if f.totp {
                    factors.push("totp");
                }
                if f.recovery_codes_left > 0 {
                    factors.push("recovery_codes");
                }
                if f.passkeys > 0 {
                    factors.push("passkeys");
                }
                users.push(UserOut {
                    id: u.id,
                    username: u.username,
                    email: u.email,
                    name: u.name,
                    disabled: u.disabled,
                    created_at: u.created_at,
                    factors,
                    recovery_codes_left: f.recovery_codes_left,
                    passkeys: f.passkeys,
                });
            }
            if json {
                return print_json(&users);
            }
            for u in users {
                let state = if u.disabled { "disabled" } else { "active" };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.id,
                    u.email.as_deref().unwrap_or("-"),
                    state,
                    u.factors.join(",")
                );
            }
            Ok(())
        }
        UserCommand::Disable { username, json } => {
            let username = parse_username(&username)?;
            if !store.disable_user(&username).await? {
                anyhow::bail!("no user named `{username}`");
            }
            // Disabled at once, as with SCIM's `active: false`: sessions end, refresh tokens and
            // the access tokens issued with them are revoked.
            let (sessions, families) =
                end_everything(&username, FamilyRevocation::UserDisabled, config).await?;
            if json {
                print_json(&serde_json::json!({
                    "username": username.as_str(),
                    "disabled": true,
                    "sessions_ended": sessions,
                    "refresh_tokens_revoked": families,
                }))
            } else {
                println!(
                    "disabled user {username}: {sessions} session(s) ended, {families} refresh token(s) revoked"
                );
                Ok(())
            }
        }
        UserCommand::AddRole {
            username,
            role,
            json,
        } => report_assignment(
            store
                .add_user_role(&parse_username(&username)?, &role)
                .await?,
            &format!("user `{username}`"),
            &role,
            json,
        ),
        UserCommand::RemoveRole {
            username,
            role,
            json,
        } => report_removal(
            store
                .remove_user_role(&parse_username(&username)?, &role)
                .await?,
            &format!("role `{role}` of user `{username}`"),
            json,
        ),
        UserCommand::AddGroup {
            username,
            group,
            json,
        } => {
            let group = crate::domain::parse_role_name(&group).map_err(anyhow::Error::msg)?;
            let username = parse_username(&username)?;
            if !store.add_user_group(&username, group).await? {
                anyhow::bail!("no user named `{username}`");
            }
            if json {
                return print_json(
                    &serde_json::json!({"username": username.as_str(), "group": group}),
                );
            }
            println!("user {username} is now in group {group}");
            Ok(())
        }
        UserCommand::RemoveGroup {
            username,
            group,
            json,
        } => report_removal(
            store
                .remove_user_group(&parse_username(&username)?, &group)
                .await?,
            &format!("group `{group}` of user `{username}`"),
            json,
        ),
        UserCommand::Totp {
            cmd: TotpCommand::Enroll { username, json },
        } => totp_enroll(&username, json, store, config).await,
        UserCommand::Mfa {
            cmd: MfaCommand::Reset { username, json },
        } => mfa_reset(&username, json, store).await,
        UserCommand::SetPassword { username, json, .. } => {
            let username = parse_username(&username)?;
            let Some(user) = store.user_by_username(&username).await? else {
                anyhow::bail!("no user named `{username}`");
            };
            let new = read_new_password(policy, &user.own_words())?;
            let hash = hash_password(&new, config.password.argon2())?;
            if !store.set_user_password(&username, &hash).await? {
                anyhow::bail!("no user named `{username}`");
            }
            if json {
                print_json(
                    &serde_json::json!({"username": username.as_str(), "password_changed": true}),
                )
            } else {
                println!("changed the password of {username}");
                Ok(())
            }
        }
    }
}

/// Sends the new user a verification link when email is configured: once, bounded by
/// `email.send_timeout` (this process does not stay to retry). A failure is a warning on
/// standard error; the user exists either way, and the account page can send another link.
async fn send_verification(store: &Store, config: &Config, user_id: &str) {
    let sender = match deliverer(config, store.clone(), store.clock().clone(), &[]) {
        Ok(Some(d)) => d,
        Ok(None) => return,
        Err(e) => {
            eprintln!("warning: no verification email was sent: {e}");
            return;
        }
    };
    let job = Job::Verify {
        user_id: user_id.to_string(),
    };
    match sender.run(&job).await {
        Outcome::Sent | Outcome::Nothing => {}
        Outcome::Failed(e) => eprintln!("warning: the verification email was not sent: {e}"),
    }
}

/// A username given on the command line, under the identifier profile: `--username ALICE`
/// names the user `alice`.
fn parse_username(s: &str) -> anyhow::Result<Username> {
    Username::parse(s).map_err(anyhow::Error::msg)
}

/// The password on standard input, NFKC-normalised for hashing and held to `policy`;
/// `inputs` (the username, email and name) are what it must not be built from.
fn read_new_password(policy: &PasswordPolicy, inputs: &[&str]) -> anyhow::Result<NewPassword> {
    NewPassword::parse_for(&read_password_line()?, policy, inputs)
        .map_err(|reason| anyhow::anyhow!("password refused: {reason}"))
}

/// `user sign-out-everywhere`: the account page's "Sign out everywhere" from the shell, by the
/// same code a server runs; then it waits for the Back-Channel Logout deliveries to finish.
async fn sign_out_everywhere(username: &str, json: bool, config: &Config) -> anyhow::Result<()> {
    let username = parse_username(username)?;
    let (sessions, families) =
        end_everything(&username, FamilyRevocation::SignedOutEverywhere, config).await?;
    if json {
        print_json(&serde_json::json!({
            "username": username.as_str(),
            "sessions_ended": sessions,
            "refresh_tokens_revoked": families,
        }))
    } else {
        println!(
            "signed out {username}: {sessions} session(s) ended, {families} refresh token(s) revoked"
        );
        Ok(())
    }
}

/// Ends every session of `username` and revokes their refresh tokens with the access tokens
/// issued with them, telling the clients by Back-Channel Logout; (sessions ended, families
/// revoked).
async fn end_everything(
    username: &Username,
    reason: FamilyRevocation,
    config: &Config,
) -> anyhow::Result<(usize, usize)> {
    let state = crate::server::prepare(config.clone(), Clock::system()).await?;
    let user = state
        .store
        .user_by_username(username)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no user named `{username}`"))?;
    let ended = sign_out::end_sessions(&state, &user.id, Which::All, reason)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.english()))?;
    let (sessions, families) = (ended.sessions.len(), ended.families);
    AuditEvent::SessionsEnded {
        sub: &user.id,
        reason: SessionEnd::Operator,
        count: sessions,
    }
    .emit();
    sign_out::notify_and_wait(&state, ended.sessions).await;
    state.store.close().await;
    Ok((sessions, families))
}

/// `user totp enroll`: a new secret and recovery codes, stored at once (the operator hands them
/// over); the secret is sealed under the key-encryption key.
async fn totp_enroll(
    username: &str,
    json: bool,
    store: &Store,
    config: &Config,
) -> anyhow::Result<()> {
    let username = parse_username(username)?;
    let Some(user) = store.user_by_username(&username).await? else {
        anyhow::bail!("no user named `{username}`");
    };
    let keys = KeyManager::open(store, config).await?;
    let secret = NewSecret::generate(&config.issuer_host(), &user.username);
    let now = store.clock().now();
    let codes = second_factor::enroll(store, &keys, &user.id, &secret, None, now).await?;
    AuditEvent::SecondFactorEnrolled {
        sub: &user.id,
        what: "totp",
    }
    .emit();
    if json {
        return print_json(&serde_json::json!({
            "secret": secret.base32,
            "otpauth_uri": secret.otpauth_uri,
            "recovery_codes": codes,
        }));
    }
    println!("enrolled an authenticator app for {username}");
    println!("secret: {}", secret.base32);
    println!("otpauth URI: {}", secret.otpauth_uri);
    println!("recovery codes (each works once):");
    for c in codes {
        println!("  {c}");
    }
    Ok(())
}

/// `user mfa reset`: every second factor of the user removed.
async fn mfa_reset(username: &str, json: bool, store: &Store) -> anyhow::Result<()> {
    let username = parse_username(username)?;
    let Some(user) = store.user_by_username(&username).await? else {
        anyhow::bail!("no user named `{username}`");
    };
    let removed = store.remove_second_factors(&user.id).await?;
    let removed = store.remove_passkeys(&user.id).await? > 0 || removed;
    if removed {
        AuditEvent::SecondFactorsRemoved { sub: &user.id }.emit();
    }
    if json {
        return print_json(&serde_json::json!({
            "username": username.as_str(),
            "removed": removed,
        }));
    }
    if removed {
        println!("removed every second factor of {username}");
    } else {
        println!("{username} had no second factor");
    }
    Ok(())
}
