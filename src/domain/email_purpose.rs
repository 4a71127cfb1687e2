//! What a link sent by email is for.

use super::closed_set::closed_set;

closed_set! {
    /// The purpose of a single-use email link (`email_tokens.purpose`).
    pub enum EmailPurpose("email link purpose") {
        /// Confirms that the person receives mail at the address (`email_verified`).
        Verify = "verify",
        /// Lets the person set a new password.
        Reset = "reset",
    }
}

impl EmailPurpose {
    /// How long a link of this purpose works: 24 hours to verify an address, 15 minutes to
    /// reset a password (a reset link in a mailbox is a password for that long).
    pub fn lifetime_secs(self) -> i64 {
        match self {
            Self::Verify => 24 * 3600,
            Self::Reset => 15 * 60,
        }
    }
}
