//! Several instances on one database: a second server sharing a [`TestApp`]'s database, key
//! folder, issuer and clock, as a second replica behind a load balancer would.

use std::net::SocketAddr;

use super::{ConfigFile, Instance, TestApp, bind_loopback, http_client};

/// A second server on the same database and key-encryption key. Stops when dropped.
pub struct Peer {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    instance: Instance,
    _dir: tempfile::TempDir,
}

impl Peer {
    /// `http://<peer address> + path` (the issuer stays the first app's).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// As [`TestApp::catch_up`], on this instance.
    pub async fn catch_up(&self) {
        self.instance.catch_up().await;
    }
}

/// Starts a second instance of `app`: same issuer, database, `keys/` folder and clock, its own
/// port. `extra_toml` is appended to its `[keys]` section, as with [`super::Options`].
pub async fn spawn_peer(app: &TestApp, extra_toml: &str) -> Peer {
    let dir = tempfile::tempdir().expect("tempdir");
    let listener = bind_loopback().await;
    let addr = listener.local_addr().expect("addr");
    let bind = addr.to_string();
    let keys = app.dir.path().join("keys");
    let config = ConfigFile::new(&app.issuer, &app.db.url, &keys)
        .bind(&bind)
        .extra(extra_toml)
        .write(dir.path());
    let instance = Instance::start(listener, &config, &[], app.clock_hand()).await;
    Peer {
        addr,
        http: http_client(),
        instance,
        _dir: dir,
    }
}
