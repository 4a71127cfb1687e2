//! Security profiles a client (or the whole server) can be held to.

use super::closed_set::closed_set;

closed_set! {
    /// A set of stricter rules applied on top of the defaults.
    pub enum Profile("security profile") {
        /// FAPI 2.0 Security Profile: PAR, PKCE S256, confidential clients with
        /// `private_key_jwt` only, PS256/ES256/EdDSA signatures, codes of at most 60 s, `iss` in the
        /// authorization response. (Sender-constrained tokens: see the DPoP TODO.)
        Fapi2 = "fapi2",
    }
}

/// The longest authorization-code lifetime the FAPI 2.0 Security Profile allows (60 seconds).
pub const FAPI2_MAX_CODE_TTL: i64 = 60;

/// The signature algorithms the FAPI 2.0 Security Profile allows.
pub const FAPI2_ALGS: [super::Alg; 3] = [super::Alg::PS256, super::Alg::ES256, super::Alg::EdDSA];
