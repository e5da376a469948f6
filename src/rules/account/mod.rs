//! GW6xx: account and audit.

pub mod gw601;
pub mod gw602;
