//! Clients: registered relying parties and service accounts.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::columns::{self, json_list, json_text, optional_json_list};
use super::{Store, StoreResult, conflict_as};
use crate::domain::{
    Alg, AuthMethod, ClientAbout, ClientKind, GrantType, Origin, Profile, RedirectUri,
    RegisteredBy, RequestPolicy, SubjectType, ValidRegistration,
};

/// A client as stored; list columns are decoded from JSON.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub client_id: String,
    pub name: String,
    pub secret_hash: Option<String>,
    pub auth_method: AuthMethod,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<GrantType>,
    pub scopes: String,
    pub jwks_uri: Option<String>,
    pub jwks: Option<String>,
    pub id_token_alg: Option<Alg>,
    pub first_party: bool,
    pub backchannel_logout_uri: Option<String>,
    /// Browser origins allowed explicitly (CORS); `None`: see [`ClientRow::allows_origin`].
    pub allowed_origins: Option<Vec<String>>,
    /// Every sign-in for this client needs two factors.
    pub require_mfa: bool,
    /// What the client may name as `audience` / `resource` in a token exchange (RFC 8693).
    pub token_exchange_audiences: Vec<String>,
    pub created_at: i64,
    /// By the operator or dynamically (RFC 7591).
    pub registered_by: RegisteredBy,
    /// SHA-256 of the registration access token (RFC 7592); `None` for operator clients.
    pub registration_token_hash: Option<String>,
    /// What people are shown about the client (consent page) and its contacts.
    pub about: ClientAbout,
    /// Every token request must carry a DPoP proof (RFC 9449 §5.2).
    pub dpop_bound_access_tokens: bool,
    /// Which `sub` the client sees (OIDC Core §8); see [`ClientRow::sector`].
    pub subject_type: SubjectType,
    pub sector_identifier_uri: Option<String>,
    /// PAR and signed request objects required, and their algorithm (RFC 9126, RFC 9101).
    pub request_policy: RequestPolicy,
}

/// What `client create` writes.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub client_id: String,
    pub name: String,
    pub secret_hash: Option<String>,
    pub auth_method: AuthMethod,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<GrantType>,
    pub scopes: String,
    pub jwks_uri: Option<String>,
    pub jwks: Option<String>,
    pub id_token_alg: Option<Alg>,
    pub first_party: bool,
    pub backchannel_logout_uri: Option<String>,
    /// Browser origins allowed explicitly; `None` for the default.
    pub allowed_origins: Option<Vec<String>>,
    pub registered_by: RegisteredBy,
    /// SHA-256 of the registration access token of a dynamic client.
    pub registration_token_hash: Option<String>,
    pub about: ClientAbout,
    /// Every sign-in for this client needs two factors (an operator's setting: a dynamic
    /// registration neither sets nor replaces it).
    pub require_mfa: bool,
    /// What the client may name as `audience` / `resource` in a token exchange (RFC 8693).
    pub token_exchange_audiences: Vec<String>,
    /// Every token request must carry a DPoP proof (RFC 9449 §5.2).
    pub dpop_bound_access_tokens: bool,
    pub subject_type: SubjectType,
    pub sector_identifier_uri: Option<String>,
    /// PAR and signed request objects required, and their algorithm (RFC 9126, RFC 9101).
    pub request_policy: RequestPolicy,
}

impl NewClient {
    /// The row for a registration that followed the rules, under `client_id`, with the hash of
    /// its secret (if it uses one) and of its registration access token (if dynamic).
    pub fn from_registration(
        client_id: String,
        valid: ValidRegistration,
        secret_hash: Option<String>,
        registered_by: RegisteredBy,
        registration_token_hash: Option<String>,
    ) -> Self {
        let uris = |list: &[RedirectUri]| list.iter().map(|u| u.to_string()).collect();
        Self {
            client_id,
            name: valid.name,
            secret_hash,
            auth_method: valid.auth_method,
            redirect_uris: uris(&valid.redirect_uris),
            post_logout_redirect_uris: uris(&valid.post_logout_redirect_uris),
            grant_types: valid.grant_types,
            scopes: valid.scope.to_string(),
            jwks_uri: valid.jwks_uri,
            jwks: valid.jwks,
            id_token_alg: valid.id_token_alg,
            first_party: valid.first_party,
            backchannel_logout_uri: valid.backchannel_logout_uri.map(|u| u.to_string()),
            allowed_origins: valid
                .allowed_origins
                .map(|list| list.iter().map(|o| o.to_string()).collect()),
            registered_by,
            registration_token_hash,
            about: valid.about,
            require_mfa: false,
            token_exchange_audiences: valid.token_exchange_audiences,
            dpop_bound_access_tokens: valid.dpop_bound_access_tokens,
            subject_type: valid.subject_type,
            sector_identifier_uri: valid.sector_identifier_uri,
            request_policy: valid.request_policy,
        }
    }
}

