//! The HTTP floor: a bare axum server on Tessera's runtime settings that answers
//! `GET /jwks` with a fixed body of `BODY_BYTES` bytes (default 1500; `bench/run.sh` passes the
//! size of Tessera's JWKS) and nothing else: no middleware, no logging, no handler work.
//! `http_floor PORT [BODY_BYTES [BUSY_MICROS]]`. `bench/run.sh` runs it pinned to the server's
//! core, so the cost of hyper and loopback TCP alone is measured beside Tessera's own figures.
//!
//! With `BUSY_MICROS`, each request first spins on the CPU for that long. `bench/run.sh` passes
//! the time of one signature, which measures the ceiling of a token endpoint on this core: a
//! server that does nothing but hyper's work and one signature. It is lower than adding the two
//! costs on paper, because a slower server leaves wrk idle between answers and each answer then
//! has to wake it.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .ok_or("usage: http_floor PORT [BODY_BYTES [BUSY_MICROS]]")?
        .parse()?;
    let size: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1500);
    let busy = Duration::from_micros(args.next().map(|s| s.parse()).transpose()?.unwrap_or(0));
    let body = Bytes::from(format!(
        "{{\"keys\":\"{}\"}}",
        "k".repeat(size.saturating_sub(12))
    ));
    let app = Router::new().route(
        "/jwks",
        get(move || {
            let body = body.clone();
            let start = Instant::now();
            while start.elapsed() < busy {
                std::hint::spin_loop();
            }
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    // Tessera's own runtime choice (one thread per core; the single-threaded scheduler on one).
    tessera::cli::runtime(0)?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        axum::serve(listener, app).await
    })?;
    Ok(())
}
