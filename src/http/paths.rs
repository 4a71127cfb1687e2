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
