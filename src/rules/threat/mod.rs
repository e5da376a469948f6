//! GW4xx: threat protection and rate control.

pub mod gw401;
pub mod gw410;
