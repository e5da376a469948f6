//! gwaudit: security-posture scanner for AWS API Gateway.
//!
//! Data flows one way: `collect` (AWS -> snapshot) -> `model` (the snapshot) -> `analysis`
//! (shared judgements: policies, TLS, exposure, effective settings) -> `rules` (snapshot ->
//! findings) -> `triage` (mutes, baseline) -> `report` (table, JSON, SARIF, ...) -> `scan` (the
//! pipeline) -> `cli`. `account_selection`, `cores`, `date`, `glob`, `secrets`, `term`
//! and `operations` are leaves any layer may use. `tests/layers.rs` keeps the imports one way.

pub mod account_selection;
pub mod analysis;
pub mod cli;
pub mod collect;
pub mod config;
pub mod cores;
pub mod date;
pub mod glob;
pub mod model;
pub mod operations;
pub mod report;
pub mod rules;
pub mod scan;
pub mod secrets;
pub mod term;
pub mod triage;
