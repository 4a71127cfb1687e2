//! Client authentication methods at the token, revocation and introspection endpoints
//! (RFC 6749 §2.3, OIDC Core §9, RFC 7591 §2 `token_endpoint_auth_method`).

use super::ClientKind;
use super::closed_set::closed_set;

closed_set! {
    /// How a client proves its identity. A client may use only the method it registered.
    pub enum AuthMethod("client authentication method") {
        /// RFC 6749 §2.3.1: id and secret in `Authorization: Basic`.
        ClientSecretBasic = "client_secret_basic",
        /// RFC 6749 §2.3.1: id and secret as form parameters.
        ClientSecretPost = "client_secret_post",
        /// RFC 7523 §2.2, OIDC Core §9: a JWT signed with a key from the client's JWK Set.
        PrivateKeyJwt = "private_key_jwt",
        /// A public client: `client_id` alone, no proof.
        None = "none",
    }
}

impl AuthMethod {
    /// Public for `none`, confidential for every method that proves something.
    pub fn kind(self) -> ClientKind {
        match self {
            AuthMethod::None => ClientKind::Public,
            AuthMethod::ClientSecretBasic
            | AuthMethod::ClientSecretPost
            | AuthMethod::PrivateKeyJwt => ClientKind::Confidential,
        }
    }

    /// Whether Tessera issues (and stores the hash of) a client secret for this method.
    pub fn uses_secret(self) -> bool {
        matches!(
            self,
            AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{AuthMethod, ClientKind};

    #[test]
    fn names_round_trip_through_parse_and_serde() {
        for method in AuthMethod::ALL {
            assert_eq!(AuthMethod::parse(method.as_str()), Some(method));
            assert_eq!(serde_json::to_value(method).unwrap(), method.as_str());
        }
        assert_eq!(AuthMethod::parse("client_secret_jwt"), None);
    }

    #[test]
    fn only_none_is_public() {
        for method in AuthMethod::ALL {
            assert_eq!(
                method.kind() == ClientKind::Public,
                method == AuthMethod::None,
                "{method}"
            );
        }
    }
}
