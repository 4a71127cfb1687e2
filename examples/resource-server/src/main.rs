//! Runs the example resource server.
//!
//! `TESSERA_ISSUER` (default http://127.0.0.1:8080), `RS_AUDIENCE` (default: the issuer, which is
//! Tessera's default access-token audience), `RS_BIND` (default 127.0.0.1:9090),
//! `RS_ALLOWED_ORIGINS` (browser origins allowed to call it, space-separated; default
//! http://127.0.0.1:8000, the example single-page app in examples/spa/; empty for none).

use axum::http::HeaderValue;
use tessera_resource_server_example::{Verifier, app_with_origins};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let issuer = std::env::var("TESSERA_ISSUER").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let audience = std::env::var("RS_AUDIENCE").unwrap_or_else(|_| issuer.clone());
    let bind = std::env::var("RS_BIND").unwrap_or_else(|_| "127.0.0.1:9090".into());
    let origins = std::env::var("RS_ALLOWED_ORIGINS")
        .unwrap_or_else(|_| "http://127.0.0.1:8000".into())
        .split_whitespace()
        .map(HeaderValue::from_str)
        .collect::<Result<Vec<_>, _>>()?;
    let verifier = Verifier::new(&issuer, &audience, &format!("{issuer}/jwks"));
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("resource server on http://{bind}, trusting {issuer}");
    axum::serve(listener, app_with_origins(verifier, origins)).await?;
    Ok(())
}
