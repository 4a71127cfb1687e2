//! The accept loop: one hyper connection per TCP stream, bounded so that slow or greedy clients
//! cannot hold the server. A connection is closed when its request headers take longer than
//! `server.header_read_timeout`, or when it stays idle between requests longer than
//! `server.keep_alive_timeout`; one peer address holds at most `server.max_connections_per_ip`
//! (except `server.trusted_proxies`, which carry many clients' connections).
//! On shutdown no connection is accepted and in-flight requests finish.
//!
//! hyper's own `header_read_timeout` is not used: it starts when hyper waits for a request, so it
//! also ends idle keep-alive connections and one timer cannot give both limits their own length.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;
use tower::ServiceExt;

use crate::config::ServerConfig;
use crate::config::TrustedProxies;

/// How long connections may take and how many one client may open.
#[derive(Debug, Clone)]
pub struct Limits {
    /// From the connection's opening, or a request's first byte, to the end of its headers.
    pub header_read_timeout: Duration,
    /// Idle time allowed between two requests on one connection.
    pub keep_alive_timeout: Duration,
    /// Connections open at once per peer IP; 0 means no cap.
    pub max_connections_per_ip: usize,
    /// Peers the cap does not apply to: reverse proxies carry many clients' connections.
    pub uncapped: TrustedProxies,
}

