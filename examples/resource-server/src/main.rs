//! Runs the example resource server.
//!
//! `TESSERA_ISSUER` (default http://127.0.0.1:8080), `RS_AUDIENCE` (default: the issuer, which is
//! Tessera's default access-token audience), `RS_BIND` (default 127.0.0.1:9090),
//! `RS_ALLOWED_ORIGINS` (browser origins allowed to call it, space-separated; default
//! http://127.0.0.1:8000, the example single-page app in examples/spa/; empty for none).
//!
//! With `GW_CLIENT_ID` and `GW_CLIENT_SECRET` (a confidential client registered for token
//! exchange with `--token-exchange-audience $RS_AUDIENCE`), it also runs the orders gateway on
//! `GW_BIND` (default 127.0.0.1:9091): `GET /orders/summary` takes a person's token (audience:
//! the issuer), exchanges it for one meant for this resource server, and calls its `/me`.

use axum::http::HeaderValue;
use tessera_resource_server_example::{Gateway, Verifier, app_with_origins, gateway_app};

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
    let mut verifier = Verifier::new(&issuer, &audience, &format!("{issuer}/jwks"));
    // The URL clients call this service at, which DPoP proofs name (`htu`).
    if let Ok(url) = std::env::var("RS_PUBLIC_URL") {
        verifier = verifier.with_public_url(&url);
    }
    if let (Ok(client_id), Ok(client_secret)) = (
        std::env::var("GW_CLIENT_ID"),
        std::env::var("GW_CLIENT_SECRET"),
    ) {
        let gw_bind = std::env::var("GW_BIND").unwrap_or_else(|_| "127.0.0.1:9091".into());
        let gateway = Gateway {
            verifier: Verifier::new(&issuer, &issuer, &format!("{issuer}/jwks")),
            token_endpoint: format!("{issuer}/token"),
            client_id,
            client_secret,
            downstream_audience: audience.clone(),
            downstream_url: format!("http://{bind}"),
            http: reqwest::Client::new(),
        };
        let listener = tokio::net::TcpListener::bind(&gw_bind).await?;
        println!("orders gateway on http://{gw_bind}, calling http://{bind}");
        tokio::spawn(async move { axum::serve(listener, gateway_app(gateway)).await });
    }
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("resource server on http://{bind}, trusting {issuer}");
    axum::serve(listener, app_with_origins(verifier, origins)).await?;
    Ok(())
}
