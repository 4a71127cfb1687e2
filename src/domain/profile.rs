//! Security profiles a client (or the whole server) can be held to.

use super::closed_set::closed_set;

closed_set! {
    /// A set of stricter rules applied on top of the defaults.
    pub enum Profile("security profile") {
        /// FAPI 2.0 Security Profile: PAR, PKCE S256, `private_key_jwt` for confidential
        /// clients, PS256/ES256/EdDSA signatures, codes of at most 60 s, `iss` in the
        /// authorization response. (Sender-constrained tokens: see the DPoP TODO.)
        Fapi2 = "fapi2",
    }
}

/// The longest authorization-code lifetime FAPI 2.0 allows (Security Profile §5.3.2.1: "shall
/// issue authorization codes with a maximum lifetime of 60 seconds").
pub const FAPI2_MAX_CODE_TTL: i64 = 60;

/// The signature algorithms FAPI 2.0 allows (Security Profile §5.4.1: PS256, ES256, EdDSA).
pub const FAPI2_ALGS: [super::Alg; 3] = [super::Alg::PS256, super::Alg::ES256, super::Alg::EdDSA];
