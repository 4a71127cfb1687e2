//! Device authorization requests (RFC 8628). Both codes are kept only as SHA-256 hashes. The
//! person's answer and the device's redemption are each one conditional `UPDATE`, so two racing
//! answers cannot both count and a device code is exchanged at most once.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::domain::DeviceStatus;

use super::{Store, StoreResult, conflict_as};

/// How much longer a device must wait after each `slow_down` (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: i64 = 5;

/// A device authorization request about to be stored.
#[derive(Debug, Clone)]
pub struct NewDeviceCode<'a> {
    pub device_code_hash: &'a str,
    pub user_code_hash: &'a str,
    pub client_id: &'a str,
    pub scope: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub interval_secs: i64,
}

/// A stored device authorization request.
#[derive(Debug, Clone)]
pub struct DeviceCodeRow {
    pub device_code_hash: String,
    pub client_id: String,
    pub scope: String,
    pub expires_at: i64,
    pub status: DeviceStatus,
    /// Set once the person approved.
    pub user_id: Option<String>,
    pub auth_time: Option<i64>,
    pub session_id: Option<String>,
    /// How the person signed in (`amr`, as stored).
    pub amr: Option<String>,
}

/// The person's answer on `/device`.
#[derive(Debug, Clone, Copy)]
pub enum DeviceDecision<'a> {
    Approve {
        user_id: &'a str,
        auth_time: i64,
        session_id: &'a str,
        amr: &'a str,
    },
    Deny,
}

/// What a poll at the token endpoint found (RFC 8628 §3.5).
#[derive(Debug, Clone)]
pub enum DevicePoll {
    /// No such device code.
    Unknown,
    /// The code was issued to another client: left as it was.
    OtherClient,
    /// Past its lifetime.
    Expired,
    /// Polled before the interval had passed: the interval has grown by [`SLOW_DOWN_STEP`].
    SlowDown,
    Pending,
    Denied,
    /// Approved, and now spent by this poll: issue the tokens.
    Approved(DeviceCodeRow),
    /// Tokens were already issued for it.
    AlreadyUsed,
}

const COLUMNS: &str = "device_code_hash, client_id, scope, expires_at, status, user_id, \
                       auth_time, session_id, amr";

impl DeviceCodeRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        let status: String = r.try_get("status")?;
        Ok(Self {
            device_code_hash: r.try_get("device_code_hash")?,
            client_id: r.try_get("client_id")?,
            scope: r.try_get("scope")?,
            expires_at: r.try_get("expires_at")?,
            status: DeviceStatus::parse(&status).ok_or_else(|| {
                sqlx::Error::Decode(format!("unknown device code status `{status}`").into())
            })?,
            user_id: r.try_get("user_id")?,
            auth_time: r.try_get("auth_time")?,
            session_id: r.try_get("session_id")?,
            amr: r.try_get("amr")?,
        })
    }
}

impl Store {
    /// Stores a new request; `Conflict("user code")` when the user code is taken (draw again).
    pub async fn create_device_code(&self, d: &NewDeviceCode<'_>) -> StoreResult<()> {
        let _turn = self.write_turn().await?;
        sqlx::query(
            "INSERT INTO device_codes (device_code_hash, user_code_hash, client_id, scope, \
             created_at, expires_at, interval_secs, next_poll_at, status, user_id, auth_time, \
             session_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $5, $8, NULL, NULL, NULL)",
        )
        .bind(d.device_code_hash)
        .bind(d.user_code_hash)
        .bind(d.client_id)
        .bind(d.scope)
        .bind(d.now)
        .bind(d.expires_at)
        .bind(d.interval_secs)
        .bind(DeviceStatus::Pending.as_str())
        .execute(self.pool())
        .await
        .map_err(conflict_as("user code"))?;
        Ok(())
    }

