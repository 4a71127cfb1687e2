//! The discovery documents, field by field (OpenID Connect Discovery 1.0 §3, RFC 8414 §2).

use crate::common::spawn_app;

async fn fetch(app: &crate::common::TestApp, path: &str) -> serde_json::Value {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    r.json().await.unwrap()
}

#[tokio::test]
async fn openid_configuration_is_complete_and_honest() {
    let app = spawn_app().await;
    let d = fetch(&app, "/.well-known/openid-configuration").await;
    let i = &app.issuer;
    assert_eq!(d["issuer"], *i);
    assert_eq!(d["jwks_uri"], format!("{i}/jwks"));
    assert_eq!(d["token_endpoint"], format!("{i}/token"));
    assert_eq!(d["authorization_endpoint"], format!("{i}/authorize"));
    assert_eq!(d["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        d["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        d["subject_types_supported"],
        serde_json::json!(["public", "pairwise"])
    );
    assert_eq!(d["authorization_response_iss_parameter_supported"], true);
    let algs = d["id_token_signing_alg_values_supported"]
        .as_array()
        .unwrap();
    assert!(algs.contains(&"RS256".into()));
    assert!(!algs.contains(&"none".into()));
    assert!(
        d["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&"openid".into())
    );
    for m in [
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
    ] {
        assert!(
            d["token_endpoint_auth_methods_supported"]
                .as_array()
                .unwrap()
                .contains(&m.into()),
            "{m}"
        );
    }
}

#[tokio::test]
async fn rfc8414_document_matches_the_oidc_one() {
    let app = spawn_app().await;
    let a = fetch(&app, "/.well-known/openid-configuration").await;
    let b = fetch(&app, "/.well-known/oauth-authorization-server").await;
    for (k, v) in b.as_object().unwrap() {
        assert_eq!(a.get(k), Some(v), "field {k} differs");
    }
}

#[tokio::test]
async fn every_advertised_endpoint_exists() {
    let app = spawn_app().await;
    let d = fetch(&app, "/.well-known/openid-configuration").await;
    for (k, v) in d.as_object().unwrap() {
        if !(k.ends_with("_endpoint") || k == "jwks_uri") {
            continue;
        }
        let url = v.as_str().unwrap();
        let r = app.http.get(url).send().await.unwrap();
        assert_ne!(r.status(), 404, "{k} = {url} is advertised but not served");
    }
}

/// Every field, by name and value. A field added or removed must be added or removed here too,
/// so the document never advertises something by accident.
#[tokio::test]
async fn discovery_document_field_by_field() {
    use serde_json::json;
    let app = crate::common::spawn_app_with(crate::common::Options::toml(
        "algorithms = [\"RS256\", \"PS256\", \"EdDSA\"]\n",
    ))
    .await;
    let d = fetch(&app, "/.well-known/openid-configuration").await;
    let i = &app.issuer;
    let auth_methods = json!([
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none"
    ]);
    let assertion_algs = json!(["RS256", "PS256", "ES256", "EdDSA"]);
    let expected = json!({
        // OpenID Connect Discovery 1.0 §3 (REQUIRED: issuer, authorization_endpoint,
        // token_endpoint, jwks_uri, response_types_supported, subject_types_supported,
        // id_token_signing_alg_values_supported).
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "userinfo_endpoint": format!("{i}/userinfo"),
        "jwks_uri": format!("{i}/jwks"),
        "scopes_supported": ["openid", "profile", "email", "offline_access", "roles", "groups"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        ],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["RS256", "PS256", "EdDSA"],
        "token_endpoint_auth_methods_supported": auth_methods,
        "token_endpoint_auth_signing_alg_values_supported": assertion_algs,
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "azp", "sid",
            "amr", "acr", "name", "preferred_username", "email", "email_verified", "roles",
            "permissions", "groups"
        ],
        "claims_parameter_supported": false,
        "ui_locales_supported": ["en", "de", "fr", "es", "ar"],
        // RFC 9101; request_uri only as PAR's own URNs (RFC 9126 §5), never fetched.
        "request_parameter_supported": true,
        "request_object_signing_alg_values_supported": assertion_algs,
        "request_uri_parameter_supported": false,
        "require_request_uri_registration": false,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "acr_values_supported": [
            "urn:tessera:acr:password", "urn:tessera:acr:mfa", "urn:tessera:acr:phishing-resistant"
        ],
        // RFC 8414 §2.
        "revocation_endpoint": format!("{i}/revoke"),
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_signing_alg_values_supported": assertion_algs,
        "introspection_endpoint": format!("{i}/introspect"),
        // RFC 8628 §4.
        "device_authorization_endpoint": format!("{i}/device_authorization"),
        // RP-Initiated Logout 1.0 §2.1.
        "end_session_endpoint": format!("{i}/logout"),
        // Back-Channel Logout 1.0 §2.1.
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "introspection_endpoint_auth_methods_supported": auth_methods,
        "introspection_endpoint_auth_signing_alg_values_supported": assertion_algs,
        "code_challenge_methods_supported": ["S256"],
        // RFC 9207 §3.
        "authorization_response_iss_parameter_supported": true,
        // RFC 9449 §5.1.
        "dpop_signing_alg_values_supported": ["ES256", "EdDSA", "PS256", "RS256"],
        // RFC 9126 §5.
        "pushed_authorization_request_endpoint": format!("{i}/par"),
        "require_pushed_authorization_requests": false,
    });
    let got = d.as_object().unwrap();
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(got.get(k), Some(v), "field {k}");
    }
    for k in got.keys() {
        assert!(expected.get(k).is_some(), "unexpected field {k}");
    }
    // Not built: front-channel logout; userinfo is plain JSON.
    for absent in [
        "frontchannel_logout_supported",
        "userinfo_signing_alg_values_supported",
    ] {
        assert!(d.get(absent).is_none(), "{absent} must not be advertised");
    }
    let oauth = fetch(&app, "/.well-known/oauth-authorization-server").await;
    assert_eq!(oauth, d, "RFC 8414 metadata carries the same fields");
}
