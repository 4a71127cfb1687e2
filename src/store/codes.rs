//! Authorization codes (RFC 6749 §4.1.2): stored by SHA-256 hash, single use, short-lived.
//! A code is stored in one transaction (with the session's client, for back-channel logout) and
//! redeemed by one atomic `UPDATE … WHERE used_at IS NULL … RETURNING`, which also records the
//! tokens it issues, so two racing redemptions cannot both succeed and a flow commits twice.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SignOnVersion, Store, StoreResult, Tagged};

/// A code about to be stored; everything the token endpoint must check is bound to it.
#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    /// SHA-256 hex of the code.
    pub code_hash: &'a str,
    pub client_id: &'a str,
    pub user_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub nonce: Option<&'a str>,
    pub code_challenge: Option<&'a str>,
    pub code_challenge_method: Option<&'a str>,
    pub auth_time: i64,
    /// How the person signed in (RFC 8176 names, space-separated; see `Amr::to_stored`).
    pub amr: &'a str,
    pub session_id: Option<&'a str>,
    pub now: i64,
    pub expires_at: i64,
    /// When the browser session `session_id` ends at the latest: how long to remember that it
    /// signed in to this client (Back-Channel Logout 1.0 §2.3).
    pub session_expires_at: i64,
    /// The `dpop_jkt` authorization parameter (RFC 9449 §10): the key the code is bound to.
    pub dpop_jkt: Option<&'a str>,
}

/// The tokens a redemption is about to issue, recorded with it so that a replay of the code
/// can revoke them (RFC 6749 §4.1.2).
#[derive(Debug, Clone)]
pub struct CodeTokens<'a> {
    pub access_jti: &'a str,
    /// The family of the refresh token, when the client may get one.
    pub refresh_family_id: Option<&'a str>,
}

/// A stored code, as read back at redemption.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub client_id: String,
    pub user_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: i64,
    /// How the person signed in (`Amr::from_stored`).
    pub amr: Option<String>,
    pub session_id: Option<String>,
    pub expires_at: i64,
    /// Tokens issued from this code, revoked if the code is presented again.
    pub access_jti: Option<String>,
    pub refresh_family_id: Option<String>,
    /// RFC 9449 §10: only a proof by the key of this thumbprint may redeem the code.
    pub dpop_jkt: Option<String>,
}

/// What happened when a code was presented.
#[derive(Debug, Clone)]
pub enum Redemption {
    /// First use: the code is now spent. Tagged with the person's sign-on version at that
    /// moment, so a copy of the user read under the same version is as good as reading it now.
    Redeemed(Tagged<CodeRow>),
    /// The code had been used before (RFC 6749 §4.1.2: revoke what it issued).
    Reused(CodeRow),
    /// The code was issued to another client: refused, and left as it was, so a party who
    /// learned the code cannot spend it for the client it belongs to.
    OtherClient,
    /// No such code.
    Unknown,
}

impl CodeRow {
    /// The same columns as [`CodeRow::from_row`], read in place (`in_place.rs`).
    fn from_sqlite(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            client_id: r.get("client_id")?,
            user_id: r.get("user_id")?,
            redirect_uri: r.get("redirect_uri")?,
            scope: r.get("scope")?,
            nonce: r.get("nonce")?,
            code_challenge: r.get("code_challenge")?,
            auth_time: r.get("auth_time")?,
            amr: r.get("amr")?,
            session_id: r.get("session_id")?,
            expires_at: r.get("expires_at")?,
            access_jti: r.get("access_jti")?,
            refresh_family_id: r.get("refresh_family_id")?,
            dpop_jkt: r.get("dpop_jkt")?,
        })
    }

    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            client_id: r.try_get("client_id")?,
            user_id: r.try_get("user_id")?,
            redirect_uri: r.try_get("redirect_uri")?,
            scope: r.try_get("scope")?,
            nonce: r.try_get("nonce")?,
            code_challenge: r.try_get("code_challenge")?,
            auth_time: r.try_get("auth_time")?,
            amr: r.try_get("amr")?,
            session_id: r.try_get("session_id")?,
            expires_at: r.try_get("expires_at")?,
            access_jti: r.try_get("access_jti")?,
            refresh_family_id: r.try_get("refresh_family_id")?,
            dpop_jkt: r.try_get("dpop_jkt")?,
        })
    }
}

