//! The HTTP floor: a bare axum server on Tessera's runtime settings that answers
//! `GET /jwks` with a fixed body of `BODY_BYTES` bytes (default 1500; `bench/run.sh` passes the
//! size of Tessera's JWKS) and nothing else: no middleware, no logging, no handler work.
//! `http_floor PORT [BODY_BYTES]`. `bench/run.sh` runs it pinned to the server's core, so the
//! cost of hyper and loopback TCP alone is measured beside Tessera's own figures.

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .ok_or("usage: http_floor PORT [BODY_BYTES]")?
        .parse()?;
    let size: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1500);
    let body = Bytes::from(format!(
        "{{\"keys\":\"{}\"}}",
        "k".repeat(size.saturating_sub(12))
    ));
    let app = Router::new().route(
        "/jwks",
        get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            axum::serve(listener, app).await
        })?;
    Ok(())
}
