//! gwaudit: security-posture scanner for AWS API Gateway.
//!
//! Data flows one way: `collect` (AWS -> snapshot) -> `model` (the snapshot) -> `rules`
//! (snapshot -> findings) -> `report` (findings -> table, JSON, SARIF).

pub mod analysis;
pub mod cli;
pub mod collect;
pub mod config;
pub mod date;
pub mod glob;
pub mod model;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod term;
pub mod triage;
