//! Loading: defaults, environment overrides, and errors that name the key.

use std::time::Duration;

use super::*;

fn load(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::load_with_env(&path, &env)
}

const MINIMAL: &str = r#"
issuer = "http://127.0.0.1:8080"
[server]
bind = "127.0.0.1:8080"
[database]
url = "sqlite://data/tessera.db?mode=rwc"
[keys]
dir = "keys"
"#;

#[test]
fn minimal_config_has_safe_defaults() {
    let c = load(MINIMAL, &[]).unwrap();
    assert_eq!(c.tokens.access_token_ttl, Duration::from_secs(900));
    assert_eq!(c.tokens.code_ttl, Duration::from_secs(60));
    assert!(c.authorization.require_pkce_for_confidential);
}

#[test]
fn env_overrides_name_section_and_key() {
    let c = load(
        MINIMAL,
        &[
            ("TESSERA_DATABASE_URL", "postgres://x@h/db"),
            ("TESSERA_TOKENS_ACCESS_TOKEN_TTL", "5m"),
            ("TESSERA_ISSUER", "https://id.example.com"),
        ],
    )
    .unwrap();
    assert_eq!(c.database.url, "postgres://x@h/db");
    assert_eq!(c.tokens.access_token_ttl, Duration::from_secs(300));
    assert_eq!(c.issuer, "https://id.example.com");
}

