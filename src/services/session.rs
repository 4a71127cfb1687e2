//! The browser session at the OP (SSO), over tower-sessions with its sqlx store in Tessera's own
//! database. [`BrowserSession`] is the typed view handlers use: who is signed in, the
//! authorization request in progress, and the CSRF token of the pages.
//!
//! Cookie: HttpOnly, SameSite=Lax (the authorization request is a top-level cross-site GET),
//! Secure when the issuer is https. A new id at sign-in (no fixation). Idle expiry is enforced by
//! tower-sessions, the absolute lifetime here from the sign-in time.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::{Expiry, Session, SessionManagerLayer, SessionStore, session_store};
use tower_sessions_sqlx_store::sqlx::postgres::PgPoolOptions;
use tower_sessions_sqlx_store::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::config::Config;
use crate::crypto::{constant_time_eq, random_token};
use crate::domain::Amr;

use crate::error::PageError;
use crate::services::people_cache::PeopleCache;
use crate::services::session_activity::SessionActivity;
use crate::store::{Backend, SqliteSynchronous, Store, Tagged, UserRow};

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "tessera_session";

const USER: &str = "user";
const CSRF: &str = "csrf";
/// When the session record was last written because the session was used (Unix seconds).
const KEPT_ALIVE: &str = "kept_alive";

/// The session store on the app's database (the sqlx store needs a concrete pool type).
#[derive(Clone, Debug)]
pub enum SessionStores {
    Sqlite(SqliteSessions),
    Postgres(PostgresStore),
}

/// The sqlx session store on SQLite, whose reads run in place on the calling thread
/// (`store/in_place.rs`): every request of a signed-in browser reads its record first. Writes,
/// rare (a sign-in, a change, the idle deadline moved), and any read that cannot run in place
/// go through the store's own pool as before.
#[derive(Clone, Debug)]
pub struct SqliteSessions {
    pooled: SqliteStore,
    store: Store,
}

#[async_trait::async_trait]
impl SessionStore for SqliteSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.pooled.create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.pooled.save(record).await
    }

    /// As the sqlx store's `load`: the record, unless it is missing or past its expiry.
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let data = match self.store.session_record_in_place(&id.to_string()) {
            Ok(Some(data)) => data,
            Ok(None) => return self.pooled.load(id).await,
            Err(e) => return Err(session_store::Error::Backend(e.to_string())),
        };
        let Some(data) = data else {
            return Ok(None);
        };
        let record: Record = rmp_serde::from_slice(&data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok((record.expiry_date > time::OffsetDateTime::now_utc()).then_some(record))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.pooled.delete(id).await
    }
}

/// Opens a small pool of the concrete type beside the app's `Any` pool and creates the session
/// table if missing. `acquire_timeout` is `database.acquire_timeout`, so a page waits no longer
/// for a session connection than for any other before it is answered 503.
/// `synchronous` is `database.sqlite_synchronous`, as for the app's own connections.
pub async fn open(
    store: &Store,
    acquire_timeout: Duration,
    synchronous: SqliteSynchronous,
) -> anyhow::Result<SessionStores> {
    let fail = |e: sqlx::Error| anyhow::anyhow!("cannot open the session store: {e}");
    Ok(match store.backend() {
        Backend::Sqlite => {
            let opts = SqliteConnectOptions::from_str(store.url())
                .map_err(fail)?
                .busy_timeout(Duration::from_secs(5))
                .synchronous(synchronous.for_sqlx())
                // The server's checkpoint task does it (`store::checkpoint`).
                .pragma("wal_autocheckpoint", "0");
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                // No ping before each use, and no idle connection kept long: see
                // `Store::connect_with`.
                .test_before_acquire(false)
                .idle_timeout(crate::store::SQLITE_IDLE_CONNECTION)
                .acquire_timeout(acquire_timeout)
                .connect_with(opts)
                .await
                .map_err(fail)?;
            let pooled = SqliteStore::new(pool);
            pooled.migrate().await.map_err(fail)?;
            SessionStores::Sqlite(SqliteSessions {
                pooled,
                store: store.clone(),
            })
        }
        Backend::Postgres => {
            let pool = PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(acquire_timeout)
                .connect(store.url())
                .await
                .map_err(fail)?;
            let s = PostgresStore::new(pool);
            s.migrate().await.map_err(fail)?;
            SessionStores::Postgres(s)
        }
    })
}

