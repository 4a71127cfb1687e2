//! Domain newtypes that parse input once, so an unchecked string never reaches a handler, and
//! the closed sets of protocol names (grant types, auth methods, algorithms, key states).

mod closed_set;

mod alg;
mod auth_method;
mod authn;
mod client_kind;
mod client_registration;
mod code_challenge_method;
mod device_status;
mod email;
mod email_purpose;
mod grant_type;
pub mod identifier;
mod issuer;
mod key_state;
mod origin;
pub mod password;
mod permission;
mod profile;
mod prompt_value;
mod redirect_uri;
mod registered_by;
mod request_policy;
mod response_mode;
pub mod scim_filter;
mod scope;
mod subject_type;
mod user_code;
mod username;

pub use alg::Alg;
pub use auth_method::AuthMethod;
pub use authn::{Acr, Amr, AmrValue};
pub use client_kind::ClientKind;
pub use client_registration::{
    ClientAbout, ClientRegistration, DEFAULT_GRANT_TYPES, DEFAULT_SCOPE, MAX_SECTOR_DOCUMENT_BYTES,
    RegistrationError, ValidAbout, ValidRegistration, check_fapi2, check_sector_document,
    checked_audiences, checked_origins, sector_of,
};
pub use closed_set::UnknownName;
pub use code_challenge_method::CodeChallengeMethod;
pub use device_status::DeviceStatus;
pub use email::Email;
pub use email_purpose::EmailPurpose;
pub use grant_type::GrantType;
pub use issuer::Issuer;
pub use key_state::KeyState;
pub use origin::Origin;
pub use permission::{Permission, parse_role_name};
pub use profile::{FAPI2_ALGS, FAPI2_MAX_CODE_TTL, Profile};
pub use prompt_value::PromptValue;
pub use redirect_uri::RedirectUri;
pub use registered_by::RegisteredBy;
pub use request_policy::RequestPolicy;
pub use response_mode::ResponseMode;
pub use scope::Scope;
pub use subject_type::SubjectType;
pub use user_code::{USER_CODE_ALPHABET, USER_CODE_LEN, UserCode};
pub use username::Username;
