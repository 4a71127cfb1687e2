//! Helpers that drive the authorization-code flow over plain HTTP, as a browser and a relying
//! party would: authorize → login → consent → callback → token.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::TestApp;

/// The redirect URI test clients register.
pub const REDIRECT: &str = "https://rp.example.com/cb";
pub const USERNAME: &str = "alice";
pub const PASSWORD: &str = "correct horse battery staple";

/// A registered relying party.
#[derive(Clone, Debug)]
pub struct Rp {
    pub client_id: String,
    pub secret: Option<String>,
    pub redirect_uri: String,
}

/// A PKCE verifier and its S256 challenge.
#[derive(Clone, Debug)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

/// An authorization request under construction.
#[derive(Clone, Debug)]
pub struct AuthRequest {
    pub params: Vec<(String, String)>,
}

impl AuthRequest {
    /// `response_type=code`, openid profile email, state, nonce and PKCE.
    pub fn new(rp: &Rp, pkce: &Pkce) -> Self {
        let p = [
            ("response_type", "code"),
            ("client_id", rp.client_id.as_str()),
            ("redirect_uri", rp.redirect_uri.as_str()),
            ("scope", "openid profile email"),
            ("state", "st-123"),
            ("nonce", "n-456"),
            ("code_challenge", pkce.challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        AuthRequest {
            params: p
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// Sets (or, with `None`, removes) a parameter.
    pub fn set(mut self, key: &str, value: Option<&str>) -> Self {
        self.params.retain(|(k, _)| k != key);
        if let Some(v) = value {
            self.params.push((key.to_string(), v.to_string()));
        }
        self
    }

    pub fn query(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.params)
            .finish()
    }
}

/// The parameters of a redirect to the client (its `Location` query).
pub fn callback(resp: &reqwest::Response) -> HashMap<String, String> {
    let loc = location(resp);
    assert!(
        loc.starts_with("https://rp.example.com/"),
        "expected a redirect to the client, got {} → {loc}",
        resp.status()
    );
    let url = url::Url::parse(&loc).expect("absolute location");
    url.query_pairs()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The `Location` header.
pub fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .unwrap_or_else(|| panic!("no Location header (status {})", resp.status()))
        .to_str()
        .expect("ascii location")
        .to_string()
}

/// The hidden CSRF token of a page.
pub fn csrf(html: &str) -> String {
    hidden(html, "csrf_token")
}

/// The value of a page's hidden input `name`.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("page has {name}"))
        + marker.len();
    let end = html[start..].find('"').expect("closing quote");
    html[start..start + end].to_string()
}

/// The session cookie value set by a response, if any.
pub fn session_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers().get_all("set-cookie").iter().find_map(|v| {
        let s = v.to_str().ok()?;
        let rest = s.strip_prefix("tessera_session=")?;
        Some(rest.split(';').next().unwrap_or_default().to_string())
    })
}

/// Decodes a JWT's header without checking it.
pub fn jwt_header(token: &str) -> serde_json::Value {
    let part = token.split('.').next().expect("JWT header");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("json")
}

/// Decodes a JWT's payload without checking it.
pub fn jwt_claims(token: &str) -> serde_json::Value {
    let part = token.split('.').nth(1).expect("JWT payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("json")
}

impl TestApp {
    /// A confidential client redirecting to [`REDIRECT`]; `extra` are more `client create` flags.
    pub async fn rp(&self, extra: &[&str]) -> Rp {
        let mut args = vec!["--name", "Photo Printer", "--redirect-uri", REDIRECT];
        args.extend_from_slice(extra);
        let (client_id, secret) = self.create_client(&args).await;
        Rp {
            client_id,
            secret,
            redirect_uri: REDIRECT.to_string(),
        }
    }

    /// A confidential client "Photo Printer" redirecting to `redirect` (for a browser test: a
    /// page the browser can land on, such as this server's `/healthz`).
    pub async fn rp_to(&self, redirect: &str) -> Rp {
        let (client_id, secret) = self
            .create_client(&["--name", "Photo Printer", "--redirect-uri", redirect])
            .await;
        Rp {
            client_id,
            secret,
            redirect_uri: redirect.to_string(),
        }
    }

    /// `GET /authorize?…` with this app's cookie jar.
    pub async fn authorize(&self, req: &AuthRequest) -> reqwest::Response {
        self.http
            .get(format!("{}?{}", self.url("/authorize"), req.query()))
            .send()
            .await
            .expect("authorize")
    }

    /// Opens the login page and submits it; returns the response to the POST.
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        log_in_with(self, &self.http, username, password).await
    }

    /// Starts a fresh sign-in to `rp` (prompt=login) and submits the login form.
    pub async fn fresh_sign_in(
        &self,
        rp: &Rp,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let req = AuthRequest::new(rp, &Pkce::new()).set("prompt", Some("login"));
        let r = self.authorize(&req).await;
        assert_eq!(location(&r), "/login");
        self.login(username, password).await
    }

    /// Opens the consent page and answers it.
    pub async fn consent(&self, decision: &str) -> reqwest::Response {
        let page = self
            .http
            .get(self.url("/consent"))
            .send()
            .await
            .expect("consent page");
        assert_eq!(page.status(), 200, "consent page");
        let html = page.text().await.expect("html");
        let (token, request) = (csrf(&html), hidden(&html, "request"));
        self.http
            .post(self.url("/consent"))
            .form(&[
                ("decision", decision),
                ("csrf_token", &token),
                ("request", &request),
            ])
            .send()
            .await
            .expect("consent post")
    }

    /// authorize → login → consent (allow): the callback parameters.
    pub async fn code_via_login(&self, req: &AuthRequest) -> HashMap<String, String> {
        let r = self.authorize(req).await;
        assert_eq!(location(&r), "/login");
        let r = self.login(USERNAME, PASSWORD).await;
        let r = if location(&r) == "/consent" {
            self.consent("allow").await
        } else {
            r
        };
        callback(&r)
    }

    /// A new code for a session that is already signed in and consented.
    pub async fn code_via_login_again(&self, req: &AuthRequest) -> String {
        callback(&self.authorize(req).await)["code"].clone()
    }

    /// Redeems a code at the token endpoint: (status, JSON body).
    pub async fn exchange(
        &self,
        rp: &Rp,
        code: &str,
        verifier: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", rp.redirect_uri.as_str()),
        ];
        if let Some(v) = verifier {
            form.push(("code_verifier", v));
        }
        let mut req = reqwest::Client::new().post(self.url("/token"));
        match &rp.secret {
            Some(secret) => req = req.basic_auth(&rp.client_id, Some(secret)),
            None => form.push(("client_id", rp.client_id.as_str())),
        }
        let r = req.form(&form).send().await.expect("token");
        let status = r.status().as_u16();
        (status, r.json().await.expect("json"))
    }
}

/// Opens the login page waiting in `browser`'s session (a cookie jar of its own) and submits
/// it; returns the response to the POST.
pub async fn log_in_with(
    app: &TestApp,
    browser: &reqwest::Client,
    username: &str,
    password: &str,
) -> reqwest::Response {
    let page = browser
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page");
    assert_eq!(page.status(), 200, "login page");
    let html = page.text().await.expect("html");
    let (token, request) = (csrf(&html), hidden(&html, "request"));
    browser
        .post(app.url("/login"))
        .form(&[
            ("username", username),
            ("password", password),
            ("csrf_token", &token),
            ("request", &request),
        ])
        .send()
        .await
        .expect("login post")
}

/// A login POST that signed in and sent the browser on to the client.
pub fn assert_signed_in(r: &reqwest::Response) {
    assert_eq!(r.status(), 303, "signed in and sent on");
    assert!(location(r).starts_with("https://rp.example.com/"));
}
