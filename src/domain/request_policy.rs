//! How a client must send its authorization requests: through PAR (RFC 9126 §6), as a signed
//! request object (RFC 9101 §10.5), and with which algorithm (OIDC Dynamic Client Registration
//! §2 `request_object_signing_alg`). Set by `tessera client create/update` and by dynamic
//! registration alike.

use super::{Alg, Profile};

/// A client's request policy; the default asks nothing beyond the global configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestPolicy {
    /// `require_pushed_authorization_requests`: a plain `/authorize` is refused.
    pub require_par: bool,
    /// `require_signed_request_object`: every request carries a signed `request` object.
    pub require_signed_request_object: bool,
    /// `request_object_signing_alg`: the only algorithm accepted on its request objects;
    /// `None`: any of [`Alg::ALL`].
    pub request_object_signing_alg: Option<Alg>,
    /// A security profile the client is held to (`--profile fapi2`).
    pub profile: Option<Profile>,
}

impl RequestPolicy {
    /// The algorithms this client's request objects may be signed with (never `none` or HMAC).
    pub fn request_object_algs(&self) -> Vec<Alg> {
        match self.request_object_signing_alg {
            Some(alg) => vec![alg],
            None => Alg::ALL.to_vec(),
        }
    }

    /// Whether FAPI 2.0 applies: the client's profile, or the server's (`global`).
    pub fn fapi2(&self, global: Option<Profile>) -> bool {
        self.profile == Some(Profile::Fapi2) || global == Some(Profile::Fapi2)
    }

    /// Whether the client signs request objects at all (so it needs registered keys).
    pub fn uses_request_objects(&self) -> bool {
        self.require_signed_request_object || self.request_object_signing_alg.is_some()
    }
}
