//! The key-encryption key: 32 random bytes in `<keys.dir>/kek.key` (mode 0600) that encrypt the
//! private signing keys stored in the database (AES-256-GCM, the key id as associated data).

use std::io::Write;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use rand::rngs::OsRng;

use crate::crypto::hmac_sha256;

/// File name of the key-encryption key inside `[keys] dir`.
pub const KEK_FILE: &str = "kek.key";

/// The loaded key-encryption key. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct Kek {
    cipher: Aes256Gcm,
    /// The key itself, only for [`Kek::derive`].
    raw: [u8; 32],
    path: PathBuf,
}

/// What the pairwise-subject key is derived for (domain separation from any other use).
const SUBJECT_KEY_LABEL: &str = "tessera pairwise subject identifiers v1";

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Kek({})", self.path.display())
    }
}

/// Why the key-encryption key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KekError {
    #[error(
        "{0} is missing but the database already holds signing keys encrypted under it; \
         restore keys/ from your backup (Tessera never replaces lost keys silently)"
    )]
    Missing(PathBuf),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0} is not a key-encryption key (expected 32 bytes, base64)")]
    Malformed(PathBuf),
    #[error(
        "{0} does not decrypt the signing keys in the database (wrong key-encryption key, or the \
         database belongs to another installation)"
    )]
    Wrong(PathBuf),
}

impl Kek {
    /// Loads `<dir>/kek.key`. When it is missing, creates it only if `may_create` (the database
    /// holds no keys yet); otherwise that is an error.
    pub fn load_or_create(dir: &Path, may_create: bool) -> Result<Self, KekError> {
        let path = dir.join(KEK_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let bytes = STANDARD
                    .decode(text.trim())
                    .map_err(|_| KekError::Malformed(path.clone()))?;
                let cipher = Aes256Gcm::new_from_slice(&bytes)
                    .map_err(|_| KekError::Malformed(path.clone()))?;
                let raw: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| KekError::Malformed(path.clone()))?;
                Ok(Self { cipher, raw, path })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !may_create {
                    return Err(KekError::Missing(path));
                }
                Self::create(&path)
            }
            Err(e) => Err(KekError::Io(path, e)),
        }
    }

    fn create(path: &Path) -> Result<Self, KekError> {
        let io = |e| KekError::Io(path.to_path_buf(), e);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).map_err(io)?;
        f.write_all(STANDARD.encode(key).as_bytes()).map_err(io)?;
        f.write_all(b"\n").map_err(io)?;
        f.sync_all().map_err(io)?;
        let cipher =
            Aes256Gcm::new_from_slice(&key).map_err(|_| KekError::Malformed(path.to_path_buf()))?;
        tracing::info!(path = %path.display(), "created a new key-encryption key; back it up");
        Ok(Self {
            cipher,
            raw: key,
            path: path.to_path_buf(),
        })
    }

    /// OIDC Core §8.1: the pairwise `sub` of `local_id` in `sector`, base64url of
    /// HMAC-SHA256(sector, local id) under a key derived from this key-encryption key.
    pub fn pairwise_subject(&self, sector: &str, local_id: &str) -> String {
        let message = format!("{sector}\n{local_id}");
        let key = self.derive(SUBJECT_KEY_LABEL);
        URL_SAFE_NO_PAD.encode(hmac_sha256(&key, message.as_bytes()))
    }

    /// Encrypts `plaintext`, binding it to `aad` (the key id): base64(nonce || ciphertext).
    pub fn seal(&self, plaintext: &[u8], aad: &str) -> String {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        STANDARD.encode(out)
    }

    /// A secret for one purpose (`label`), the same on every instance sharing this key:
    /// HMAC-SHA-256 of the label under the key, so no derived secret reveals another or the key.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        hmac_sha256(&self.raw, label.as_bytes())
    }

    /// Decrypts what [`Kek::seal`] produced for the same `aad`.
    pub fn open(&self, sealed: &str, aad: &str) -> Result<Vec<u8>, KekError> {
        let bytes = STANDARD
            .decode(sealed)
            .map_err(|_| KekError::Wrong(self.path.clone()))?;
        if bytes.len() < 12 + 16 {
            return Err(KekError::Wrong(self.path.clone()));
        }
        let (nonce, ct) = bytes.split_at(12);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| KekError::Wrong(self.path.clone()))
    }
}
