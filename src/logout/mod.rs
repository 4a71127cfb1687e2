//! Everything about signing out, in one place:
//! - [`endpoint`]: `GET`/`POST /logout` (OpenID Connect RP-Initiated Logout 1.0), the pages;
//! - [`request`]: the checks of a logout request and the ending of the session;
//! - [`backchannel`]: delivery of logout tokens to clients (Back-Channel Logout 1.0);
//! - [`token`]: the logout token's claims;
//! - [`not_you`]: "Not you?" on the consent page: sign out, then sign in again to the same
//!   request.

pub mod backchannel;
pub mod endpoint;
pub mod not_you;
pub mod request;
pub mod token;
