//! `prompt` values of an authentication request (OIDC Core §3.1.2.1).

use super::closed_set::closed_set;

closed_set! {
    /// One value of the space-separated `prompt` parameter.
    pub enum PromptValue("prompt value") {
        /// No page may be shown: answer at once, or with an error.
        None = "none",
        /// Ask for the password again, even with a live session.
        Login = "login",
        /// Ask for consent again, even if it was given before.
        Consent = "consent",
        /// Let the person choose an account: one account per session, so treated as `login`.
        SelectAccount = "select_account",
    }
}
