//! Cross-field checks: what the types alone cannot say about a parsed configuration.

use std::time::Duration;

use super::Config;
use crate::domain::Alg;

/// More threads than this would be a typo: each one is an OS thread with its own stack.
const MAX_WORKER_THREADS: usize = 1024;

impl Config {
    /// Checks that cannot be expressed by types alone; returns the offending key.
    pub(super) fn validate(&self) -> Result<(), (&'static str, String)> {
        if self.server.worker_threads > MAX_WORKER_THREADS {
            return Err((
                "server.worker_threads",
                format!("must be at most {MAX_WORKER_THREADS} (0: one per core)"),
            ));
        }
        // Zero would close every connection before it could send a request.
        if self.server.header_read_timeout.is_zero() {
            return Err(("server.header_read_timeout", "must be more than 0s".into()));
        }
        if self.server.keep_alive_timeout.is_zero() {
            return Err(("server.keep_alive_timeout", "must be more than 0s".into()));
        }
        if !(self.database.url.starts_with("sqlite:")
            || self.database.url.starts_with("postgres:")
            || self.database.url.starts_with("postgresql:"))
        {
            return Err((
                "database.url",
                "must start with sqlite: or postgres:".into(),
            ));
        }
        if self.database.statement_timeout < Duration::from_millis(100) {
            // PostgreSQL reads 0 as "no limit": a stuck query would hold a connection forever.
            return Err((
                "database.statement_timeout",
                "must be at least 100ms".into(),
            ));
        }
        if self.keys.algorithms.is_empty() {
            return Err(("keys.algorithms", "must name at least one algorithm".into()));
        }
        if !self.keys.algorithms.contains(&Alg::RS256) {
            // OIDC Core §15.1: RS256 must be supported for ID tokens.
            return Err((
                "keys.algorithms",
                "must include RS256 (required by OpenID Connect)".into(),
            ));
        }
        if !self.keys.algorithms.contains(&self.keys.id_token_alg) {
            return Err(("keys.id_token_alg", "must be one of keys.algorithms".into()));
        }
        if !self.keys.algorithms.contains(&self.keys.access_token_alg) {
            return Err((
                "keys.access_token_alg",
                "must be one of keys.algorithms".into(),
            ));
        }
        if self.throttle.max_failures_per_user < 1 {
            return Err((
                "throttle.max_failures_per_user",
                "must be at least 1".into(),
            ));
        }
        if self.throttle.max_failures_per_ip < 0 {
            return Err((
                "throttle.max_failures_per_ip",
                "must be 0 (off) or more".into(),
            ));
        }
        let limits = &self.rate_limit;
        validate_quota(
            ("rate_limit.token_per_second", limits.token_per_second),
            ("rate_limit.token_burst", limits.token_burst),
        )?;
        validate_quota(
            (
                "rate_limit.introspect_per_second",
                limits.introspect_per_second,
            ),
            ("rate_limit.introspect_burst", limits.introspect_burst),
        )?;
        if self.keys.rotation_interval < Duration::from_secs(3600) {
            return Err(("keys.rotation_interval", "must be at least 1h".into()));
        }
        if self.keys.reload_interval < Duration::from_secs(1)
            || self.keys.reload_interval > Duration::from_secs(300)
        {
            // A rotation elsewhere must be seen within seconds; zero would spin.
            return Err(("keys.reload_interval", "must be between 1s and 5m".into()));
        }
        if self.cache.refresh_interval < Duration::from_millis(100)
            || self.cache.refresh_interval > Duration::from_secs(60)
        {
            // It bounds how long a revoked client secret keeps working; zero would spin.
            return Err((
                "cache.refresh_interval",
                "must be between 100ms and 1m".into(),
            ));
        }
        if self.session.backchannel_logout_timeout < Duration::from_secs(1)
            || self.session.backchannel_logout_timeout > Duration::from_secs(60)
        {
            // Zero would fail every notification; a long one only keeps dead clients' tasks.
            return Err((
                "session.backchannel_logout_timeout",
                "must be between 1s and 60s".into(),
            ));
        }
        validate_password(&self.password)?;
        validate_email(&self.email)?;
        crate::domain::Scope::parse(&self.registration.allowed_scopes)
            .map_err(|e| ("registration.allowed_scopes", e))?;
        validate_device(&self.device)?;
        validate_dpop(&self.dpop)?;
        if self.scim.max_rows_scanned < 1 {
            return Err(("scim.max_rows_scanned", "must be at least 1".into()));
        }
        self.ui.validate()?;
        validate_profile(self)?;
        Ok(())
    }
}

