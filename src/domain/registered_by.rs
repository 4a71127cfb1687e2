//! How a client came to exist: by the operator's hand or by dynamic registration (RFC 7591).

use super::closed_set::closed_set;

closed_set! {
    /// Who registered a client. A dynamic client was vouched for by nobody: it is never
    /// first-party and people see it marked as not verified by the operator.
    pub enum RegisteredBy("registration origin") {
        /// `tessera client create`.
        Operator = "operator",
        /// `POST /register` (RFC 7591).
        Dynamic = "dynamic",
        /// Not stored: its client_id is the URL of its metadata document
        /// (draft-ietf-oauth-client-id-metadata-document).
        MetadataDocument = "metadata_document",
    }
}
