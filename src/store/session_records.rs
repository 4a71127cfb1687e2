//! The browser sessions' records (table `tower_sessions`, made and written by
//! tower-sessions-sqlx-store through the session store's own pool), read in place on SQLite:
//! every request of a signed-in browser reads its record first (`in_place.rs`).

use super::{Store, StoreResult};

impl Store {
    /// The encoded record of session `id`, read on this thread: `Some(None)` when there is no
    /// such record, `None` when it could not be read in place (PostgreSQL, or SQLite refused),
    /// and the session store's own read must be used. Expiry is the caller's to check (the
    /// record carries its deadline).
    pub(crate) fn session_record_in_place(&self, id: &str) -> StoreResult<Option<Option<Vec<u8>>>> {
        let Some(in_place) = self.in_place() else {
            return Ok(None);
        };
        in_place.run(|conn| {
            let mut select =
                conn.prepare_cached("SELECT data FROM tower_sessions WHERE id = ?1")?;
            let mut rows = select.query([id])?;
            let data = match rows.next()? {
                Some(row) => Some(row.get(0)?),
                None => None,
            };
            // The id is the key: no second row (and a read commits nothing).
            Ok(data)
        })
    }
}
