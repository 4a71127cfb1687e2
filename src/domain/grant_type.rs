//! OAuth 2.0 grant types Tessera serves at the token endpoint (RFC 6749 §4.1, §4.4, §6;
//! RFC 8628; RFC 8693).

use super::closed_set::closed_set;

closed_set! {
    /// A grant type a client may be registered for, and the token endpoint's `grant_type`.
    pub enum GrantType("grant type") {
        /// RFC 6749 §4.1: a code from the authorization endpoint, for tokens.
        AuthorizationCode = "authorization_code",
        /// RFC 6749 §6: a refresh token, for fresh tokens.
        RefreshToken = "refresh_token",
        /// RFC 6749 §4.4: a confidential client's own credentials, for an access token.
        ClientCredentials = "client_credentials",
        /// RFC 8628 §3.4: a device polls with its device code once a person approved it.
        DeviceCode = "urn:ietf:params:oauth:grant-type:device_code",
        /// RFC 8693 §2.1: a service trades a person's access token for one aimed at another
        /// service, acting on the person's behalf.
        TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange",
    }
}

#[cfg(test)]
mod tests {
    use super::GrantType;

    #[test]
    fn names_round_trip_through_parse_and_serde() {
        for grant in GrantType::ALL {
            assert_eq!(GrantType::parse(grant.as_str()), Some(grant));
            assert_eq!(serde_json::to_value(grant).unwrap(), grant.as_str());
        }
        for refused in ["password", "implicit", "Authorization_Code", ""] {
            assert_eq!(GrantType::parse(refused), None, "{refused}");
        }
        assert_eq!(
            "password".parse::<GrantType>().unwrap_err().to_string(),
            "unknown grant type `password`"
        );
    }
}