#[test]
fn key_reload_interval_is_bounded_and_grace_defaults_to_a_minute() {
    let c = load(MINIMAL, &[]).unwrap();
    assert_eq!(c.keys.retired_key_grace, Duration::from_secs(60));
    for bad in ["0s", "10m"] {
        let e = load(MINIMAL, &[("TESSERA_KEYS_RELOAD_INTERVAL", bad)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("keys.reload_interval"), "{e}");
    }
}

#[test]
fn backchannel_logout_timeout_defaults_to_five_seconds_and_is_bounded() {
    let c = load(MINIMAL, &[]).unwrap();
    assert_eq!(c.session.backchannel_logout_timeout, Duration::from_secs(5));
    let c = load(
        MINIMAL,
        &[("TESSERA_SESSION_BACKCHANNEL_LOGOUT_TIMEOUT", "2s")],
    )
    .unwrap();
    assert_eq!(c.session.backchannel_logout_timeout, Duration::from_secs(2));
    for bad in ["0s", "2m"] {
        let e = load(
            MINIMAL,
            &[("TESSERA_SESSION_BACKCHANNEL_LOGOUT_TIMEOUT", bad)],
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("session.backchannel_logout_timeout"), "{e}");
    }
}

#[test]
fn metrics_and_rate_limits_have_defaults_env_overrides_and_bounds() {
    let c = load(MINIMAL, &[]).unwrap();
    assert!(c.metrics.enabled && c.metrics.bind.is_none());
    assert_eq!(c.rate_limit.token_per_second, 200.0);
    let c = load(
        MINIMAL,
        &[
            ("TESSERA_RATE_LIMIT_TOKEN_PER_SECOND", "0.5"),
            ("TESSERA_RATE_LIMIT_INTROSPECT_BURST", "7"),
            ("TESSERA_METRICS_BIND", "127.0.0.1:9090"),
        ],
    )
    .unwrap();
    assert_eq!(c.rate_limit.token_per_second, 0.5);
    assert_eq!(c.rate_limit.introspect_burst, 7);
    assert_eq!(c.metrics.bind, Some("127.0.0.1:9090".parse().unwrap()));
    for (var, value, key) in [
        (
            "TESSERA_RATE_LIMIT_TOKEN_PER_SECOND",
            "-1",
            "rate_limit.token_per_second",
        ),
        (
            "TESSERA_RATE_LIMIT_TOKEN_BURST",
            "0",
            "rate_limit.token_burst",
        ),
        ("TESSERA_METRICS_BIND", "localhost", "metrics.bind"),
    ] {
        let e = load(MINIMAL, &[(var, value)]).unwrap_err().to_string();
        assert!(e.contains(key), "{e}");
    }
}

#[test]
fn the_issuer_is_https_except_on_this_machine() {
    for ok in [
        "https://id.example.com",
        "http://localhost:8080",
        "http://[::1]:8080",
    ] {
        assert!(load(MINIMAL, &[("TESSERA_ISSUER", ok)]).is_ok(), "{ok}");
    }
    let e = load(MINIMAL, &[("TESSERA_ISSUER", "http://id.example.com")])
        .unwrap_err()
        .to_string();
    assert!(e.contains("`issuer`") && e.contains("https"), "{e}");
}

#[test]
fn trusted_proxies_default_to_none_and_name_the_bad_entry() {
    let c = load(MINIMAL, &[]).unwrap();
    assert_eq!(c.server.trusted_proxies, TrustedProxies::default());
    let c = load(
        MINIMAL,
        &[("TESSERA_SERVER_TRUSTED_PROXIES", r#"["10.0.0.0/8", "::1"]"#)],
    )
    .unwrap();
    assert!(
        c.server
            .trusted_proxies
            .contains("10.2.3.4".parse().unwrap())
    );
    assert!(
        !c.server
            .trusted_proxies
            .contains("11.0.0.1".parse().unwrap())
    );
    let e = load(MINIMAL, &[("TESSERA_SERVER_TRUSTED_PROXIES", r#"["lb"]"#)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("server.trusted_proxies") && e.contains("`lb`"),
        "{e}"
    );
}

#[test]
fn errors_name_the_key() {
    let e = load(&format!("{MINIMAL}bogus = 1\n"), &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("bogus"), "{e}");
    let e = load(MINIMAL, &[("TESSERA_TOKENS_CODE_TTL", "soon")])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("tokens.code_ttl") && e.contains("TESSERA_TOKENS_CODE_TTL"),
        "{e}"
    );
    let e = load(&MINIMAL.replace("http://127.0.0.1:8080", "not a url"), &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("`issuer`"), "{e}");
    let e = load(MINIMAL, &[("TESSERA_SERVER_BIND", "42")])
        .unwrap_err()
        .to_string();
    assert!(e.contains("server.bind"), "{e}");
}

#[test]
fn email_settings_are_checked_and_secrets_never_printed() {
    let e = load(
        MINIMAL,
        &[(
            "TESSERA_EMAIL_SMTP_URL",
            "smtp://u:hunter2@mail.example.com:25",
        )],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("config.toml") && e.contains("email.smtp_url") && e.contains("loopback"),
        "{e}"
    );
    assert!(!e.contains("hunter2"), "{e}");
    let e = load(
        MINIMAL,
        &[("TESSERA_EMAIL_SMTP_URL", "smtps://mail.example.com")],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("email.from"), "{e}");
    let c = load(
        MINIMAL,
        &[
            ("TESSERA_EMAIL_SMTP_URL", "smtps://mail.example.com"),
            ("TESSERA_EMAIL_FROM", "Tessera <no-reply@example.com>"),
            ("TESSERA_EMAIL_SMTP_PASSWORD", "hunter2"),
        ],
    )
    .unwrap();
    assert!(!format!("{c:?}").contains("hunter2"));
    assert_eq!(c.email.smtp_password.unwrap().expose(), "hunter2");
}

#[test]
fn readme_config_table_states_the_defaults() {
    // Setting every key to the default the README states must change nothing.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme.split("## Configuration").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    let mut stated = Vec::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row
            .split(" | ")
            .map(|c| c.trim_matches(['|', ' ', '`']))
            .collect();
        let (key, default, var) = (cells[0], cells[1], cells[2]);
        if !["(required)", "(unset)", "the issuer"].contains(&default) {
            stated.push((key, var.to_string(), default.replace('`', "")));
        }
    }
    assert!(stated.len() > 30, "{stated:?}");
    let defaults = format!("{:?}", load(MINIMAL, &[]).unwrap());
    // `[[upstream]]` keys have no environment variable: they are written into one upstream.
    let upstream = "[[upstream]]\nid = \"corp\"\nname = \"Corp\"\nclient_id = \"t\"\n\
                    issuer = \"https://sso.example\"\n";
    let upstream_defaults = format!("{:?}", load(&format!("{MINIMAL}{upstream}"), &[]).unwrap());
    for (key, var, value) in stated {
        if let Some(k) = key.strip_prefix("upstream[].") {
            assert_eq!(var, "(file only)", "{key}");
            let value = match format!("v = {value}").parse::<toml::Table>() {
                Ok(_) => value.clone(),
                Err(_) => format!("{value:?}"),
            };
            let text = format!("{MINIMAL}{upstream}{k} = {value}\n");
            let c = load(&text, &[]).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(format!("{c:?}"), upstream_defaults, "{key} = {value}");
            continue;
        }
        let c = load(MINIMAL, &[(&var, &value)]).unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_eq!(format!("{c:?}"), defaults, "{key} = {value}");
    }
}

const UPSTREAM: &str = r#"
[[upstream]]
id = "corp"
name = "Corp SSO"
issuer = "https://sso.corp.example"
client_id = "tessera"
client_secret_env = "CORP_SSO_SECRET"
link = "verified_email"
provision = true
[[upstream]]
id = "github"
name = "GitHub"
authorization_url = "https://github.com/login/oauth/authorize"
token_url = "https://github.com/login/oauth/access_token"
userinfo_url = "https://api.github.com/user"
client_id = "Iv1.abc"
subject_claim = "id"
username_claim = "login"
"#;

#[test]
fn upstreams_are_read_with_their_secret_from_the_environment() {
    let c = load(
        &format!("{MINIMAL}{UPSTREAM}"),
        &[("CORP_SSO_SECRET", "hunter2")],
    )
    .unwrap();
    let [corp, github] = c.upstream.as_slice() else {
        panic!("two upstreams: {:?}", c.upstream);
    };
    assert_eq!(corp.client_secret.as_ref().unwrap().expose(), "hunter2");
    assert!(!format!("{c:?}").contains("hunter2"));
    assert_eq!(corp.link, LinkPolicy::VerifiedEmail);
    assert_eq!(corp.scopes(), ["openid", "profile", "email"]);
    assert_eq!(
        corp.callback_url(&c.issuer),
        "http://127.0.0.1:8080/upstream/corp/callback"
    );
    assert_eq!(
        crate::http::paths::UPSTREAM_CALLBACK.replace("{id}", "corp"),
        "/upstream/corp/callback",
        "the route and the printed callback agree"
    );
    assert_eq!(github.link, LinkPolicy::None);
    assert!(github.scopes().is_empty() && github.client_secret.is_none());
}

#[test]
fn bad_upstreams_name_the_key() {
    let secret = [("CORP_SSO_SECRET", "s")];
    for (from, to, key) in [
        ("id = \"corp\"", "id = \"Corp SSO\"", "upstream[0].id"),
        ("id = \"github\"", "id = \"corp\"", "upstream[1].id"),
        ("name = \"Corp SSO\"", "name = \" \"", "upstream[0].name"),
        (
            "issuer = \"https://sso.corp.example\"",
            "issuer = \"http://sso.corp.example\"",
            "upstream[0].issuer",
        ),
        (
            "userinfo_url = \"https://api.github.com/user\"",
            "",
            "upstream[1].userinfo_url",
        ),
        (
            "token_url = \"https://github.com/login/oauth/access_token\"",
            "token_url = \"http://github.com/token\"",
            "upstream[1].token_url",
        ),
        (
            "provision = true",
            "provision = \"yes\"",
            "upstream[0].provision",
        ),
        (
            "link = \"verified_email\"",
            "link = \"email\"",
            "upstream[0].link",
        ),
        ("subject_claim = \"id\"", "subject = \"id\"", "upstream[1]"),
    ] {
        let text = format!("{MINIMAL}{}", UPSTREAM.replacen(from, to, 1));
        let e = load(&text, &secret).unwrap_err().to_string();
        assert!(e.contains("config.toml") && e.contains(key), "{to}: {e}");
    }
    let e = load(&format!("{MINIMAL}{UPSTREAM}"), &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("upstream[0].client_secret_env") && e.contains("CORP_SSO_SECRET"),
        "{e}"
    );
}

#[test]
fn password_policy_defaults_to_nist_and_is_checked() {
    let c = load(MINIMAL, &[]).unwrap();
    let policy = c.password.policy();
    assert_eq!(
        (policy.min_length, policy.max_length, policy.min_score),
        (8, 128, 3)
    );
    let c = load(
        &format!("{MINIMAL}[password]\nmin_length = 12\nmin_score = 4\n"),
        &[("TESSERA_PASSWORD_MAX_LENGTH", "64")],
    )
    .unwrap();
    let policy = c.password.policy();
    assert_eq!(
        (policy.min_length, policy.max_length, policy.min_score),
        (12, 64, 4)
    );
    for (toml, key) in [
        ("min_length = 0", "password.min_length"),
        ("min_length = 20\nmax_length = 10", "password.max_length"),
        ("max_length = 1025", "password.max_length"),
        ("min_score = 5", "password.min_score"),
        ("min_score = -1", "password.min_score"),
        ("max_len = 10", "max_len"),
    ] {
        let e = load(&format!("{MINIMAL}[password]\n{toml}\n"), &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("config.toml") && e.contains(key), "{toml}: {e}");
    }
}

#[test]
fn sqlite_durability_defaults_to_normal_and_names_the_key_when_wrong() {
    use crate::store::SqliteSynchronous;
    let c = load(MINIMAL, &[]).unwrap();
    assert_eq!(c.database.sqlite_synchronous, SqliteSynchronous::Normal);
    let text = MINIMAL.replace("[keys]", "sqlite_synchronous = \"full\"\n[keys]");
    let c = load(&text, &[]).unwrap();
    assert_eq!(c.database.sqlite_synchronous, SqliteSynchronous::Full);
    let text = MINIMAL.replace("[keys]", "sqlite_synchronous = \"off\"\n[keys]");
    let e = load(&text, &[]).unwrap_err().to_string();
    assert!(e.contains("sqlite_synchronous"), "{e}");
}