/// Where a browser calls with a client's credentials or tokens: the rules of
/// [`ClientRow::allows_origin`] differ by whether the client authenticates there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorsUse {
    /// The token and revocation endpoints: the client itself authenticates.
    ClientAuthenticated,
    /// The userinfo endpoint: a bearer token issued to the client.
    BearerToken,
}

impl ClientRow {
    /// Whether a browser at `origin` may read this client's answers (CORS). The explicit list
    /// when one was set; else the origins of the redirect URIs, except where a confidential
    /// client authenticates: a browser holding a client secret is a mistake worth refusing.
    pub fn allows_origin(&self, origin: &str, used: CorsUse) -> bool {
        match &self.allowed_origins {
            Some(list) => list.iter().any(|o| o == origin),
            None if used == CorsUse::ClientAuthenticated
                && self.kind() == ClientKind::Confidential =>
            {
                false
            }
            None => self.default_origins().any(|o| o.as_str() == origin),
        }
    }

    /// Every origin a browser may call from for some endpoint (the preflight's check).
    pub fn origins(&self) -> Vec<String> {
        match &self.allowed_origins {
            Some(list) => list.clone(),
            None => self.default_origins().map(|o| o.to_string()).collect(),
        }
    }

    /// The origins of the redirect URIs.
    fn default_origins(&self) -> impl Iterator<Item = Origin> + '_ {
        self.redirect_uris.iter().filter_map(|u| Origin::of_uri(u))
    }

    /// Whether the client registered `grant`.
    pub fn registered_for(&self, grant: GrantType) -> bool {
        self.grant_types.contains(&grant)
    }

    /// Public or confidential (RFC 6749 §2.1), as its auth method says.
    pub fn kind(&self) -> ClientKind {
        self.auth_method.kind()
    }

    /// The sector of a pairwise client (OIDC Core §8.1): the host of its sector identifier URI,
    /// or of its redirect URIs (registration checked they share one). `None` for a public client.
    pub fn sector(&self) -> Option<String> {
        match self.subject_type {
            SubjectType::Public => None,
            SubjectType::Pairwise => {
                crate::domain::sector_of(self.sector_identifier_uri.as_deref(), &self.redirect_uris)
                    .ok()
            }
        }
    }

    /// A client that is not stored (a Client ID Metadata Document), as a stored one would read.
    pub fn unstored(c: NewClient, created_at: i64) -> Self {
        Self {
            client_id: c.client_id,
            name: c.name,
            secret_hash: c.secret_hash,
            auth_method: c.auth_method,
            redirect_uris: c.redirect_uris,
            post_logout_redirect_uris: c.post_logout_redirect_uris,
            grant_types: c.grant_types,
            scopes: c.scopes,
            jwks_uri: c.jwks_uri,
            jwks: c.jwks,
            id_token_alg: c.id_token_alg,
            first_party: c.first_party,
            backchannel_logout_uri: c.backchannel_logout_uri,
            allowed_origins: c.allowed_origins,
            require_mfa: c.require_mfa,
            token_exchange_audiences: c.token_exchange_audiences,
            created_at,
            registered_by: c.registered_by,
            registration_token_hash: c.registration_token_hash,
            about: c.about,
            dpop_bound_access_tokens: c.dpop_bound_access_tokens,
            subject_type: c.subject_type,
            sector_identifier_uri: c.sector_identifier_uri,
            request_policy: c.request_policy,
        }
    }

    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            client_id: r.try_get("client_id")?,
            name: r.try_get("name")?,
            secret_hash: r.try_get("secret_hash")?,
            auth_method: columns::name(r, "auth_method")?,
            redirect_uris: json_list(r, "redirect_uris")?,
            post_logout_redirect_uris: json_list(r, "post_logout_redirect_uris")?,
            grant_types: json_list(r, "grant_types")?,
            scopes: r.try_get("scopes")?,
            jwks_uri: r.try_get("jwks_uri")?,
            jwks: r.try_get("jwks")?,
            id_token_alg: columns::optional_name(r, "id_token_alg")?,
            first_party: r.try_get::<i64, _>("first_party")? != 0,
            backchannel_logout_uri: r.try_get("backchannel_logout_uri")?,
            allowed_origins: optional_json_list(r, "allowed_origins")?,
            require_mfa: r.try_get::<i64, _>("require_mfa")? != 0,
            token_exchange_audiences: json_list(r, "token_exchange_audiences")?,
            created_at: r.try_get("created_at")?,
            registered_by: columns::name(r, "registered_by")?,
            registration_token_hash: r.try_get("registration_token_hash")?,
            about: ClientAbout {
                client_uri: r.try_get("client_uri")?,
                logo_uri: r.try_get("logo_uri")?,
                policy_uri: r.try_get("policy_uri")?,
                tos_uri: r.try_get("tos_uri")?,
                contacts: optional_json_list(r, "contacts")?.unwrap_or_default(),
                software_id: r.try_get("software_id")?,
                software_version: r.try_get("software_version")?,
            },
            dpop_bound_access_tokens: r.try_get::<i64, _>("dpop_bound_access_tokens")? != 0,
            subject_type: columns::name(r, "subject_type")?,
            sector_identifier_uri: r.try_get("sector_identifier_uri")?,
            request_policy: RequestPolicy {
                require_par: r.try_get::<i64, _>("require_par")? != 0,
                require_signed_request_object: r
                    .try_get::<i64, _>("require_signed_request_object")?
                    != 0,
                request_object_signing_alg: columns::optional_name(
                    r,
                    "request_object_signing_alg",
                )?,
                profile: columns::optional_name(r, "profile")?,
            },
        })
    }
}

