//! Which `sub` a client sees for a person (OpenID Connect Core §8).

use super::closed_set::closed_set;

closed_set! {
    /// A client's subject identifier type (OIDC Core §8, `subject_type` in RFC 7591 metadata).
    #[derive(Default)]
    pub enum SubjectType("subject type") {
        /// The same `sub` for every client: the person's local id.
        #[default]
        Public = "public",
        /// A `sub` per sector (the host of the redirect URIs, or of the
        /// `sector_identifier_uri`), so clients of different sectors cannot correlate people.
        Pairwise = "pairwise",
    }
}
