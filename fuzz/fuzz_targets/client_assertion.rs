//! A `private_key_jwt` client assertion (RFC 7523) as the token endpoint first meets it: the
//! unverified `sub` that names the client, then verification against a client's JWK Set.
//! The input is `assertion`, or `assertion \0 jwks` to let the fuzzer write the set too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::domain::Alg;
use tessera::keys::verify_with_jwk_set;
use tessera::oauth::client_auth::private_key_jwt::unverified_subject;

/// A registered set with one public key of each kind (fixed, so runs are reproducible).
const JWKS: &str = r#"{"keys":[
 {"kty":"EC","crv":"P-256","kid":"ec","alg":"ES256","use":"sig",
  "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
 {"kty":"OKP","crv":"Ed25519","kid":"ed","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
 {"kty":"RSA","kid":"rsa","e":"AQAB",
  "n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}
]}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (assertion, jwks) = text.split_once('\0').unwrap_or((text, JWKS));
    let _ = unverified_subject(assertion);
    // Nobody can forge these signatures: anything the fuzzer writes must be refused.
    if jwks == JWKS {
        assert!(verify_with_jwk_set(assertion, jwks, &Alg::ALL).is_err());
    } else {
        let _ = verify_with_jwk_set(assertion, jwks, &Alg::ALL);
    }
});
