//! Passkeys (WebAuthn Level 2+, through `webauthn-rs`; the only module that uses it):
//! registration of a discoverable credential with user verification required, and sign-in
//! with one without a username. The relying party is the issuer: RP ID = its host, origin =
//! its origin. WebAuthn has no RP ID for an IP address, so with an issuer such as
//! `http://127.0.0.1:8080` passkeys are off (the buttons are not shown).
//!
//! The ceremony state (the challenge) waits in the browser session between the options and the
//! answer, and is taken out when the answer comes: a challenge is answered at most once.
//! Signature counters are checked as the crate recommends (W3C WebAuthn §7.2 step 21): a
//! counter that did not grow is a possibly cloned authenticator, refused and audited.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};

use crate::crypto::sha256_hex;
use crate::domain::Amr;
use crate::store::{NewPasskey, PasskeyRow, Store, StoreError};

/// The relying party, or `None` when the issuer cannot be one (an IP address).
#[derive(Clone)]
pub struct Passkeys(Option<std::sync::Arc<Webauthn>>);

impl std::fmt::Debug for Passkeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Passkeys(enabled: {})", self.0.is_some())
    }
}

/// The state of a registration between its options and the authenticator's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegistrationState(PasskeyRegistration);

/// The state of a sign-in between its options and the authenticator's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInState(DiscoverableAuthentication);

/// Why a passkey was not accepted. The person sees one message for all of them.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// Passkeys are off (the issuer is an IP address).
    #[error("passkeys are not available")]
    Unavailable,
    /// The answer is not a WebAuthn credential in JSON.
    #[error("the passkey answer does not parse")]
    Malformed,
    /// The answer does not verify (another RP ID, a bad signature, another
    /// challenge, no user verification).
    #[error("the passkey answer does not verify: {0}")]
    Invalid(WebauthnError),
    /// No passkey with that credential id, or it is someone else's than the user handle says.
    #[error("unknown passkey")]
    Unknown,
    /// The credential id is registered already.
    #[error("the passkey is registered already")]
    Duplicate,
    /// The passkey's owner is disabled.
    #[error("the passkey's owner is disabled")]
    Disabled,
    /// The signature counter went backwards: the authenticator may have been cloned.
    #[error("the passkey's signature counter went backwards")]
    PossibleClone { user_id: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A passkey that verified at sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user_id: String,
    pub credential_id: String,
    /// `["hwk" | "swk", "user", "mfa"]` (see [`Amr::passkey`]).
    pub amr: Amr,
}

impl Passkeys {
    /// The relying party for `issuer` (`https://id.example.com` → RP ID `id.example.com`).
    pub fn new(issuer: &str, rp_name: &str) -> Self {
        let built = Url::parse(issuer)
            .ok()
            .and_then(|origin| {
                let rp_id = origin.domain()?.to_string();
                WebauthnBuilder::new(&rp_id, &origin)
                    .ok()?
                    .rp_name(rp_name)
                    .build()
                    .ok()
            })
            .map(std::sync::Arc::new);
        if built.is_none() {
            tracing::info!(
                issuer,
                "passkeys are off: the issuer's host is not a domain name"
            );
        }
        Self(built)
    }

    /// Whether passkeys can be used at all.
    pub fn enabled(&self) -> bool {
        self.0.is_some()
    }

    fn rp(&self) -> Result<&Webauthn, Refused> {
        self.0.as_deref().ok_or(Refused::Unavailable)
    }

    /// The options for `navigator.credentials.create()` (JSON) and the state to keep: a
    /// discoverable credential (resident key required), user verification required, none of
    /// the person's passkeys again.
    pub fn start_registration(
        &self,
        user_id: &str,
        username: &str,
        display_name: &str,
        existing: &[PasskeyRow],
    ) -> Result<(serde_json::Value, RegistrationState), Refused> {
        let exclude = existing
            .iter()
            .filter_map(|p| URL_SAFE_NO_PAD.decode(&p.credential_id).ok())
            .collect();
        let (mut options, state) = self
            .rp()?
            .start_passkey_registration(user_handle(user_id), username, display_name, Some(exclude))
            .map_err(Refused::Invalid)?;
        if let Some(sel) = options.public_key.authenticator_selection.as_mut() {
            // webauthn-rs leaves residence optional; a sign-in without a username needs it.
            sel.require_resident_key = true;
        }
        let mut json = serde_json::to_value(&options).map_err(|_| Refused::Unavailable)?;
        json["publicKey"]["authenticatorSelection"]["residentKey"] = "required".into();
        Ok((json, RegistrationState(state)))
    }

