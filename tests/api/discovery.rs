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
    assert_eq!(d["subject_types_supported"], serde_json::json!(["public"]));
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
