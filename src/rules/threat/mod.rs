//! GW4xx: threat protection and rate control.

mod attached_acls;
mod plan_throttles;

pub mod gw401;
pub mod gw402;
pub mod gw403;
pub mod gw404;
pub mod gw405;
pub mod gw406;
pub mod gw410;
pub mod gw411;
pub mod gw412;
pub mod gw413;
