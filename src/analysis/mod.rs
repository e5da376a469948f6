//! Shared analysis: each piece of AWS semantics is decided here once and reused by the rules.

pub mod effective;
pub mod exposure;
pub mod policy;
pub mod tls;