    /// The request a user code names, whatever its state.
    pub async fn device_code_by_user_code(
        &self,
        user_code_hash: &str,
    ) -> StoreResult<Option<DeviceCodeRow>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM device_codes WHERE user_code_hash = $1"
        ))
        .bind(user_code_hash)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(DeviceCodeRow::from_row).transpose()?)
    }

    /// Records the person's answer if the request is still pending and unexpired; false
    /// otherwise (answered meanwhile, perhaps in another tab, or expired).
    pub async fn decide_device_code(
        &self,
        device_code_hash: &str,
        decision: DeviceDecision<'_>,
        now: i64,
    ) -> StoreResult<bool> {
        let _turn = self.write_turn().await?;
        let (status, user_id, auth_time, session_id, amr) = match decision {
            DeviceDecision::Approve {
                user_id,
                auth_time,
                session_id,
                amr,
            } => (
                DeviceStatus::Approved,
                Some(user_id),
                Some(auth_time),
                Some(session_id),
                Some(amr),
            ),
            DeviceDecision::Deny => (DeviceStatus::Denied, None, None, None, None),
        };
        let done = sqlx::query(
            "UPDATE device_codes SET status = $1, user_id = $2, auth_time = $3, session_id = $4, \
             amr = $8 WHERE device_code_hash = $5 AND status = $6 AND expires_at > $7",
        )
        .bind(status.as_str())
        .bind(user_id)
        .bind(auth_time)
        .bind(session_id)
        .bind(device_code_hash)
        .bind(DeviceStatus::Pending.as_str())
        .bind(now)
        .bind(amr)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// One poll by `client_id` (RFC 8628 §3.4–§3.5): checks the interval (growing it on
    /// `slow_down`), then spends an approved code with one conditional `UPDATE`.
    pub async fn poll_device_code(
        &self,
        device_code_hash: &str,
        client_id: &str,
        now: i64,
    ) -> StoreResult<DevicePoll> {
        let _turn = self.write_turn().await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM device_codes WHERE device_code_hash = $1"
        ))
        .bind(device_code_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(DevicePoll::Unknown);
        };
        let code = DeviceCodeRow::from_row(&row)?;
        if code.client_id != client_id {
            return Ok(DevicePoll::OtherClient);
        }
        if code.status == DeviceStatus::Used {
            return Ok(DevicePoll::AlreadyUsed);
        }
        if code.expires_at <= now {
            return Ok(DevicePoll::Expired);
        }
        let on_time = sqlx::query(
            "UPDATE device_codes SET next_poll_at = $1 + interval_secs
             WHERE device_code_hash = $2 AND next_poll_at <= $1",
        )
        .bind(now)
        .bind(device_code_hash)
        .execute(self.pool())
        .await?;
        if on_time.rows_affected() == 0 {
            sqlx::query(
                "UPDATE device_codes SET interval_secs = interval_secs + $1,
                   next_poll_at = $2 + interval_secs + $1
                 WHERE device_code_hash = $3",
            )
            .bind(SLOW_DOWN_STEP)
            .bind(now)
            .bind(device_code_hash)
            .execute(self.pool())
            .await?;
            return Ok(DevicePoll::SlowDown);
        }
        Ok(match code.status {
            DeviceStatus::Pending => DevicePoll::Pending,
            DeviceStatus::Denied => DevicePoll::Denied,
            DeviceStatus::Used => DevicePoll::AlreadyUsed,
            DeviceStatus::Approved => {
                let spent = sqlx::query(
                    "UPDATE device_codes SET status = $1 WHERE device_code_hash = $2 AND status = $3",
                )
                .bind(DeviceStatus::Used.as_str())
                .bind(device_code_hash)
                .bind(DeviceStatus::Approved.as_str())
                .execute(self.pool())
                .await?;
                if spent.rows_affected() == 1 {
                    DevicePoll::Approved(code)
                } else {
                    DevicePoll::AlreadyUsed
                }
            }
        })
    }
}
