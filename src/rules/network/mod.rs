//! GW2xx: network and endpoint.

pub mod gw201;
pub mod gw202;
