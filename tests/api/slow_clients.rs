//! Slow and greedy clients cannot hold connections: a request head trickled byte by byte, a
//! kept-alive connection left idle, and connections over the per-IP cap are closed. Raw TCP,
//! since an HTTP client would not misbehave this way; real waits, since network timing is what
//! is tested.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedReadHalf;

use crate::common::{Options, spawn_app_with};

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// Reads until the peer closes (end of stream or reset).
async fn until_closed(rd: &mut OwnedReadHalf) {
    let mut buf = [0u8; 1024];
    while let Ok(n) = rd.read(&mut buf).await {
        if n == 0 {
            return;
        }
    }
}

/// Sends `GET /healthz` and reads one whole response; returns its status line.
async fn healthz(stream: &mut TcpStream) -> String {
    stream.write_all(HEALTHZ).await.expect("send request");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut buf).await.expect("read response");
        assert!(n > 0, "closed before answering: {got:?}");
        got.extend_from_slice(&buf[..n]);
        if let Some(i) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&got[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .expect("Content-Length");
    while got.len() < head_end + length {
        let n = stream.read(&mut buf).await.expect("read body");
        assert!(n > 0, "closed mid-body");
        got.extend_from_slice(&buf[..n]);
    }
    head.lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn trickled_request_headers_are_cut_off_after_the_header_read_timeout() {
    let app =
        spawn_app_with(Options::default().env("TESSERA_SERVER_HEADER_READ_TIMEOUT", "1s")).await;
    let started = Instant::now();
    let stream = TcpStream::connect(app.addr).await.expect("connect");
    let (mut rd, mut wr) = stream.into_split();
    wr.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .expect("send");
    let trickle = async move {
        loop {
            // A byte every 300 ms keeps the socket busy but never finishes the headers.
            tokio::time::sleep(Duration::from_millis(300)).await;
            if wr.write_all(b"a").await.is_err() {
                return;
            }
        }
    };
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        tokio::select! {
            () = until_closed(&mut rd) => {}
            () = trickle => {}
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "a trickling client was still connected after 5 s"
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(3),
        "closed after {elapsed:?}, expected about 1 s"
    );
}

#[tokio::test]
async fn idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout() {
    let app = spawn_app_with(
        Options::default()
            .env("TESSERA_SERVER_HEADER_READ_TIMEOUT", "1s")
            .env("TESSERA_SERVER_KEEP_ALIVE_TIMEOUT", "2s"),
    )
    .await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    assert!(healthz(&mut stream).await.contains("200"));
    // Idle longer than the header-read timeout: waiting between requests is the keep-alive's
    // business, so the connection must still serve.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(healthz(&mut stream).await.contains("200"));
    let idle_since = Instant::now();
    let (mut rd, _wr) = stream.into_split();
    let closed = tokio::time::timeout(Duration::from_secs(5), until_closed(&mut rd)).await;
    assert!(
        closed.is_ok(),
        "an idle connection was still open after 5 s"
    );
    let idle = idle_since.elapsed();
    assert!(
        idle >= Duration::from_millis(1800) && idle < Duration::from_secs(4),
        "closed after {idle:?} idle, expected about 2 s"
    );
}

#[tokio::test]
async fn connections_over_the_per_ip_cap_are_closed_at_once() {
    let app =
        spawn_app_with(Options::default().env("TESSERA_SERVER_MAX_CONNECTIONS_PER_IP", "2")).await;
    let mut first = TcpStream::connect(app.addr).await.expect("connect");
    let mut second = TcpStream::connect(app.addr).await.expect("connect");
    // Answered requests prove both were accepted before the third arrives.
    assert!(healthz(&mut first).await.contains("200"));
    assert!(healthz(&mut second).await.contains("200"));

    let third = TcpStream::connect(app.addr).await.expect("connect");
    let (mut rd, _wr) = third.into_split();
    let closed = tokio::time::timeout(Duration::from_secs(2), until_closed(&mut rd)).await;
    assert!(
        closed.is_ok(),
        "a third connection from 127.0.0.1 was kept open"
    );

    assert!(healthz(&mut first).await.contains("200"));
    assert!(healthz(&mut second).await.contains("200"));

    // Closing one frees its place (the server notices the close asynchronously).
    drop(first);
    let mut served = false;
    for _ in 0..20 {
        let mut again = TcpStream::connect(app.addr).await.expect("connect");
        if again.write_all(HEALTHZ).await.is_ok() {
            let mut buf = [0u8; 64];
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_secs(1), again.read(&mut buf)).await
                && buf[..n].starts_with(b"HTTP/1.1 200")
            {
                served = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "a closed connection's place was not given back");
}
