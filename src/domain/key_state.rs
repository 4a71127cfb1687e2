//! A signing key's place in its life: next → active → retired, or revoked from any of them.

use super::closed_set::closed_set;

closed_set! {
    /// A key's place in its life.
    pub enum KeyState("key state") {
        /// Published, not yet signing: relying parties learn it before it is used.
        Next = "next",
        /// The one key of its algorithm that signs.
        Active = "active",
        /// No longer signing; published until every token it signed has expired.
        Retired = "retired",
        /// Taken out of use at once (`tessera keys revoke`, for a leaked key): never published
        /// again, and every token it signed is refused. The row stays as a record.
        Revoked = "revoked",
    }
}

impl KeyState {
    /// Whether keys in this state are in the JWKS and verify tokens.
    pub fn is_published(self) -> bool {
        self != KeyState::Revoked
    }
}

#[cfg(test)]
mod tests {
    use super::KeyState;

    #[test]
    fn names_round_trip_through_parse_and_serde() {
        for state in KeyState::ALL {
            assert_eq!(KeyState::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
        assert_eq!(KeyState::parse("Active"), None);
    }
}
