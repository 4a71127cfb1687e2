//! The signed-in browser sessions of each person (table `user_sessions`): what the account page
//! lists, and what signing out a session or everywhere ends.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreResult};

/// A session that is being recorded at sign-in.
#[derive(Debug)]
pub struct NewUserSession<'a> {
    pub sid: &'a str,
    pub user_id: &'a str,
    /// The session store's record id (the cookie's value), to end the session from elsewhere.
    pub record_id: &'a str,
    pub user_agent: Option<&'a str>,
    pub ip: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

/// A recorded session.
#[derive(Debug, Clone)]
pub struct UserSessionRow {
    pub sid: String,
    pub user_id: String,
    pub record_id: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub signed_in_at: i64,
    pub last_seen_at: i64,
}

impl UserSessionRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            sid: r.try_get("sid")?,
            user_id: r.try_get("user_id")?,
            record_id: r.try_get("record_id")?,
            user_agent: r.try_get("user_agent")?,
            ip: r.try_get("ip")?,
            signed_in_at: r.try_get("signed_in_at")?,
            last_seen_at: r.try_get("last_seen_at")?,
        })
    }
}

const COLUMNS: &str = "sid, user_id, record_id, user_agent, ip, signed_in_at, last_seen_at";

impl Store {
    /// Records a sign-in; `replaces` is the session's previous sid (a second sign-in in the same
    /// browser), whose row goes in the same transaction.
    pub async fn record_user_session(
        &self,
        s: &NewUserSession<'_>,
        replaces: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if let Some(old) = replaces {
            sqlx::query("DELETE FROM user_sessions WHERE sid = $1")
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO user_sessions (sid, user_id, record_id, user_agent, ip, signed_in_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind(s.sid)
        .bind(s.user_id)
        .bind(s.record_id)
        .bind(s.user_agent)
        .bind(s.ip)
        .bind(s.now)
        .bind(s.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a session's "last seen" to `now` when it is older than `coarseness` seconds: one
    /// write a minute per active session, not one per request.
    pub async fn touch_user_session(
        &self,
        sid: &str,
        now: i64,
        coarseness: i64,
    ) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "UPDATE user_sessions SET last_seen_at = $1 WHERE sid = $2 AND last_seen_at < $3",
        )
        .bind(now)
        .bind(sid)
        .bind(now - coarseness)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The person's sessions that may still be in use: within their absolute lifetime and seen
    /// since `seen_since`. Newest sign-in first.
    pub async fn user_sessions(
        &self,
        user_id: &str,
        now: i64,
        seen_since: i64,
    ) -> StoreResult<Vec<UserSessionRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM user_sessions \
             WHERE user_id = $1 AND expires_at > $2 AND last_seen_at >= $3 \
             ORDER BY signed_in_at DESC, sid"
        ))
        .bind(user_id)
        .bind(now)
        .bind(seen_since)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(UserSessionRow::from_row)
            .collect::<sqlx::Result<_>>()?)
    }

    /// Removes and returns one session of `user_id` (none if it is not theirs or already over).
    pub async fn take_user_session(
        &self,
        user_id: &str,
        sid: &str,
    ) -> StoreResult<Option<UserSessionRow>> {
        let _turn = self.write_turn().await?;
        let row = sqlx::query(&format!(
            "DELETE FROM user_sessions WHERE user_id = $1 AND sid = $2 RETURNING {COLUMNS}"
        ))
        .bind(user_id)
        .bind(sid)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(UserSessionRow::from_row).transpose()?)
    }

    /// Removes and returns every session of `user_id`, but `except` if given. Taking them in
    /// one statement means two concurrent "sign out everywhere" end each session once.
    pub async fn take_user_sessions(
        &self,
        user_id: &str,
        except: Option<&str>,
    ) -> StoreResult<Vec<UserSessionRow>> {
        let _turn = self.write_turn().await?;
        let rows =
            match except {
                None => {
                    sqlx::query(&format!(
                        "DELETE FROM user_sessions WHERE user_id = $1 RETURNING {COLUMNS}"
                    ))
                    .bind(user_id)
                    .fetch_all(self.pool())
                    .await?
                }
                Some(keep) => sqlx::query(&format!(
                    "DELETE FROM user_sessions WHERE user_id = $1 AND sid <> $2 RETURNING {COLUMNS}"
                ))
                .bind(user_id)
                .bind(keep)
                .fetch_all(self.pool())
                .await?,
            };
        Ok(rows
            .iter()
            .map(UserSessionRow::from_row)
            .collect::<sqlx::Result<_>>()?)
    }

    /// Forgets a session that ended at `/logout`.
    pub async fn forget_user_session(&self, sid: &str) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query("DELETE FROM user_sessions WHERE sid = $1")
            .bind(sid)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The families still in force that `user_id` holds, all clients (`client_id` `None`) or
    /// one, for revocation from the account page or the shell.
    pub async fn live_families_of_user(
        &self,
        user_id: &str,
        client_id: Option<&str>,
    ) -> StoreResult<Vec<String>> {
        let rows = match client_id {
            None => {
                sqlx::query(
                    "SELECT id FROM refresh_families WHERE user_id = $1 AND revoked_at IS NULL",
                )
                .bind(user_id)
                .fetch_all(self.pool())
                .await?
            }
            Some(client_id) => {
                sqlx::query(
                    "SELECT id FROM refresh_families \
                     WHERE user_id = $1 AND client_id = $2 AND revoked_at IS NULL",
                )
                .bind(user_id)
                .bind(client_id)
                .fetch_all(self.pool())
                .await?
            }
        };
        Ok(rows
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<sqlx::Result<_>>()?)
    }

    /// Removes and returns the sessions of `user_id` in which `client_id` signed in, so that only
    /// that client is told they ended for it (Back-Channel Logout) when its access is revoked.
    pub async fn take_client_sessions(
        &self,
        user_id: &str,
        client_id: &str,
    ) -> StoreResult<Vec<String>> {
        let _turn = self.write_turn().await?;
        let sids: Vec<String> = sqlx::query_scalar(
            "DELETE FROM session_clients WHERE client_id = $1 \
             AND sid IN (SELECT sid FROM user_sessions WHERE user_id = $2) RETURNING sid",
        )
        .bind(client_id)
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        Ok(sids)
    }
}
