//! Client keys and `private_key_jwt` assertions (RFC 7523) made the way a client would.

use josekit::jwk::Jwk;
use josekit::jws::{ES256, JwsHeader};
use serde_json::{Value, json};

/// A client's ES256 key pair.
pub struct ClientKey {
    pub kid: String,
    private: Jwk,
    pub public: Jwk,
}

impl ClientKey {
    /// A fresh key with `kid`.
    pub fn generate(kid: &str) -> Self {
        let pair = ES256.generate_key_pair().unwrap();
        let mut private = pair.to_jwk_private_key();
        private.set_algorithm("ES256");
        let mut public = pair.to_jwk_public_key();
        public.set_key_id(kid);
        public.set_algorithm("ES256");
        public.set_key_use("sig");
        ClientKey {
            kid: kid.to_string(),
            private,
            public,
        }
    }

    /// The private half (for tests that build JWS by hand).
    pub fn private_jwk(&self) -> Jwk {
        self.private.clone()
    }

    /// A JWK Set document of these keys' public halves.
    pub fn jwks(keys: &[&ClientKey]) -> String {
        json!({"keys": keys.iter().map(|k| Value::Object(k.public.as_ref().clone())).collect::<Vec<_>>()})
            .to_string()
    }

    /// Signs `claims` with this key, `kid` in the header.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = JwsHeader::new();
        header.set_token_type("JWT");
        header.set_key_id(&self.kid);
        let signer = ES256.signer_from_jwk(&self.private).unwrap();
        josekit::jws::serialize_compact(claims.to_string().as_bytes(), &header, &signer).unwrap()
    }

    /// A well-formed assertion for `client_id` at `token_endpoint`, valid for 60 s.
    pub fn assertion(&self, client_id: &str, token_endpoint: &str) -> String {
        self.sign(&assertion_claims(client_id, token_endpoint))
    }
}

/// The claims of a good assertion, to be tampered with by tests.
pub fn assertion_claims(client_id: &str, aud: &str) -> Value {
    let now = tessera::clock::Clock::system().now();
    json!({
        "iss": client_id,
        "sub": client_id,
        "aud": aud,
        "iat": now,
        "exp": now + 60,
        "jti": uuid::Uuid::new_v4().to_string(),
    })
}

/// The form parameters that carry an assertion.
pub fn assertion_params(assertion: &str) -> Vec<(&'static str, &str)> {
    vec![
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", assertion),
    ]
}