const COLUMNS: &str = "client_id, name, secret_hash, auth_method, redirect_uris, post_logout_redirect_uris, \
     grant_types, scopes, jwks_uri, jwks, id_token_alg, first_party, backchannel_logout_uri, allowed_origins, \
     created_at, registered_by, registration_token_hash, client_uri, logo_uri, policy_uri, tos_uri, \
     contacts, software_id, software_version, require_mfa, token_exchange_audiences, \
     dpop_bound_access_tokens, subject_type, sector_identifier_uri, \
     require_par, require_signed_request_object, request_object_signing_alg, profile";

/// The columns a registration sets: all of [`COLUMNS`] but the id, the secret, the creation time
/// and who registered it, in the order [`bind_registration`] binds them.
const REGISTRATION_COLUMNS: [&str; 25] = [
    "name",
    "auth_method",
    "redirect_uris",
    "post_logout_redirect_uris",
    "grant_types",
    "scopes",
    "jwks_uri",
    "jwks",
    "id_token_alg",
    "first_party",
    "backchannel_logout_uri",
    "allowed_origins",
    "client_uri",
    "logo_uri",
    "policy_uri",
    "tos_uri",
    "contacts",
    "software_id",
    "dpop_bound_access_tokens",
    "subject_type",
    "sector_identifier_uri",
    "require_par",
    "require_signed_request_object",
    "request_object_signing_alg",
    "profile",
];

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds a client's registration in the order of [`REGISTRATION_COLUMNS`], then
/// `software_version`.
fn bind_registration<'q>(q: AnyQuery<'q>, c: &'q NewClient) -> AnyQuery<'q> {
    q.bind(&c.name)
        .bind(c.auth_method.as_str())
        .bind(json_text(&c.redirect_uris))
        .bind(json_text(&c.post_logout_redirect_uris))
        .bind(json_text(&c.grant_types))
        .bind(&c.scopes)
        .bind(&c.jwks_uri)
        .bind(&c.jwks)
        .bind(c.id_token_alg.map(Alg::as_str))
        .bind(i64::from(c.first_party))
        .bind(&c.backchannel_logout_uri)
        .bind(c.allowed_origins.as_deref().map(json_text))
        .bind(&c.about.client_uri)
        .bind(&c.about.logo_uri)
        .bind(&c.about.policy_uri)
        .bind(&c.about.tos_uri)
        .bind((!c.about.contacts.is_empty()).then(|| json_text(&c.about.contacts)))
        .bind(&c.about.software_id)
        .bind(i64::from(c.dpop_bound_access_tokens))
        .bind(c.subject_type.as_str())
        .bind(&c.sector_identifier_uri)
        .bind(i64::from(c.request_policy.require_par))
        .bind(i64::from(c.request_policy.require_signed_request_object))
        .bind(c.request_policy.request_object_signing_alg.map(Alg::as_str))
        .bind(c.request_policy.profile.map(Profile::as_str))
        .bind(&c.about.software_version)
}

