//! HTTP plumbing shared by every endpoint: the accept loop and its connection limits, the path
//! table, the request envelope (ids, tracing, limits, headers), the client's address behind
//! trusted proxies, and form parsing.

pub mod client_ip;
pub mod connections;
pub mod cors;
pub mod envelope;
pub mod form;
pub mod paths;
