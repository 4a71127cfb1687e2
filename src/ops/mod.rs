//! Endpoints for operators, not for OAuth clients: health probes and metrics.

pub mod health;
pub mod metrics;
