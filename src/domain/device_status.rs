//! Where a device authorization request stands (RFC 8628 §3.3–§3.5).

use super::closed_set::closed_set;

closed_set! {
    /// A device code's state: pending → approved → used, or pending → denied.
    pub enum DeviceStatus("device code status") {
        /// Waiting for a person to enter the user code and answer.
        Pending = "pending",
        /// The person allowed it; the next poll gets the tokens.
        Approved = "approved",
        /// The person denied it; polls get `access_denied`.
        Denied = "denied",
        /// Tokens were issued for it: a device code is exchanged at most once.
        Used = "used",
    }
}
