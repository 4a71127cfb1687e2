//! Dynamic client registration (RFC 7591): initial access tokens, stored by SHA-256 hash only,
//! and the transaction that spends one and stores the client it registers. A token is spent by
//! one conditional UPDATE, so concurrent registrations can never exceed its uses.

use sqlx::Row;

use super::clients::{NewClient, insert_client};
use super::{Store, StoreResult};

/// What an initial access token would do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitialTokenState {
    /// It may register a client.
    Usable,
    /// No such token.
    Unknown,
    /// Past its lifetime.
    Expired,
    /// Every use spent.
    UsedUp,
}

/// Spends one use of a live token: the condition and the decrement in one statement.
const SPEND: &str = "UPDATE initial_access_tokens SET uses_left = uses_left - 1
     WHERE token_hash = $1 AND expires_at > $2 AND uses_left > 0";

impl Store {
    /// Stores a new initial access token's hash, good for `uses` registrations until
    /// `expires_at`.
    pub async fn create_initial_access_token(
        &self,
        token_hash: &str,
        expires_at: i64,
        uses: u32,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "INSERT INTO initial_access_tokens (token_hash, created_at, expires_at, uses_left)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(self.clock.now())
        .bind(expires_at)
        .bind(i64::from(uses))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// What the token with this hash would do now, without spending it.
    pub async fn initial_access_token_state(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<InitialTokenState> {
        let row = sqlx::query(
            "SELECT expires_at, uses_left FROM initial_access_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(InitialTokenState::Unknown);
        };
        let expires_at: i64 = row.try_get("expires_at")?;
        let uses_left: i64 = row.try_get("uses_left")?;
        Ok(if expires_at <= now {
            InitialTokenState::Expired
        } else if uses_left <= 0 {
            InitialTokenState::UsedUp
        } else {
            InitialTokenState::Usable
        })
    }

    /// Stores a dynamically registered client, spending one use of the initial access token
    /// with hash `initial_token` when one was presented, in one transaction: false (and nothing
    /// stored) when that token could no longer be spent.
    pub async fn register_client(
        &self,
        client: &NewClient,
        initial_token: Option<&str>,
    ) -> StoreResult<bool> {
        let now = self.clock.now();
        let mut tx = self.begin_write().await?;
        if let Some(hash) = initial_token {
            let spent = sqlx::query(SPEND)
                .bind(hash)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if spent.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
        }
        insert_client(&mut tx, client, now).await?;
        tx.commit().await?;
        Ok(true)
    }
}
