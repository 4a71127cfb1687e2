//! A TCP proxy the test can cut and restore, standing between a server and PostgreSQL to play
//! a database that goes away (network partition, failover, restart) and comes back.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Forwards `127.0.0.1:<port>` to `upstream` until cut.
pub struct TcpProxy {
    /// The port clients connect to; stays the same across [`TcpProxy::cut`] and
    /// [`TcpProxy::restore`].
    pub port: u16,
    upstream: SocketAddr,
    task: Option<JoinHandle<()>>,
}

impl TcpProxy {
    /// Listens on a fresh loopback port and forwards every connection to `upstream`.
    pub async fn start(upstream: SocketAddr) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        TcpProxy {
            port,
            upstream,
            task: Some(tokio::spawn(serve(listener, upstream))),
        }
    }

    /// Closes the listener and every forwarded connection: new connections are refused and
    /// open ones see the socket close, as when the database host goes away.
    pub async fn cut(&mut self) {
        if let Some(task) = self.task.take() {
            // Dropping the task drops its JoinSet, which aborts every connection task.
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens on the same port again.
    pub async fn restore(&mut self) {
        assert!(self.task.is_none(), "cut the proxy before restoring it");
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("re-bind proxy port");
        self.task = Some(tokio::spawn(serve(listener, self.upstream)));
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn serve(listener: TcpListener, upstream: SocketAddr) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((mut client, _)) = accepted else { continue };
                connections.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
