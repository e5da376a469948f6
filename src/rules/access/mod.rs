//! GW1xx: identity and access.

pub mod gw101;
pub mod gw102;
pub mod gw103;
