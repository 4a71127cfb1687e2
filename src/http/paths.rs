//! One constant per endpoint, used by both the router and the discovery document so they
//! cannot drift apart.

pub const HEALTHZ: &str = "/healthz";
pub const READYZ: &str = "/readyz";
pub const OPENID_CONFIGURATION: &str = "/.well-known/openid-configuration";
pub const OAUTH_AUTHORIZATION_SERVER: &str = "/.well-known/oauth-authorization-server";
pub const JWKS: &str = "/jwks";
pub const JWKS_WELL_KNOWN: &str = "/.well-known/jwks.json";
pub const AUTHORIZE: &str = "/authorize";
pub const TOKEN: &str = "/token";
pub const USERINFO: &str = "/userinfo";
pub const REVOKE: &str = "/revoke";
pub const INTROSPECT: &str = "/introspect";
pub const END_SESSION: &str = "/logout";
pub const LOGIN: &str = "/login";
pub const CONSENT: &str = "/consent";
/// RFC 8628 §3.1: where a device asks for a device code and a user code.
pub const DEVICE_AUTHORIZATION: &str = "/device_authorization";
/// RFC 8628 §3.3: where a person types the user code (`verification_uri`).
pub const DEVICE: &str = "/device";
/// The person's own account page and its forms.
pub const ACCOUNT: &str = "/account";
pub const ACCOUNT_PASSWORD: &str = "/account/password";
pub const ACCOUNT_EMAIL: &str = "/account/email";
pub const ACCOUNT_SEND_VERIFICATION: &str = "/account/email/verify";
pub const ACCOUNT_REVOKE_APP: &str = "/account/apps/revoke";
pub const ACCOUNT_END_SESSION: &str = "/account/sessions/end";
pub const ACCOUNT_END_ALL_SESSIONS: &str = "/account/sessions/end-all";
/// "Forgot password?": asks for the address to send a reset link to.
pub const FORGOT_PASSWORD: &str = "/forgot-password";
/// Where a reset link leads: the new-password form.
pub const RESET_PASSWORD: &str = "/reset-password";
/// Where a verification link leads.
pub const VERIFY_EMAIL: &str = "/verify-email";
pub const STYLESHEET: &str = "/assets/style.css";
pub const FORM_POST_SCRIPT: &str = "/assets/form_post.js";
/// Prometheus metrics, on the main port or on `metrics.bind`.
pub const METRICS: &str = "/metrics";