impl Store {
    /// Registers a client.
    pub async fn create_client(&self, c: &NewClient) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_client(&mut tx, c, self.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Looks a client up by id.
    pub async fn client(&self, client_id: &str) -> StoreResult<Option<ClientRow>> {
        // PostgreSQL TEXT cannot hold NUL, so the query would fail: such an id names no client
        // (it can arrive inside a client assertion's JSON).
        if client_id.contains('\0') {
            return Ok(None);
        }
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM clients WHERE client_id = $1"
        ))
        .bind(client_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| ClientRow::from_row(&r)).transpose()?)
    }

    /// Every client, oldest first.
    pub async fn list_clients(&self) -> StoreResult<Vec<ClientRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM clients ORDER BY created_at, client_id"
        ))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(ClientRow::from_row)
            .collect::<sqlx::Result<_>>()?)
    }

    /// Deletes a client and everything issued to it, in one transaction; false when unknown.
    pub async fn delete_client(&self, client_id: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        for sql in [
            "DELETE FROM auth_codes WHERE client_id = $1",
            "DELETE FROM refresh_families WHERE client_id = $1",
            "DELETE FROM consents WHERE client_id = $1",
            "DELETE FROM used_assertions WHERE client_id = $1",
            "DELETE FROM session_clients WHERE client_id = $1",
        ] {
            sqlx::query(sql).bind(client_id).execute(&mut *tx).await?;
        }
        let done = sqlx::query("DELETE FROM clients WHERE client_id = $1")
            .bind(client_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a client's explicitly allowed origins (`None`: back to the default); false when
    /// the client is unknown.
    /// Sets whether every sign-in for the client needs two factors; false when unknown.
    pub async fn set_client_require_mfa(&self, client_id: &str, on: bool) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("UPDATE clients SET require_mfa = $1 WHERE client_id = $2")
            .bind(i64::from(on))
            .bind(client_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a client's request policy (PAR, signed request objects); false when unknown.
    pub async fn set_client_request_policy(
        &self,
        client_id: &str,
        p: &RequestPolicy,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "UPDATE clients SET require_par = $1, require_signed_request_object = $2, \
             request_object_signing_alg = $3, profile = $4 WHERE client_id = $5",
        )
        .bind(i64::from(p.require_par))
        .bind(i64::from(p.require_signed_request_object))
        .bind(p.request_object_signing_alg.map(Alg::as_str))
        .bind(p.profile.map(Profile::as_str))
        .bind(client_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn set_client_allowed_origins(
        &self,
        client_id: &str,
        origins: Option<&[Origin]>,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query("UPDATE clients SET allowed_origins = $1 WHERE client_id = $2")
            .bind(origins.map(json_text))
            .bind(client_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces the audiences a client may ask for in a token exchange; false when the client is
    /// unknown.
    pub async fn set_client_token_exchange_audiences(
        &self,
        client_id: &str,
        audiences: &[String],
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done =
            sqlx::query("UPDATE clients SET token_exchange_audiences = $1 WHERE client_id = $2")
                .bind(json_text(audiences))
                .bind(client_id)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets whether every token request of the client must carry a DPoP proof (RFC 9449 §5.2);
    /// false when unknown.
    pub async fn set_client_dpop_bound(&self, client_id: &str, on: bool) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done =
            sqlx::query("UPDATE clients SET dpop_bound_access_tokens = $1 WHERE client_id = $2")
                .bind(i64::from(on))
                .bind(client_id)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Replaces a client's secret hash; false when unknown or not a secret-based client.
    pub async fn set_client_secret_hash(
        &self,
        client_id: &str,
        secret_hash: &str,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "UPDATE clients SET secret_hash = $1 WHERE client_id = $2 AND auth_method IN ('client_secret_basic', 'client_secret_post')",
        )
        .bind(secret_hash)
        .bind(client_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Inserts a client inside the caller's transaction (dynamic registration spends its initial
/// access token in the same one).
pub(super) async fn insert_client(
    conn: &mut sqlx::AnyConnection,
    c: &NewClient,
    now: i64,
) -> StoreResult<()> {
    let columns = REGISTRATION_COLUMNS.join(", ");
    let params = (1..=REGISTRATION_COLUMNS.len() + 8)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO clients (client_id, secret_hash, created_at, registered_by, \
         registration_token_hash, require_mfa, token_exchange_audiences, {columns}, software_version) \
         VALUES ({params})"
    );
    let q = sqlx::query(&sql)
        .bind(&c.client_id)
        .bind(&c.secret_hash)
        .bind(now)
        .bind(c.registered_by.as_str())
        .bind(&c.registration_token_hash)
        .bind(i64::from(c.require_mfa))
        .bind(json_text(&c.token_exchange_audiences));
    bind_registration(q, c)
        .execute(conn)
        .await
        .map_err(conflict_as("client_id"))?;
    Ok(())
}

impl Store {
    /// Replaces a client's whole registration (RFC 7592 §2.2) and, when `secret_hash` is
    /// `Some`, its secret hash (`Some(None)` removes it); false when the client is unknown.
    pub async fn replace_client_registration(
        &self,
        c: &NewClient,
        secret_hash: Option<Option<String>>,
    ) -> StoreResult<bool> {
        let sets = REGISTRATION_COLUMNS
            .iter()
            .chain(["software_version"].iter())
            .enumerate()
            .map(|(i, col)| format!("{col} = ${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let n = REGISTRATION_COLUMNS.len() + 1;
        let mut tx = self.begin_write().await?;
        let sql = format!("UPDATE clients SET {sets} WHERE client_id = ${}", n + 1);
        let done = bind_registration(sqlx::query(&sql), c)
            .bind(&c.client_id)
            .execute(&mut *tx)
            .await?;
        if let Some(hash) = secret_hash {
            sqlx::query("UPDATE clients SET secret_hash = $1 WHERE client_id = $2")
                .bind(hash)
                .bind(&c.client_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::NewClient;
    use crate::domain::{AuthMethod, GrantType};
    use crate::store::{StoreError, test_store as store};

    fn client(id: &str) -> NewClient {
        NewClient {
            client_id: id.into(),
            name: "Svc".into(),
            secret_hash: None,
            auth_method: AuthMethod::PrivateKeyJwt,
            redirect_uris: vec![],
            post_logout_redirect_uris: vec![],
            grant_types: vec![GrantType::ClientCredentials],
            scopes: "openid".into(),
            jwks_uri: Some("https://svc.example.com/jwks".into()),
            jwks: None,
            id_token_alg: None,
            first_party: false,
            backchannel_logout_uri: None,
            allowed_origins: None,
            registered_by: crate::domain::RegisteredBy::Operator,
            registration_token_hash: None,
            about: Default::default(),
            require_mfa: false,
            token_exchange_audiences: vec![],
            dpop_bound_access_tokens: false,
            subject_type: Default::default(),
            sector_identifier_uri: None,
            request_policy: Default::default(),
        }
    }

    #[tokio::test]
    async fn names_are_stored_as_the_protocol_spells_them() {
        let (_dir, store) = store().await;
        store.create_client(&client("c1")).await.unwrap();
        let (method, grants): (String, String) =
            sqlx::query_as("SELECT auth_method, grant_types FROM clients WHERE client_id = 'c1'")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(method, "private_key_jwt");
        assert_eq!(grants, r#"["client_credentials"]"#);
        let row = store.client("c1").await.unwrap().unwrap();
        assert_eq!(row.auth_method, AuthMethod::PrivateKeyJwt);
        assert_eq!(row.grant_types, [GrantType::ClientCredentials]);
    }

    #[tokio::test]
    async fn an_unknown_name_in_a_row_is_a_store_error_naming_the_column() {
        let (_dir, store) = store().await;
        store.create_client(&client("c1")).await.unwrap();
        for (column, value) in [
            ("auth_method", "client_secret_jwt"),
            ("grant_types", r#"["password"]"#),
            ("id_token_alg", "HS256"),
        ] {
            store.create_client(&client("c2")).await.unwrap();
            sqlx::query(&format!(
                "UPDATE clients SET {column} = $1 WHERE client_id = 'c2'"
            ))
            .bind(value)
            .execute(store.pool())
            .await
            .unwrap();
            let err = store.client("c2").await.expect_err(column);
            assert!(matches!(err, StoreError::Other(_)), "{column}: {err:?}");
            assert!(err.to_string().contains(column), "{column}: {err}");
            assert!(store.list_clients().await.is_err(), "{column}");
            assert!(store.delete_client("c2").await.unwrap());
        }
        assert!(store.client("c1").await.unwrap().is_some());
    }
}
