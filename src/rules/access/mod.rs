//! GW1xx: identity and access.

pub mod gw101;
pub mod gw102;
pub mod gw103;
pub mod gw104;
pub mod gw105;
