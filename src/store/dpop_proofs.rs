//! DPoP proofs already accepted (RFC 9449 §11.1), remembered while their `iat` is inside the
//! accepted window, so a replay fails on every instance sharing the database.

use super::{Store, StoreResult};

impl Store {
    /// Remembers a proof (`proof_hash`: SHA-256 hex of its key thumbprint and `jti`) until
    /// `expires_at`; false when it was already seen (a replay). The primary key makes this one
    /// atomic step across every instance.
    pub async fn remember_dpop_proof(
        &self,
        proof_hash: &str,
        expires_at: i64,
    ) -> StoreResult<bool> {
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
}