impl Store {
    /// Stores a freshly issued code and, in the same statement, remembers that its session
    /// signed in to the client (one commit for both). With `unchanged_since`, the code is
    /// stored only if the person's sign-on version still has that value, checked in the same
    /// statement: false when it moved (the person or a consent of theirs changed since read).
    pub async fn create_code(
        &self,
        c: &NewCode<'_>,
        unchanged_since: Option<SignOnVersion>,
    ) -> StoreResult<bool> {
        // With a session, the trigger of migration 0023 records the session's client (the upsert
        // of Store::remember_session_client) as part of this statement.
        let condition = match unchanged_since {
            Some(_) => "WHERE (SELECT sign_on_version FROM users WHERE id = $3) = $16",
            None => "",
        };
        let sql = format!(
            "INSERT INTO auth_codes (code_hash, client_id, user_id, redirect_uri, scope, nonce, \
             code_challenge, code_challenge_method, auth_time, session_id, created_at, \
             expires_at, amr, dpop_jkt, session_expires_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 {condition}",
        );
        let _turn = self.write_turn().await?;
        if let Some(in_place) = self.in_place() {
            let version = unchanged_since.map(|v| v.value());
            let stored = in_place.run(|conn| {
                let mut insert = conn.prepare_cached(&sql)?;
                let params = rusqlite::params![
                    c.code_hash,
                    c.client_id,
                    c.user_id,
                    c.redirect_uri,
                    c.scope,
                    c.nonce,
                    c.code_challenge,
                    c.code_challenge_method,
                    c.auth_time,
                    c.session_id,
                    c.now,
                    c.expires_at,
                    c.amr,
                    c.dpop_jkt,
                    c.session_expires_at,
                ];
                let mut bound: Vec<&dyn rusqlite::ToSql> = params.to_vec();
                if let Some(version) = &version {
                    bound.push(version);
                }
                insert.execute(bound.as_slice())
            })?;
            if let Some(rows) = stored {
                return Ok(rows == 1);
            }
        }
        let done = sqlx::query(&sql)
            .bind(c.code_hash)
            .bind(c.client_id)
            .bind(c.user_id)
            .bind(c.redirect_uri)
            .bind(c.scope)
            .bind(c.nonce)
            .bind(c.code_challenge)
            .bind(c.code_challenge_method)
            .bind(c.auth_time)
            .bind(c.session_id)
            .bind(c.now)
            .bind(c.expires_at)
            .bind(c.amr)
            .bind(c.dpop_jkt)
            .bind(c.session_expires_at);
        let done = match unchanged_since {
            Some(version) => done.bind(version.value()),
            None => done,
        };
        Ok(done.execute(self.pool()).await?.rows_affected() == 1)
    }

    /// Marks the code used and records the tokens about to be issued, atomically, and says
    /// whether this was its first use. The first use is one statement; only a refused code is
    /// read again, to say why.
    pub async fn redeem_code(
        &self,
        code_hash: &str,
        client_id: &str,
        now: i64,
        issues: &CodeTokens<'_>,
    ) -> StoreResult<Redemption> {
        const REDEEM: &str = "UPDATE auth_codes SET used_at = $1, access_jti = $2, refresh_family_id = $3 \
             WHERE code_hash = $4 AND used_at IS NULL AND client_id = $5 \
             RETURNING client_id, user_id, redirect_uri, scope, nonce, code_challenge, auth_time, amr, \
             session_id, expires_at, access_jti, refresh_family_id, dpop_jkt, \
             COALESCE((SELECT sign_on_version FROM users WHERE id = auth_codes.user_id), -1) \
             AS sign_on_version";
        let turn = self.write_turn().await?;
        if let Some(in_place) = self.in_place() {
            let redeemed = in_place.run(|conn| {
                let mut update = conn.prepare_cached(REDEEM)?;
                let mut rows = update.query(rusqlite::params![
                    now,
                    issues.access_jti,
                    issues.refresh_family_id,
                    code_hash,
                    client_id
                ])?;
                let redeemed = match rows.next()? {
                    Some(row) => Some(Tagged {
                        row: CodeRow::from_sqlite(row)?,
                        version: SignOnVersion::read(row.get("sign_on_version")?),
                    }),
                    None => None,
                };
                // On to SQLITE_DONE, where the statement commits (`InPlace::run`).
                while rows.next()?.is_some() {}
                Ok(redeemed)
            })?;
            match redeemed {
                Some(Some(redeemed)) => return Ok(Redemption::Redeemed(redeemed)),
                Some(None) => {
                    drop(turn);
                    return self.refused_code(code_hash, client_id).await;
                }
                None => {}
            }
        }
        let redeemed = sqlx::query(REDEEM)
            .bind(now)
            .bind(issues.access_jti)
            .bind(issues.refresh_family_id)
            .bind(code_hash)
            .bind(client_id)
            .fetch_optional(self.pool())
            .await?;
        drop(turn);
        if let Some(row) = redeemed {
            let redeemed = Tagged::from_row(&row, CodeRow::from_row)?;
            return Ok(Redemption::Redeemed(redeemed));
        }
        self.refused_code(code_hash, client_id).await
    }

