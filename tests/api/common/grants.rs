//! Grants made directly in the store, so refresh-token tests need not drive the browser flow.
//! Once the authorization_code grant exists these can be swapped for a real code exchange.

use std::time::Duration;

use tessera::crypto::{random_token, sha256_hex};
use tessera::store::{NewRefreshFamily, Store};

use super::TestApp;

/// A refresh token issued straight into the store, with the user it belongs to.
pub struct StoredGrant {
    pub refresh_token: String,
    pub user_id: String,
    pub username: String,
}

impl TestApp {
    /// A second connection to this app's database, on the server's clock.
    pub async fn store(&self) -> Store {
        Store::connect(&self.db.url, 2, Duration::from_secs(5))
            .await
            .expect("connect to the test database")
            .with_clock(self.clock())
    }

    /// Creates a user and a refresh-token family for `client_id` with `scope`, as the
    /// authorization_code grant would; the family lasts `absolute` seconds.
    pub async fn grant_refresh_token(&self, client_id: &str, scope: &str) -> StoredGrant {
        self.grant_refresh_token_with(client_id, scope, 30 * 86_400, 7 * 86_400)
            .await
    }

    /// As [`TestApp::grant_refresh_token`], recording `access_jti` as issued with the first
    /// refresh token — what the authorization_code grant does (without an access expiry).
    pub async fn grant_refresh_token_issued_with(
        &self,
        client_id: &str,
        scope: &str,
        access_jti: &str,
    ) -> StoredGrant {
        self.insert_grant(client_id, scope, 30 * 86_400, 7 * 86_400, Some(access_jti))
            .await
    }

    /// As [`TestApp::grant_refresh_token`] with explicit absolute and idle lifetimes (seconds;
    /// negative values make an already-expired grant).
    pub async fn grant_refresh_token_with(
        &self,
        client_id: &str,
        scope: &str,
        absolute: i64,
        idle: i64,
    ) -> StoredGrant {
        self.insert_grant(client_id, scope, absolute, idle, None)
            .await
    }

    async fn insert_grant(
        &self,
        client_id: &str,
        scope: &str,
        absolute: i64,
        idle: i64,
        access_jti: Option<&str>,
    ) -> StoredGrant {
        let store = self.store().await;
        let user_id = uuid::Uuid::new_v4().to_string();
        let username = format!("user-{}", &user_id[..8]);
        let name = tessera::domain::Username::parse(&username).expect("username");
        store
            .create_user(&user_id, &name, None, None, "not-a-password-hash")
            .await
            .expect("create user");
        let refresh_token = random_token(32);
        let family_id = random_token(16);
        let now = self.now();
        store
            .create_refresh_family(&NewRefreshFamily {
                family_id: &family_id,
                client_id,
                user_id: &user_id,
                scope,
                auth_time: now,
                amr: "pwd",
                session_id: None,
                now,
                family_expires_at: now + absolute,
                token_hash: &sha256_hex(&refresh_token),
                token_expires_at: now + idle,
                access_jti,
                dpop_jkt: None,
            })
            .await
            .expect("create refresh family");
        store.close().await;
        StoredGrant {
            refresh_token,
            user_id,
            username,
        }
    }
}

/// What a protocol POST answered.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: serde_json::Value,
}

impl Answer {
    /// The `error` member of an error body.
    pub fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }

    /// Reads a JSON answer (an empty body is `null`).
    pub async fn read(r: reqwest::Response) -> Self {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        let body = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Asserts the RFC 6749 §5.1 caching headers are present.
    pub fn assert_no_store(&self) {
        assert_eq!(self.headers["cache-control"], "no-store");
        assert_eq!(self.headers["pragma"], "no-cache");
    }
}

impl TestApp {
    /// POSTs a form to `path`, with `Authorization: Basic` when `basic` is given.
    pub async fn post_form(
        &self,
        path: &str,
        basic: Option<(&str, &str)>,
        params: &[(&str, &str)],
    ) -> Answer {
        let mut req = self.http.post(self.url(path)).form(params);
        if let Some((id, secret)) = basic {
            req = req.basic_auth(id, Some(secret));
        }
        Answer::read(req.send().await.expect("request")).await
    }

    /// A client_credentials access token for a confidential client (asserts success).
    pub async fn client_credentials_token(&self, id: &str, secret: &str) -> String {
        let a = self
            .post_form(
                "/token",
                Some((id, secret)),
                &[("grant_type", "client_credentials")],
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.body["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    /// A refresh-token grant with client_secret_basic.
    pub async fn refresh(&self, id: &str, secret: &str, refresh_token: &str) -> Answer {
        self.post_form(
            "/token",
            Some((id, secret)),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    /// Introspects `token` as the confidential client `(id, secret)`.
    pub async fn introspect(&self, id: &str, secret: &str, token: &str) -> serde_json::Value {
        let a = self
            .post_form("/introspect", Some((id, secret)), &[("token", token)])
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.assert_no_store();
        a.body
    }
}

/// The status `/userinfo` at `base` (an issuer) answers for `access_token`; no cookies sent.
pub async fn userinfo_status_at(base: &str, access_token: &str) -> u16 {
    let r = reqwest::Client::new()
        .get(format!("{base}/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("userinfo");
    r.status().as_u16()
}

impl TestApp {
    /// The status `/userinfo` answers for `access_token`.
    pub async fn userinfo_status(&self, access_token: &str) -> u16 {
        userinfo_status_at(&self.issuer, access_token).await
    }

    /// The claims `/userinfo` answers for `access_token` (asserts 200).
    pub async fn userinfo(&self, access_token: &str) -> serde_json::Value {
        let r = reqwest::Client::new()
            .get(self.url("/userinfo"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("userinfo");
        assert_eq!(r.status(), 200, "userinfo");
        r.json().await.expect("userinfo JSON")
    }
}
