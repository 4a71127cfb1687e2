//! A pairwise client's sector identifier URI (OIDC Core §8.1), fetched once at registration
//! (`POST /register`, RFC 7592 PUT, `tessera client create`): the JSON array there must list
//! every redirect URI. Short timeout, no redirects, size-limited.

use std::time::Duration;

use crate::domain::{
    MAX_SECTOR_DOCUMENT_BYTES, RegistrationError, ValidRegistration, check_sector_document,
};

/// How long the fetch may take.
const TIMEOUT: Duration = Duration::from_secs(3);

/// Fetches the registration's sector identifier document, if it has one, and checks that it
/// lists every redirect URI. Nothing is stored by the caller when this fails.
pub async fn check(valid: &ValidRegistration) -> Result<(), RegistrationError> {
    let Some(uri) = &valid.sector_identifier_uri else {
        return Ok(());
    };
    let document = fetch(uri)
        .await
        .map_err(|e| RegistrationError::SectorIdentifierUri(format!("`{uri}` {e}")))?;
    check_sector_document(&valid.redirect_uris, &document)
}

/// The body at `uri`, or why there is none (worded to follow the URI).
async fn fetch(uri: &str) -> Result<Vec<u8>, String> {
    let http = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|_| "could not be fetched".to_string())?;
    let unreachable = |e: reqwest::Error| {
        if e.is_timeout() {
            "did not answer in time".to_string()
        } else {
            "could not be fetched".to_string()
        }
    };
    let mut resp = http.get(uri).send().await.map_err(unreachable)?;
    if !resp.status().is_success() {
        return Err(format!("answered with status {}", resp.status().as_u16()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_SECTOR_DOCUMENT_BYTES {
            return Err(format!(
                "serves more than {MAX_SECTOR_DOCUMENT_BYTES} bytes"
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