    /// Why a code was not redeemed: unknown, another client's, or used before.
    async fn refused_code(&self, code_hash: &str, client_id: &str) -> StoreResult<Redemption> {
        let row = sqlx::query(
            "SELECT client_id, user_id, redirect_uri, scope, nonce, code_challenge, auth_time, amr, \
             session_id, expires_at, access_jti, refresh_family_id, dpop_jkt FROM auth_codes WHERE code_hash = $1",
        )
        .bind(code_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(Redemption::Unknown);
        };
        let code = CodeRow::from_row(&row)?;
        Ok(if code.client_id != client_id {
            Redemption::OtherClient
        } else {
            Redemption::Reused(code)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{CodeTokens, NewCode, Redemption};
    use crate::domain::Username;
    use crate::store::{Store, Tagged, test_store as store};

    /// Redeems the code `hash` for client c1; it must be its first use.
    async fn redeem(store: &Store, hash: &str) -> Tagged<super::CodeRow> {
        let tokens = CodeTokens {
            access_jti: hash,
            refresh_family_id: None,
        };
        match store.redeem_code(hash, "c1", 2, &tokens).await.unwrap() {
            Redemption::Redeemed(redeemed) => redeemed,
            other => panic!("{hash} was not redeemed: {other:?}"),
        }
    }

    fn code(hash: &str) -> NewCode<'_> {
        NewCode {
            code_hash: hash,
            client_id: "c1",
            user_id: "u1",
            redirect_uri: "https://rp.example/cb",
            scope: "openid",
            nonce: None,
            code_challenge: None,
            code_challenge_method: None,
            auth_time: 1,
            amr: "pwd",
            session_id: None,
            now: 1,
            expires_at: 61,
            session_expires_at: 3601,
            dpop_jkt: None,
        }
    }

    #[tokio::test]
    async fn a_checked_code_is_stored_only_while_the_persons_version_stands() {
        let (_dir, store) = store().await;
        let alice = Username::parse("alice").unwrap();
        store
            .create_user("u1", &alice, None, None, "hash")
            .await
            .unwrap();
        let version = |s: &Store| {
            let s = s.clone();
            async move { s.user_by_id_tagged("u1").await.unwrap().unwrap().version }
        };
        let v0 = version(&store).await;
        assert!(store.create_code(&code("h1"), Some(v0)).await.unwrap());

        // A consent given moves it; its hourly "last used" does not.
        store.save_consent("u1", "c1", "openid", 1).await.unwrap();
        let v1 = version(&store).await;
        assert_ne!(v0, v1);
        assert!(!store.create_code(&code("h2"), Some(v0)).await.unwrap());
        store.mark_consent_used("u1", "c1", 2).await.unwrap();
        assert_eq!(version(&store).await, v1);
        let consent = store.consent_tagged("u1", "c1").await.unwrap().unwrap();
        assert_eq!(consent.version, v1, "read with the person's version");

        // A change to the person moves it.
        store.disable_user(&alice).await.unwrap();
        let v2 = version(&store).await;
        assert_ne!(v1, v2);
        assert!(!store.create_code(&code("h3"), Some(v1)).await.unwrap());
        assert!(store.create_code(&code("h4"), Some(v2)).await.unwrap());
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM auth_codes")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(stored, 2, "h1 and h4 only");

        // The redemption says the version of that moment; a person deleted behind the
        // server's back has none that a copy could have.
        let redeemed = redeem(&store, "h1").await;
        assert_eq!(redeemed.version, v2);
        sqlx::query("DELETE FROM users WHERE id = 'u1'")
            .execute(store.pool())
            .await
            .unwrap();
        let redeemed = redeem(&store, "h4").await;
        assert!(redeemed.version.value() < 0);
        assert!(!store.create_code(&code("h5"), Some(v2)).await.unwrap());
    }

    /// Another process (the CLI, a backup) holding the write lock: the in-place statement is
    /// refused without waiting, and the same statement on the pool waits for the lock and
    /// succeeds, so the code is stored and redeemed once each.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_code_is_stored_and_redeemed_while_another_process_holds_the_write_lock() {
        let (dir, store) = store().await;
        let file = dir.path().join("t.db");
        // Holds the write lock for a moment on a thread of its own, as another process would.
        let hold_lock = |file: std::path::PathBuf| {
            let (locked, is_locked) = std::sync::mpsc::channel();
            let holder = std::thread::spawn(move || {
                let other = rusqlite::Connection::open(file).unwrap();
                other.execute_batch("BEGIN IMMEDIATE").unwrap();
                locked.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(200));
                other.execute_batch("COMMIT").unwrap();
            });
            is_locked.recv().unwrap();
            holder
        };

        let holder = hold_lock(file.clone());
        assert!(store.create_code(&code("h1"), None).await.unwrap());
        holder.join().unwrap();

        let holder = hold_lock(file);
        let redeemed = redeem(&store, "h1").await;
        holder.join().unwrap();
        assert_eq!(redeemed.row.user_id, "u1");
        let tokens = CodeTokens {
            access_jti: "again",
            refresh_family_id: None,
        };
        let again = store.redeem_code("h1", "c1", 3, &tokens).await.unwrap();
        assert!(matches!(again, Redemption::Reused(_)), "{again:?}");
    }
}