    /// Verifies the authenticator's answer (`response` as the browser gave it, JSON) and stores
    /// the passkey under `name`; returns its credential id.
    pub async fn finish_registration(
        &self,
        store: &Store,
        user_id: &str,
        name: &str,
        response: &str,
        state: &RegistrationState,
        now: i64,
    ) -> Result<String, Refused> {
        let response: RegisterPublicKeyCredential =
            serde_json::from_str(response).map_err(|_| Refused::Malformed)?;
        let passkey = self
            .rp()?
            .finish_passkey_registration(&response, &state.0)
            .map_err(Refused::Invalid)?;
        let credential_id = URL_SAFE_NO_PAD.encode(passkey.cred_id());
        let credential = serde_json::to_string(&passkey).map_err(|_| Refused::Unavailable)?;
        let added = store
            .insert_passkey(&NewPasskey {
                credential_id: &credential_id,
                user_id,
                name,
                credential: &credential,
                now,
            })
            .await?;
        if !added {
            return Err(Refused::Duplicate);
        }
        Ok(credential_id)
    }

    /// The options for `navigator.credentials.get()` with no allowed credentials (the
    /// authenticator offers its discoverable ones) and the state to keep.
    pub fn start_sign_in(&self) -> Result<(serde_json::Value, SignInState), Refused> {
        let (mut options, state) = self
            .rp()?
            .start_discoverable_authentication()
            .map_err(Refused::Invalid)?;
        // A button press asks at once; conditional mediation is for autofill.
        options.mediation = None;
        let json = serde_json::to_value(&options).map_err(|_| Refused::Unavailable)?;
        Ok((json, SignInState(state)))
    }

    /// Verifies a sign-in answer against the stored passkey it names (read with whether its
    /// owner is disabled: a disabled person's passkey is refused unread) and records its use
    /// (counter and last-used time): one read and one write.
    pub async fn finish_sign_in(
        &self,
        store: &Store,
        response: &str,
        state: SignInState,
        now: i64,
    ) -> Result<SignedIn, Refused> {
        let rp = self.rp()?;
        let response: PublicKeyCredential =
            serde_json::from_str(response).map_err(|_| Refused::Malformed)?;
        let (handle, raw_id) = rp
            .identify_discoverable_authentication(&response)
            .map_err(Refused::Invalid)?;
        let credential_id = URL_SAFE_NO_PAD.encode(raw_id);
        let row = store
            .passkey(&credential_id)
            .await?
            .filter(|row| user_handle(&row.user_id) == handle)
            .ok_or(Refused::Unknown)?;
        if row.user_disabled {
            return Err(Refused::Disabled);
        }
        let mut passkey: Passkey =
            serde_json::from_str(&row.credential).map_err(|_| Refused::Unknown)?;
        let result = match rp.finish_discoverable_authentication_v2(&response, state.0, &passkey) {
            Ok(r) => r,
            Err(WebauthnError::CredentialPossibleCompromise) => {
                return Err(Refused::PossibleClone {
                    user_id: row.user_id,
                });
            }
            Err(e) => return Err(Refused::Invalid(e)),
        };
        passkey.update_credential(&result);
        let credential = serde_json::to_string(&passkey).map_err(|_| Refused::Unavailable)?;
        store
            .record_passkey_use(&credential_id, &credential, now)
            .await?;
        Ok(SignedIn {
            user_id: row.user_id,
            credential_id,
            amr: Amr::passkey(!result.backup_eligible(), result.user_verified()),
        })
    }
}

/// The WebAuthn user handle of a person: their subject when it is a UUID (as `user create`
/// makes them), else 16 bytes of its SHA-256. Never the username, which can change.
fn user_handle(user_id: &str) -> Uuid {
    Uuid::parse_str(user_id).unwrap_or_else(|_| {
        let hex = sha256_hex(user_id);
        let mut bytes = [0u8; 16];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or_default();
        }
        Uuid::from_bytes(bytes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ip_address_issuer_has_no_passkeys() {
        assert!(!Passkeys::new("http://127.0.0.1:8080", "Tessera").enabled());
        assert!(Passkeys::new("http://localhost:8080", "Tessera").enabled());
        assert!(Passkeys::new("https://id.example.com", "Tessera").enabled());
    }

    #[test]
    fn registration_asks_for_a_discoverable_user_verified_credential() {
        let rp = Passkeys::new("https://id.example.com", "Tessera");
        let (options, _) = rp
            .start_registration(
                "6f1c5a4e-1b7e-4f59-9a4c-3d2b1a0f9e8d",
                "alice",
                "Alice",
                &[],
            )
            .expect("options");
        let sel = &options["publicKey"]["authenticatorSelection"];
        assert_eq!(sel["residentKey"], "required");
        assert_eq!(sel["requireResidentKey"], true);
        assert_eq!(sel["userVerification"], "required");
        assert_eq!(options["publicKey"]["rp"]["id"], "id.example.com");
    }

    #[test]
    fn user_handles_are_stable() {
        let id = "6f1c5a4e-1b7e-4f59-9a4c-3d2b1a0f9e8d";
        assert_eq!(user_handle(id).to_string(), id);
        assert_eq!(user_handle("not-a-uuid"), user_handle("not-a-uuid"));
        assert_ne!(user_handle("not-a-uuid"), user_handle("another"));
    }
}