/// `[authorization] profile = "fapi2"`: the server-wide settings FAPI 2.0 constrains.
fn validate_profile(c: &Config) -> Result<(), (&'static str, String)> {
    use crate::domain::{FAPI2_ALGS, FAPI2_MAX_CODE_TTL, Profile};
    if c.authorization.profile != Some(Profile::Fapi2) {
        return Ok(());
    }
    let allowed = "must be PS256, ES256 or EdDSA with profile fapi2";
    if !FAPI2_ALGS.contains(&c.keys.id_token_alg) {
        return Err(("keys.id_token_alg", allowed.into()));
    }
    if !FAPI2_ALGS.contains(&c.keys.access_token_alg) {
        return Err(("keys.access_token_alg", allowed.into()));
    }
    if c.tokens.code_ttl > Duration::from_secs(FAPI2_MAX_CODE_TTL as u64) {
        return Err((
            "tokens.code_ttl",
            "must be at most 60s with profile fapi2".into(),
        ));
    }
    Ok(())
}

/// Longest `password.max_length`: a password is scored by zxcvbn, whose work grows with its
/// length; 1024 characters is far beyond any passphrase a person types.
const MOST_PASSWORD_MAX_LENGTH: usize = 1024;

/// `[password]`: a length range that can be met and a zxcvbn score that exists.
fn validate_password(p: &super::PasswordConfig) -> Result<(), (&'static str, String)> {
    if p.min_length < 1 {
        return Err(("password.min_length", "must be at least 1".into()));
    }
    if p.max_length < p.min_length {
        return Err((
            "password.max_length",
            format!("must be at least password.min_length ({})", p.min_length),
        ));
    }
    if p.max_length > MOST_PASSWORD_MAX_LENGTH {
        return Err((
            "password.max_length",
            format!("must be at most {MOST_PASSWORD_MAX_LENGTH}"),
        ));
    }
    if p.min_score > 4 {
        return Err((
            "password.min_score",
            "must be between 0 and 4 (zxcvbn's scores)".into(),
        ));
    }
    if p.argon2_iterations < 1 {
        return Err(("password.argon2_iterations", "must be at least 1".into()));
    }
    if p.argon2_parallelism < 1 {
        return Err(("password.argon2_parallelism", "must be at least 1".into()));
    }
    if let Err(e) = p.argon2().params() {
        return Err((
            "password.argon2_memory_kib",
            format!("argon2 refuses these parameters ({e}); at least 8 KiB per lane"),
        ));
    }
    Ok(())
}

/// `[email]`: a URL lettre can use, TLS unless the relay is on this machine, a sender address,
/// sane limits. Messages never repeat the URL: it may hold a password.
fn validate_email(email: &super::EmailConfig) -> Result<(), (&'static str, String)> {
    if email.send_timeout < Duration::from_secs(1) || email.send_timeout > Duration::from_secs(60) {
        return Err(("email.send_timeout", "must be between 1s and 60s".into()));
    }
    if email.reset_requests_per_address < 1 {
        return Err((
            "email.reset_requests_per_address",
            "must be at least 1".into(),
        ));
    }
    if email.reset_requests_per_ip < 0 {
        return Err((
            "email.reset_requests_per_ip",
            "must be 0 (off) or more".into(),
        ));
    }
    let Some(smtp_url) = &email.smtp_url else {
        return Ok(());
    };
    check_smtp_url(smtp_url.expose()).map_err(|msg| ("email.smtp_url", msg))?;
    let from = email
        .from
        .as_deref()
        .ok_or(("email.from", "is required with email.smtp_url".to_string()))?;
    from.parse::<lettre::message::Mailbox>().map_err(|_| {
        (
            "email.from",
            format!("`{from}` is not an address like `Tessera <no-reply@example.com>`"),
        )
    })?;
    Ok(())
}

