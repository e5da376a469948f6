//! The rule engine: rule definitions, their metadata, evaluation and findings.
//!
//! A rule is a `RuleDef` (declared with `rule!`) in one file under its category module, with its metadata in
//! `rules/<category>/<ID>-<slug>.toml` (embedded with `include_str!`) and a fixture in
//! `fixtures/rules/<ID>.json`. `registry::ALL` lists them explicitly.

/// Declares a rule file's `RULE`: its id, its metadata file under `rules/` (embedded, so the
/// binary carries the catalog) and the file's `check` function. The id is written as it is
/// (`GW101`) so a search for it finds the rule.
macro_rules! rule {
    ($id:ident, $metadata:literal) => {
        pub static RULE: $crate::rules::RuleDef = $crate::rules::RuleDef {
            id: stringify!($id),
            metadata: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $metadata)),
            check,
        };
    };
}

/// `format!`, into a string with room for most texts a rule writes: `format!` sizes its string
/// from the literal text only, and from nothing when an argument comes first (`"{label} ..."`),
/// then grows it by reallocation; that growing was a twentieth of a large scan's time (perf of
/// the replicated 10,000-API snapshot). Rules build such texts for every resource; most are
/// shorter than this, and the ones kept are few (messages and evidence are copied once sealed).
macro_rules! text {
    ($($arg:tt)*) => {{
        let mut text = String::with_capacity(128);
        std::fmt::Write::write_fmt(&mut text, format_args!($($arg)*))
            .expect("writing to a String cannot fail");
        text
    }};
}

mod context;
pub mod docs;
mod engine;
mod finding;
pub mod frameworks;
mod metadata;
mod params;
pub mod registry;
mod resource;
mod stage_verdict;

mod access;
mod account;
mod data;
mod hygiene;
mod logging;
mod network;
mod threat;

pub use context::{each_part, RegionContext};
pub use engine::{evaluate, evaluate_each, sort_in_place, Emitter, RuleDef, Selection};
pub use finding::{
    fingerprint, Evidence, Finding, Fingerprint, Place, RuleInfo, Severity, SharedStr, Status,
};
pub use metadata::{Category, RuleMeta};
pub use params::RuleParams;
pub use resource::ResourceRef;
pub use stage_verdict::judge_stage_methods;
