//! The second service of the example: an "orders" gateway in front of the reports service. It
//! receives a person's access token, exchanges it at Tessera (RFC 8693) for one whose audience is
//! the reports service, and calls that service with it: a two-hop microservice chain in which the
//! downstream service sees who the person is (`sub`) and who acts for them (`act`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::{AuthError, Verifier, bearer_token};

/// What the gateway needs: its own verifier (tokens meant for the gateway), its credentials at
/// Tessera, and where the downstream service is and which audience it expects.
pub struct Gateway {
    pub verifier: Verifier,
    /// Tessera's token endpoint.
    pub token_endpoint: String,
    pub client_id: String,
    pub client_secret: String,
    /// The `aud` the downstream service checks; the gateway must be allowed it
    /// (`--token-exchange-audience`).
    pub downstream_audience: String,
    /// The downstream service's base URL.
    pub downstream_url: String,
    pub http: reqwest::Client,
}

/// `GET /orders/summary`: who the downstream service saw, through an exchanged token.
pub fn gateway_app(gateway: Gateway) -> Router {
    let gateway = Arc::new(gateway);
    Router::new()
        .route("/orders/summary", get(summary))
        .with_state(gateway)
}

async fn summary(
    State(gateway): State<Arc<Gateway>>,
    headers: HeaderMap,
) -> Result<Json<Value>, Response> {
    let token = bearer_token(&headers).map_err(IntoResponse::into_response)?;
    let claims = gateway
        .verifier
        .verify(token)
        .await
        .map_err(|e| AuthError::Invalid(e.to_string()).into_response())?;
    let exchanged = exchange(&gateway, token).await.map_err(bad_gateway)?;
    let downstream: Value = gateway
        .http
        .get(format!("{}/me", gateway.downstream_url))
        .bearer_auth(exchanged)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| bad_gateway(e.to_string()))?
        .json()
        .await
        .map_err(|e| bad_gateway(e.to_string()))?;
    Ok(Json(json!({"sub": claims.sub, "downstream": downstream})))
}

/// 502: the call down the chain failed.
fn bad_gateway(why: String) -> Response {
    (StatusCode::BAD_GATEWAY, Json(json!({"error": why}))).into_response()
}

/// Trades the person's token for one aimed at the downstream service.
async fn exchange(gateway: &Gateway, subject_token: &str) -> Result<String, String> {
    let answer: Value = gateway
        .http
        .post(&gateway.token_endpoint)
        .basic_auth(&gateway.client_id, Some(&gateway.client_secret))
        .form(&[
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            ),
            ("subject_token", subject_token),
            (
                "subject_token_type",
                "urn:ietf:params:oauth:token-type:access_token",
            ),
            ("audience", &gateway.downstream_audience),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    answer["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("token exchange refused: {answer}"))
}