impl Limits {
    /// The limits `[server]` configures.
    pub fn from_config(server: &ServerConfig) -> Self {
        Self {
            header_read_timeout: server.header_read_timeout,
            keep_alive_timeout: server.keep_alive_timeout,
            max_connections_per_ip: server.max_connections_per_ip,
            uncapped: server.trusted_proxies.clone(),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting and waits for the
/// open connections to finish the requests they are answering. Handlers see the peer address as
/// `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = http1::Builder::new();
    // The timeouts are ConnWatch's (see the module comment).
    builder.header_read_timeout(None);
    let timeouts = Timeouts {
        header_read: limits.header_read_timeout,
        keep_alive: limits.keep_alive_timeout,
    };
    let per_ip = PerIp::new(limits.max_connections_per_ip, limits.uncapped);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = per_ip.admit(peer.ip()) else {
            // Dropping the stream closes it before a byte is read.
            tracing::debug!(%peer, "connection refused: server.max_connections_per_ip reached");
            continue;
        };
        let watch = Arc::new(ConnWatch::new(timeouts));
        let io = TokioIo::new(WatchedIo {
            inner: stream,
            watch: watch.clone(),
        });
        let service = hyper::service::service_fn({
            let app = app.clone();
            let watch = watch.clone();
            move |req| answer(app.clone(), peer, watch.busy(), req)
        });
        let conn = graceful.watch(builder.serve_connection(io, service));
        tokio::spawn(async move {
            tokio::select! {
                result = conn => {
                    if let Err(e) = result {
                        tracing::debug!(%peer, error = %e, "connection ended with an error");
                    }
                }
                reason = watch.expired() => {
                    // Dropping the connection closes the socket.
                    tracing::debug!(%peer, reason, "connection closed");
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Runs one request through `app`, with the peer address the envelope reads; the connection
/// counts as busy until the response body has been sent (`busy` travels with it).
async fn answer(
    app: Router,
    peer: SocketAddr,
    busy: Busy,
    mut req: Request<Incoming>,
) -> Result<axum::response::Response, Infallible> {
    req.extensions_mut().insert(ConnectInfo(peer));
    let Ok(resp) = app.oneshot(req.map(Body::new)).await;
    Ok(resp.map(|body| Body::new(BusyBody { body, _busy: busy })))
}

/// Accept errors are mostly a peer gone before we took it (ignored) or running out of file
/// descriptors (wait a moment rather than spin; connections closing will free some).
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Open connections per peer IP, capped.
struct PerIp {
    /// 0: no cap.
    max: usize,
    uncapped: TrustedProxies,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One connection's place in [`PerIp`], given back when dropped (`open` is `None` when the
/// connection is not counted).
struct Slot {
    ip: IpAddr,
    open: Option<Arc<Mutex<HashMap<IpAddr, usize>>>>,
}

impl PerIp {
    fn new(max: usize, uncapped: TrustedProxies) -> Self {
        Self {
            max,
            uncapped,
            open: Arc::default(),
        }
    }

    /// A slot for one more connection from `ip`, or `None` when it holds `max` already.
    fn admit(&self, ip: IpAddr) -> Option<Slot> {
        if self.max == 0 || self.uncapped.contains(ip) {
            return Some(Slot { ip, open: None });
        }
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(ip).or_default();
        if *count >= self.max {
            return None;
        }
        *count += 1;
        Some(Slot {
            ip,
            open: Some(self.open.clone()),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(open) = &self.open else { return };
        let mut open = open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                // Memory follows the clients connected now, not every client ever seen.
                open.remove(&self.ip);
            }
        }
    }
}

/// Where a connection stands, which decides the timeout that applies to it.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Opened, or a request's first byte arrived, at `since`; its headers are awaited.
    Head { since: Instant },
    /// `n` requests are being answered (`server.request_timeout` bounds each).
    Busy { n: usize },
    /// Kept alive with nothing to do since `since`.
    Idle { since: Instant },
}

/// The two timeouts a connection's phase chooses from.
#[derive(Debug, Clone, Copy)]
struct Timeouts {
    header_read: Duration,
    keep_alive: Duration,
}

/// One connection's phase and the timer that ends it.
struct ConnWatch {
    timeouts: Timeouts,
    phase: Mutex<Phase>,
    changed: Notify,
}

impl ConnWatch {
    fn new(timeouts: Timeouts) -> Self {
        Self {
            timeouts,
            phase: Mutex::new(Phase::Head {
                since: Instant::now(),
            }),
            changed: Notify::new(),
        }
    }

    fn update(&self, f: impl FnOnce(Phase) -> Phase) {
        let mut phase = self.phase.lock().unwrap_or_else(PoisonError::into_inner);
        *phase = f(*phase);
        drop(phase);
        self.changed.notify_one();
    }

    /// Bytes arrived: on an idle connection, a request has begun.
    fn read(&self) {
        let idle = matches!(
            *self.phase.lock().unwrap_or_else(PoisonError::into_inner),
            Phase::Idle { .. }
        );
        if idle {
            self.update(|phase| match phase {
                Phase::Idle { .. } => Phase::Head {
                    since: Instant::now(),
                },
                other => other,
            });
        }
    }

    /// A request's headers were read: the connection is busy until the returned guard drops.
    fn busy(self: &Arc<Self>) -> Busy {
        self.update(|phase| match phase {
            Phase::Busy { n } => Phase::Busy { n: n + 1 },
            _ => Phase::Busy { n: 1 },
        });
        Busy(self.clone())
    }

    /// When the connection is to be closed, with the reason; `None` while it is busy.
    fn deadline(&self) -> Option<(Instant, &'static str)> {
        match *self.phase.lock().unwrap_or_else(PoisonError::into_inner) {
            Phase::Head { since } => Some((
                since + self.timeouts.header_read,
                "request headers took longer than server.header_read_timeout",
            )),
            Phase::Busy { .. } => None,
            Phase::Idle { since } => Some((
                since + self.timeouts.keep_alive,
                "idle longer than server.keep_alive_timeout",
            )),
        }
    }

    /// Resolves, with the reason, once the connection has outlived its phase's timeout.
    async fn expired(&self) -> &'static str {
        loop {
            match self.deadline() {
                Some((at, reason)) if at <= Instant::now() => return reason,
                Some((at, _)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = self.changed.notified() => {}
                    }
                }
                None => self.changed.notified().await,
            }
        }
    }
}

/// Held by a response until its body has been sent.
struct Busy(Arc<ConnWatch>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.update(|phase| match phase {
            Phase::Busy { n } if n > 1 => Phase::Busy { n: n - 1 },
            _ => Phase::Idle {
                since: Instant::now(),
            },
        });
    }
}

/// A response body that keeps its connection busy while hyper sends it.
struct BusyBody {
    body: Body,
    _busy: Busy,
}

impl http_body::Body for BusyBody {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The TCP stream, telling its [`ConnWatch`] when bytes arrive.
struct WatchedIo {
    inner: TcpStream,
    watch: Arc<ConnWatch>,
}

impl AsyncRead for WatchedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.watch.read();
        }
        polled
    }
}

impl AsyncWrite for WatchedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_ip_refuses_over_the_cap_and_frees_slots_on_drop() {
        let per_ip = PerIp::new(2, TrustedProxies::default());
        let ip: IpAddr = [127, 0, 0, 1].into();
        let a = per_ip.admit(ip).expect("first");
        let _b = per_ip.admit(ip).expect("second");
        assert!(per_ip.admit(ip).is_none());
        assert!(per_ip.admit([10, 0, 0, 1].into()).is_some());
        drop(a);
        assert!(per_ip.admit(ip).is_some());
    }

    #[test]
    fn no_cap_when_zero() {
        let per_ip = PerIp::new(0, TrustedProxies::default());
        let ip: IpAddr = [127, 0, 0, 1].into();
        let slots: Vec<_> = (0..1000).filter_map(|_| per_ip.admit(ip)).collect();
        assert_eq!(slots.len(), 1000);
    }

    #[test]
    fn trusted_proxies_are_not_capped() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8"]).expect("proxies");
        let per_ip = PerIp::new(1, proxies);
        let proxy: IpAddr = [10, 1, 2, 3].into();
        let slots: Vec<_> = (0..10).filter_map(|_| per_ip.admit(proxy)).collect();
        assert_eq!(slots.len(), 10);
        let client: IpAddr = [192, 0, 2, 1].into();
        let _one = per_ip.admit(client).expect("first");
        assert!(per_ip.admit(client).is_none());
    }
}
