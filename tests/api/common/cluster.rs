//! Several instances on one database: a second server sharing a [`TestApp`]'s database, key
//! folder and issuer, as a second replica behind a load balancer would.

use std::net::SocketAddr;

use tokio::sync::oneshot;

use super::{TestApp, http_client};

/// A second server on the same database and key-encryption key. Stops when dropped.
pub struct Peer {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    _shutdown: oneshot::Sender<()>,
}

impl Peer {
    /// `http://<peer address> + path` (the issuer stays the first app's).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

/// Starts a second instance of `app`: same issuer, database and `keys/` folder, its own port.
/// `extra_toml` is appended to its `[keys]` section, as with [`super::Options`].
pub async fn spawn_peer(app: &TestApp, extra_toml: &str) -> Peer {
    super::init_tracing();
    let dir = tempfile::tempdir().expect("tempdir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let path = dir.path().join("config.toml");
    let text = format!(
        "issuer = \"{issuer}\"\n\
         [server]\nbind = \"{addr}\"\n\
         [database]\nurl = \"{db}\"\n\
         [keys]\ndir = \"{keys}\"\nreload_interval = \"1s\"\n{extra_toml}",
        issuer = app.issuer,
        db = app.db.url,
        keys = app.dir.path().join("keys").display(),
    );
    std::fs::write(&path, text).expect("write config");
    let config =
        tessera::config::Config::load_with_env(&path, &Default::default()).expect("peer config");
    let state = tessera::server::prepare(config, tessera::clock::Clock::system())
        .await
        .expect("peer start");
    let (tx, rx) = oneshot::channel::<()>();
    // Dropping the sender resolves `rx` with an error, which shuts the peer down.
    tokio::spawn(tessera::server::run(state, listener, async {
        let _ = rx.await;
    }));
    Peer {
        addr,
        http: http_client(),
        _dir: dir,
        _shutdown: tx,
    }
}

/// Moves every active key's activation `seconds` into the past, so the next scheduled check
/// finds a rotation due without waiting for `keys.rotation_interval` (30 days by default).
/// Test-only SQL, kept out of `src/store` on purpose: no production code path backdates keys.
pub async fn backdate_active_keys(db_url: &str, seconds: i64) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(db_url).await.expect("connect");
    sqlx::query(
        "UPDATE signing_keys SET activated_at = activated_at - $1, created_at = created_at - $1
         WHERE state = 'active'",
    )
    .bind(seconds)
    .execute(&pool)
    .await
    .expect("backdate keys");
    pool.close().await;
}