/// The transport rule: `smtps://` (TLS from the first byte) and `smtp://…?tls=required`
/// (STARTTLS, refused when the server does not offer it) anywhere; plain `smtp://` only to a
/// loopback address, where nothing travels over a network.
fn check_smtp_url(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|e| {
        format!("is not a URL ({e}); write smtps://host, smtp://host?tls=required or smtp://127.0.0.1:PORT")
    })?;
    let host = url
        .host()
        .ok_or_else(|| "names no host".to_string())?
        .to_owned();
    let tls = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    match url.scheme() {
        "smtps" if tls.is_none() => Ok(()),
        "smtps" => Err("takes no tls= parameter (smtps is TLS already)".into()),
        "smtp" => match tls.as_deref() {
            Some("required") => Ok(()),
            Some(other) => Err(format!(
                "tls={other} is not allowed: use tls=required (STARTTLS) or smtps://"
            )),
            None if is_loopback(&host) => Ok(()),
            None => Err(
                "plain smtp:// is allowed only to a loopback address (127.0.0.1, ::1, localhost): \
                 use smtps://host or smtp://host?tls=required"
                    .into(),
            ),
        },
        other => Err(format!("scheme `{other}` is not smtp or smtps")),
    }
}

fn is_loopback(host: &url::Host) -> bool {
    match host {
        // `smtp` is not a special scheme to the URL standard: an IPv4 address stays a name.
        url::Host::Domain(d) => {
            d.eq_ignore_ascii_case("localhost")
                || d.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// A rate limit: the rate is 0 (off) or a positive number of requests per second up to a
/// million (so that one request's interval stays representable); the burst is at least 1.
fn validate_quota(
    (rate_key, rate): (&'static str, f64),
    (burst_key, burst): (&'static str, u32),
) -> Result<(), (&'static str, String)> {
    if !(rate.is_finite() && (rate == 0.0 || (0.000_001..=1_000_000.0).contains(&rate))) {
        return Err((
            rate_key,
            format!("`{rate}` must be 0 (off) or between 0.000001 and 1000000"),
        ));
    }
    if burst < 1 {
        return Err((burst_key, "must be at least 1".into()));
    }
    Ok(())
}

/// `[dpop]`: a skew of zero would refuse every proof made a second ago; a long one keeps
/// replayable proofs (and their remembered `jti`s) alive for as long.
fn validate_dpop(dpop: &super::DpopConfig) -> Result<(), (&'static str, String)> {
    if dpop.max_clock_skew < Duration::from_secs(5)
        || dpop.max_clock_skew > Duration::from_secs(600)
    {
        return Err(("dpop.max_clock_skew", "must be between 5s and 10m".into()));
    }
    Ok(())
}

/// `[device]`: a code must live long enough to be typed, polling must wait at least a second
/// (RFC 8628 §3.2 `interval`), and no negative limit.
fn validate_device(device: &super::DeviceConfig) -> Result<(), (&'static str, String)> {
    if device.code_ttl < Duration::from_secs(60) || device.code_ttl > Duration::from_secs(3600) {
        return Err(("device.code_ttl", "must be between 1m and 1h".into()));
    }
    if device.interval < Duration::from_secs(1) || device.interval > Duration::from_secs(60) {
        return Err(("device.interval", "must be between 1s and 60s".into()));
    }
    if device.max_failures_per_ip < 0 {
        return Err((
            "device.max_failures_per_ip",
            "must be 0 (off) or more".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod email_tests {
    use super::check_smtp_url;

    #[test]
    fn plain_smtp_only_on_loopback() {
        for ok in [
            "smtp://127.0.0.1:2525",
            "smtp://localhost:25",
            "smtp://[::1]:25",
            "smtps://mail.example.com",
            "smtps://user:pw@mail.example.com:465",
            "smtp://mail.example.com:587?tls=required",
        ] {
            assert_eq!(check_smtp_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "smtp://mail.example.com:25",
            "smtp://mail.example.com?tls=opportunistic",
            "smtps://mail.example.com?tls=required",
            "http://mail.example.com",
            "not a url",
        ] {
            assert!(check_smtp_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_refused_url_is_not_repeated() {
        let err = check_smtp_url("smtp://u:hunter2@mail.example.com").unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
    }
}
