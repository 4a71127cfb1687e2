//! JWS signing algorithms Tessera holds keys for and accepts (RFC 7518 §3, RFC 8037 §3.1).
//! Only the names live here; generating keys and signing with them is `keys`' business.

use super::closed_set::closed_set;

closed_set! {
    /// A JWS signing algorithm Tessera can hold keys for. `none` and HMAC are deliberately absent.
    #[derive(PartialOrd, Ord)]
    pub enum Alg("algorithm") {
        RS256 = "RS256",
        PS256 = "PS256",
        ES256 = "ES256",
        EdDSA = "EdDSA",
    }
}

impl Alg {
    /// The JWA name, as JOSE headers and JWKs carry it: [`Alg::as_str`] by the name JOSE uses.
    pub fn name(self) -> &'static str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::Alg;

    #[test]
    fn names_round_trip_through_parse_and_serde() {
        for alg in Alg::ALL {
            assert_eq!(Alg::parse(alg.as_str()), Some(alg));
            assert_eq!(serde_json::to_value(alg).unwrap(), alg.as_str());
            assert_eq!(
                serde_json::from_value::<Alg>(alg.as_str().into()).unwrap(),
                alg
            );
        }
        for refused in ["none", "HS256", "rs256", ""] {
            assert_eq!(Alg::parse(refused), None, "{refused}");
            assert!(refused.parse::<Alg>().is_err());
        }
    }
}
