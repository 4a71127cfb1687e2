//! Clients: registered relying parties and service accounts.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::decode::json_list;
use super::{Store, StoreResult, conflict_as};

/// A client as stored; list columns are decoded from JSON.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub client_id: String,
    pub name: String,
    pub secret_hash: Option<String>,
    pub auth_method: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub scopes: String,
    pub jwks_uri: Option<String>,
    pub jwks: Option<String>,
    pub id_token_alg: Option<String>,
    pub first_party: bool,
    pub backchannel_logout_uri: Option<String>,
    pub created_at: i64,
}

/// What `client create` writes.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub client_id: String,
    pub name: String,
    pub secret_hash: Option<String>,
    pub auth_method: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub scopes: String,
    pub jwks_uri: Option<String>,
    pub jwks: Option<String>,
    pub id_token_alg: Option<String>,
    pub first_party: bool,
    pub backchannel_logout_uri: Option<String>,
}

impl ClientRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            client_id: r.try_get("client_id")?,
            name: r.try_get("name")?,
            secret_hash: r.try_get("secret_hash")?,
            auth_method: r.try_get("auth_method")?,
            redirect_uris: json_list(r, "redirect_uris")?,
            post_logout_redirect_uris: json_list(r, "post_logout_redirect_uris")?,
            grant_types: json_list(r, "grant_types")?,
            scopes: r.try_get("scopes")?,
            jwks_uri: r.try_get("jwks_uri")?,
            jwks: r.try_get("jwks")?,
            id_token_alg: r.try_get("id_token_alg")?,
            first_party: r.try_get::<i64, _>("first_party")? != 0,
            backchannel_logout_uri: r.try_get("backchannel_logout_uri")?,
            created_at: r.try_get("created_at")?,
        })
    }
}

const COLUMNS: &str = "client_id, name, secret_hash, auth_method, redirect_uris, post_logout_redirect_uris, \
     grant_types, scopes, jwks_uri, jwks, id_token_alg, first_party, backchannel_logout_uri, created_at";

impl Store {
    /// Registers a client.
    pub async fn create_client(&self, c: &NewClient) -> StoreResult<()> {
        let list = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        sqlx::query(&format!(
            "INSERT INTO clients ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        ))
        .bind(&c.client_id)
        .bind(&c.name)
        .bind(&c.secret_hash)
        .bind(&c.auth_method)
        .bind(list(&c.redirect_uris))
        .bind(list(&c.post_logout_redirect_uris))
        .bind(list(&c.grant_types))
        .bind(&c.scopes)
        .bind(&c.jwks_uri)
        .bind(&c.jwks)
        .bind(&c.id_token_alg)
        .bind(i64::from(c.first_party))
        .bind(&c.backchannel_logout_uri)
        .bind(self.clock.now())
        .execute(self.pool())
        .await
        .map_err(conflict_as("client_id"))?;
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

    /// Replaces a client's secret hash; false when unknown or not a secret-based client.
    pub async fn set_client_secret_hash(
        &self,
        client_id: &str,
        secret_hash: &str,
    ) -> StoreResult<bool> {
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
