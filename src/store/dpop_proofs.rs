//! DPoP proofs already accepted (RFC 9449 §11.1), remembered while their `iat` is inside the
//! accepted window, so a replay fails on every instance sharing the database.

use std::collections::HashSet;

use sqlx::Row;

use super::{Store, StoreResult};

/// The most proofs one statement records (two bound values each, far below SQLite's limit).
pub const MAX_PROOFS_PER_STATEMENT: usize = 256;

impl Store {
    /// Remembers a proof (`proof_hash`: SHA-256 hex of its key thumbprint and `jti`) until
    /// `expires_at`; false when it was already seen (a replay). The primary key makes this one
    /// atomic step across every instance.
    pub async fn remember_dpop_proof(
        &self,
        proof_hash: &str,
        expires_at: i64,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let done = sqlx::query(
            "INSERT INTO dpop_proofs (proof_hash, expires_at) VALUES ($1, $2)
             ON CONFLICT (proof_hash) DO NOTHING",
        )
        .bind(proof_hash)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Remembers several proofs in one statement (at most [`MAX_PROOFS_PER_STATEMENT`], each
    /// hash once) and returns the hashes that were new: the others are replays. One commit for
    /// many concurrent requests instead of one each.
    pub async fn remember_dpop_proofs(
        &self,
        proofs: &[(String, i64)],
    ) -> StoreResult<HashSet<String>> {
        let _turn = self.write_turn().await?;
        if proofs.is_empty() {
            return Ok(HashSet::new());
        }
        let values = (0..proofs.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO dpop_proofs (proof_hash, expires_at) VALUES {values}
             ON CONFLICT (proof_hash) DO NOTHING RETURNING proof_hash"
        );
        let mut q = sqlx::query(&sql);
        for (hash, expires_at) in proofs {
            q = q.bind(hash).bind(*expires_at);
        }
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("proof_hash").map_err(Into::into))
            .collect()
    }
}
