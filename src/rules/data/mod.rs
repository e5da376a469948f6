//! GW3xx: data protection and TLS.

pub mod gw301;
pub mod gw302;
mod tls_verdict;
