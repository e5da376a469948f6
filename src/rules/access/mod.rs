//! GW1xx: identity and access.

mod exposed;
pub mod gw101;
pub mod gw102;
pub mod gw103;
pub mod gw104;
pub mod gw105;
pub mod gw106;
pub mod gw107;
pub mod gw108;
pub mod gw109;
pub mod gw110;
pub mod gw111;
pub mod gw112;
pub mod gw113;
