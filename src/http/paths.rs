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
/// Dynamic client registration (RFC 7591 §3), when `[registration] mode` is not `off`.
pub const REGISTER: &str = "/register";
/// A registered client's configuration endpoint (RFC 7592): `REGISTER/{client_id}`.
pub const REGISTER_CLIENT: &str = "/register/{client_id}";
pub const END_SESSION: &str = "/logout";
pub const LOGIN: &str = "/login";
/// The second sign-in step: an authenticator or recovery code.
pub const LOGIN_OTP: &str = "/login/otp";
/// Authenticator-app enrolment inside a sign-in, for a client that requires two factors.
pub const LOGIN_ENROLL: &str = "/login/enroll";
pub const CONSENT: &str = "/consent";
/// "Not you?" on the consent page: sign out and sign in again to the same request.
pub const NOT_YOU: &str = "/not-you";
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
/// The authenticator app: confirm enrolment, new recovery codes, removal.
pub const ACCOUNT_TOTP: &str = "/account/totp";
pub const ACCOUNT_TOTP_RECOVERY_CODES: &str = "/account/totp/recovery-codes";
pub const ACCOUNT_TOTP_REMOVE: &str = "/account/totp/remove";
/// "Forgot password?": asks for the address to send a reset link to.
pub const FORGOT_PASSWORD: &str = "/forgot-password";
/// Where a reset link leads: the new-password form.
pub const RESET_PASSWORD: &str = "/reset-password";
/// Where a verification link leads.
pub const VERIFY_EMAIL: &str = "/verify-email";
pub const STYLESHEET: &str = "/assets/style.css";
pub const FORM_POST_SCRIPT: &str = "/assets/form_post.js";
/// Passkeys on the account page: a challenge, the answer, removal.
pub const ACCOUNT_PASSKEYS_OPTIONS: &str = "/account/passkeys/options";
pub const ACCOUNT_PASSKEYS: &str = "/account/passkeys";
pub const ACCOUNT_PASSKEYS_REMOVE: &str = "/account/passkeys/remove";
/// Removing a link to an upstream account.
pub const ACCOUNT_UPSTREAMS_REMOVE: &str = "/account/upstreams/remove";
/// Signing in with a passkey: the step-up page (GET) and the answer (POST); its challenge.
pub const LOGIN_PASSKEY: &str = "/login/passkey";
pub const LOGIN_PASSKEY_OPTIONS: &str = "/login/passkey/options";
/// Signing in through an upstream identity provider (`[[upstream]]`): the login page's button
/// posts to START; the upstream sends the browser back to CALLBACK (the URL registered there;
/// `config::UpstreamConfig::callback_url` writes it).
pub const UPSTREAM_START: &str = "/upstream/{id}/start";
pub const UPSTREAM_CALLBACK: &str = "/upstream/{id}/callback";
/// The script behind the passkey buttons.
pub const PASSKEY_SCRIPT: &str = "/assets/passkey.js";
/// Any other file of the pages: the operator's logo and `[ui] assets_dir` files.
pub const ASSET: &str = "/assets/{name}";
pub const FAVICON: &str = "/favicon.ico";
/// Prometheus metrics, on the main port or on `metrics.bind`.
pub const METRICS: &str = "/metrics";
/// Pushed authorization requests (RFC 9126 §2).
pub const PAR: &str = "/par";
/// SCIM 2.0 (RFC 7644 §3.2): the base and its resource endpoints.
pub const SCIM_BASE: &str = "/scim/v2";
pub const SCIM_USERS: &str = "/scim/v2/Users";
pub const SCIM_USER: &str = "/scim/v2/Users/{id}";
/// RFC 7644 §3.4.3: a query sent in a POST body (across every type at the root: 501).
pub const SCIM_SEARCH: &str = "/scim/v2/.search";
pub const SCIM_USERS_SEARCH: &str = "/scim/v2/Users/.search";
pub const SCIM_GROUPS_SEARCH: &str = "/scim/v2/Groups/.search";
pub const SCIM_GROUPS: &str = "/scim/v2/Groups";
pub const SCIM_GROUP: &str = "/scim/v2/Groups/{id}";
pub const SCIM_SERVICE_PROVIDER_CONFIG: &str = "/scim/v2/ServiceProviderConfig";
pub const SCIM_RESOURCE_TYPES: &str = "/scim/v2/ResourceTypes";
pub const SCIM_RESOURCE_TYPE: &str = "/scim/v2/ResourceTypes/{id}";
pub const SCIM_SCHEMAS: &str = "/scim/v2/Schemas";
pub const SCIM_SCHEMA: &str = "/scim/v2/Schemas/{id}";
/// Any other path under the SCIM base (answered 404 in SCIM's error format).
pub const SCIM_ANY: &str = "/scim/v2/{*rest}";