impl SessionStores {
    /// Deletes expired session records every `period`, until the task is aborted.
    pub fn spawn_cleanup(&self, period: Duration) -> tokio::task::JoinHandle<()> {
        use tower_sessions::ExpiredDeletion;
        let period = tokio::time::Duration::from_secs(period.as_secs().max(1));
        let store = self.clone();
        tokio::spawn(async move {
            let result = match store {
                SessionStores::Sqlite(s) => s.pooled.continuously_delete_expired(period).await,
                SessionStores::Postgres(s) => s.continuously_delete_expired(period).await,
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "expired-session cleanup stopped");
            }
        })
    }

    /// Deletes a session record by its id (another browser's session, ended from the account
    /// page or the shell): its next request finds no session. An unknown id is not an error.
    pub async fn delete(&self, record_id: &str) -> Result<(), PageError> {
        let Ok(id) = tower_sessions::session::Id::from_str(record_id) else {
            return Ok(());
        };
        let result = match self {
            SessionStores::Sqlite(s) => s.delete(&id).await,
            SessionStores::Postgres(s) => s.delete(&id).await,
        };
        result.map_err(|e| broken(tower_sessions::session::Error::Store(e)))
    }

    /// Wraps `routes` (the browser-facing ones only) in the session layer.
    pub fn apply<S: Clone + Send + Sync + 'static>(
        &self,
        routes: Router<S>,
        config: &Config,
    ) -> Router<S> {
        let routes = match self {
            SessionStores::Sqlite(s) => routes.layer(layer(s.clone(), config)),
            SessionStores::Postgres(s) => routes.layer(layer(s.clone(), config)),
        };
        routes.layer(axum::middleware::map_response(readable_save_failure))
    }
}

/// tower-sessions answers a bare 500 (no body, no content type) when it cannot save the session
/// at the end of a request, the database being down: a person gets the readable 503 page
/// instead, as for any other database failure. Tessera's own errors always have a content type.
async fn readable_save_failure(resp: Response) -> Response {
    let bare = resp.status() == StatusCode::INTERNAL_SERVER_ERROR
        && !resp.headers().contains_key(header::CONTENT_TYPE);
    if bare {
        return PageError::unavailable().into_response();
    }
    resp
}

fn layer<S: SessionStore + Clone>(store: S, config: &Config) -> SessionManagerLayer<S> {
    let idle = time::Duration::seconds(config.session.idle_timeout.as_secs() as i64);
    SessionManagerLayer::new(store)
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.is_https())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Who is signed in, and since when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionUser {
    /// The subject (`users.id`).
    pub user_id: String,
    /// When the person last entered their password (`auth_time`, OIDC Core §2).
    pub auth_time: i64,
    /// The OP session id given to clients as `sid`.
    pub sid: String,
    /// The methods the person signed in with (a password in sessions from before factors).
    #[serde(default)]
    pub amr: Amr,
}

/// A session storage failure, shown as a page.
fn broken(e: tower_sessions::session::Error) -> PageError {
    tracing::error!(error = %e, "session store failure");
    PageError::unavailable()
}

/// A request parked in the session while the person signs in or consents (the authorization
/// endpoint's pending request, or the account page waiting for a sign-in). Its id names it in
/// the forms rendered for it.
pub trait Parked: Serialize + DeserializeOwned + Send + Sync {
    /// The session key it is parked under; one of each kind at a time.
    const KEY: &'static str;

    /// The id the forms carry in their hidden `request` field.
    fn id(&self) -> &str;
}

/// The account page waiting for the person to sign in (parked in the session; the login page
/// returns to `/account` after it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountSignIn {
    /// Names this sign-in in the login form.
    pub id: String,
    /// The person is signed in, but must enter their password again (too old a sign-in).
    pub again: bool,
}

impl Parked for AccountSignIn {
    const KEY: &'static str = "account_sign_in";
    fn id(&self) -> &str {
        &self.id
    }
}

