//! GW5xx: monitoring and logging.

pub mod gw501;
pub mod gw502;
