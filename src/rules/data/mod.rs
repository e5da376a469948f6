//! GW3xx: data protection and TLS.

pub mod gw301;
pub mod gw302;
pub mod gw303;
pub mod gw304;
pub mod gw305;
pub mod gw306;
pub mod gw307;
pub mod gw308;
pub mod gw309;
mod stage_methods;
mod tls_verdict;