/// A password accepted, a second factor awaited (parked in the browser session).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SecondStep {
    /// Names this step in its form.
    pub id: String,
    /// The request the sign-in is for (the login form's `request`).
    pub purpose_id: String,
    pub user_id: String,
    /// The username as the throttle counts it.
    pub username: String,
    /// The methods used so far.
    pub amr: Amr,
    /// When the password was accepted.
    pub started_at: i64,
    /// The person is signed in already and adds a factor to that sign-in (`acr_values`,
    /// a client that requires two factors): no new session.
    #[serde(default)]
    pub step_up: bool,
}

impl Parked for SecondStep {
    const KEY: &'static str = "second_step";
    fn id(&self) -> &str {
        &self.id
    }
}

/// The typed session handlers use.
#[derive(Debug, Clone)]
pub struct BrowserSession(Session);

impl<S: Send + Sync> FromRequestParts<S> for BrowserSession {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Session::from_request_parts(parts, state)
            .await
            .map(BrowserSession)
            .map_err(|_| PageError::bad_request("error-cookies-needed"))
    }
}

impl BrowserSession {
    /// The signed-in person, unless the absolute lifetime since sign-in has passed.
    pub async fn user(
        &self,
        now: i64,
        absolute: Duration,
    ) -> Result<Option<SessionUser>, PageError> {
        let user: Option<SessionUser> = self.0.get(USER).await.map_err(broken)?;
        match user {
            Some(u) if now - u.auth_time <= absolute.as_secs() as i64 => Ok(Some(u)),
            Some(_) => {
                self.sign_out().await?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// The signed-in person and their account, unless the absolute lifetime since sign-in has
    /// passed or the account was disabled or deleted since (then the session forgets them). A
    /// use of the session: its "last seen" moves (`activity`).
    pub async fn current(
        &self,
        store: &Store,
        activity: &SessionActivity,
        now: i64,
        absolute: Duration,
    ) -> Result<Option<(SessionUser, UserRow)>, PageError> {
        let Some(user) = self.user(now, absolute).await? else {
            return Ok(None);
        };
        match store.user_by_id(&user.user_id).await? {
            Some(row) if !row.disabled => {
                self.used(store, activity, &user.sid, now).await?;
                Ok(Some((user, row)))
            }
            _ => {
                self.sign_out().await?;
                Ok(None)
            }
        }
    }

    /// As [`BrowserSession::current`], on this instance's copy of the account (`people`): only
    /// for a decision that its write checks against the copy's tag (`people_cache`). `None`
    /// also when the copy says the account is disabled or gone: the caller then decides on
    /// fresh reads, which sign the person out.
    pub async fn current_copy(
        &self,
        people: &PeopleCache,
        store: &Store,
        activity: &SessionActivity,
        now: i64,
        absolute: Duration,
    ) -> Result<Option<(SessionUser, Tagged<Arc<UserRow>>)>, PageError> {
        let Some(user) = self.user(now, absolute).await? else {
            return Ok(None);
        };
        match people.user(store, &user.user_id).await? {
            Some(copy) if !copy.row.disabled => {
                self.used(store, activity, &user.sid, now).await?;
                Ok(Some((user, copy)))
            }
            Some(_) => {
                people.forget_user(&user.user_id);
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// A use of the session by its signed-in person: "last seen" and the idle deadline move.
    async fn used(
        &self,
        store: &Store,
        activity: &SessionActivity,
        sid: &str,
        now: i64,
    ) -> Result<(), PageError> {
        activity.seen(store, sid, now).await?;
        self.keep_alive(activity, now).await
    }

    /// Moves the idle deadline (tower-sessions moves it whenever the record is written), but only
    /// every [`SessionActivity::keep_alive_every`]: in between, a request that changes nothing
    /// in the session does not rewrite it.
    async fn keep_alive(&self, activity: &SessionActivity, now: i64) -> Result<(), PageError> {
        let last: Option<i64> = self.0.get(KEPT_ALIVE).await.map_err(broken)?;
        if last.is_none_or(|t| !(0..activity.keep_alive_every()).contains(&(now - t))) {
            self.0.insert(KEPT_ALIVE, now).await.map_err(broken)?;
        }
        Ok(())
    }

    /// Records a sign-in under a new session id and a new CSRF token (no fixation, OWASP
    /// session management: a token seen before sign-in is worth nothing after it). The record is
    /// saved at once so its new id is known; that id is returned, to end the session from
    /// elsewhere (account page, shell).
    pub async fn sign_in(&self, user: &SessionUser) -> Result<String, PageError> {
        self.0.cycle_id().await.map_err(broken)?;
        self.0.remove::<String>(CSRF).await.map_err(broken)?;
        self.0.insert(USER, user).await.map_err(broken)?;
        self.0
            .insert(KEPT_ALIVE, user.auth_time)
            .await
            .map_err(broken)?;
        self.0.save().await.map_err(broken)?;
        self.0.id().map(|id| id.to_string()).ok_or_else(|| {
            broken(tower_sessions::session::Error::Store(
                tower_sessions::session_store::Error::Backend("no id after save".into()),
            ))
        })
    }

    /// Replaces the signed-in person's record in place, keeping the session id: a factor was
    /// added to this sign-in (step-up, or enrolment with a confirmed code).
    pub async fn set_user(&self, user: &SessionUser) -> Result<(), PageError> {
        self.0.insert(USER, user).await.map_err(broken)
    }

    /// Forgets who is signed in.
    pub async fn sign_out(&self) -> Result<(), PageError> {
        self.0.remove::<SessionUser>(USER).await.map_err(broken)?;
        Ok(())
    }

    /// Ends the whole session: deletes its record and the cookie (RP-Initiated Logout 1.0 §2).
    pub async fn end(&self) -> Result<(), PageError> {
        self.0.flush().await.map_err(broken)
    }

    /// The parked request of kind `P`, if any.
    pub async fn pending<P: Parked>(&self) -> Result<Option<P>, PageError> {
        self.0.get(P::KEY).await.map_err(broken)
    }

    /// The parked request a login or consent form was rendered for (`request_id` is its hidden
    /// `request` field). Missing, or replaced by a newer request since: a page explains.
    pub async fn pending_for<P: Parked>(&self, request_id: &str) -> Result<P, PageError> {
        match self.pending::<P>().await? {
            Some(p) if constant_time_eq(p.id(), request_id) => Ok(p),
            Some(_) => Err(PageError::bad_request("error-sign-in-replaced")),
            None => Err(PageError::bad_request("error-no-sign-in")),
        }
    }

    /// Parks a request while the person signs in or consents (replacing one of its kind).
    pub async fn set_pending<P: Parked>(&self, pending: &P) -> Result<(), PageError> {
        self.0.insert(P::KEY, pending).await.map_err(broken)
    }

    /// Ends the parked request of kind `P`. When there is none the session is left untouched,
    /// so that a request that changes nothing (an SSO authorization) does not rewrite it.
    pub async fn clear_pending<P: Parked>(&self) -> Result<(), PageError> {
        if self.0.get_value(P::KEY).await.map_err(broken)?.is_some() {
            self.0
                .remove::<serde_json::Value>(P::KEY)
                .await
                .map_err(broken)?;
        }
        Ok(())
    }

    /// The CSRF token of this session's forms, created on first use.
    pub async fn csrf_token(&self) -> Result<String, PageError> {
        if let Some(t) = self.0.get::<String>(CSRF).await.map_err(broken)? {
            return Ok(t);
        }
        let t = random_token(32);
        self.0.insert(CSRF, &t).await.map_err(broken)?;
        Ok(t)
    }

    /// Refuses a form whose CSRF token is missing or not this session's (403, nothing changed).
    pub async fn check_csrf(&self, presented: &str) -> Result<(), PageError> {
        let expected: Option<String> = self.0.get(CSRF).await.map_err(broken)?;
        match expected {
            Some(e) if !presented.is_empty() && constant_time_eq(&e, presented) => Ok(()),
            _ => Err(PageError::new(
                StatusCode::FORBIDDEN,
                "error-form-expired-title",
                "error-form-expired",
            )),
        }
    }
}
