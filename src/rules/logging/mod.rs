//! GW5xx: monitoring and logging.

pub mod gw501;
pub mod gw502;
pub mod gw503;
pub mod gw504;
pub mod gw505;
pub mod gw506;
pub mod gw507;
mod log_sinks;
mod stages;
