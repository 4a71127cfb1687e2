//! PKCE code challenge methods (RFC 7636 §4.2).

use super::closed_set::closed_set;

closed_set! {
    /// How a code challenge is derived from its verifier. `plain` is refused (RFC 9700 §2.1.1),
    /// and so is a missing method, which RFC 7636 §4.3 reads as `plain`.
    pub enum CodeChallengeMethod("code challenge method") {
        /// base64url(SHA-256(code_verifier)).
        S256 = "S256",
    }
}
