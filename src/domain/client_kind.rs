//! Client types (RFC 6749 §2.1): whether a client can keep a credential.

use super::closed_set::closed_set;

closed_set! {
    /// Whether a client can keep a credential confidential (RFC 6749 §2.1). Follows from its
    /// [`AuthMethod`](super::AuthMethod): only `none` makes a public client.
    pub enum ClientKind("client type") {
        /// Holds no credential (a browser or native app): must use PKCE, may not use
        /// `client_credentials`.
        Public = "public",
        /// Authenticates with a secret or a signed assertion.
        Confidential = "confidential",
    }
}
