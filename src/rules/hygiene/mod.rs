//! GW7xx: hygiene.

pub mod gw701;
