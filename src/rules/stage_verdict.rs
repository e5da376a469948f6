//! The verdict of the rules that judge a REST method setting per method but report it per stage
//! (GW308, GW501, GW505): a stage of a hundred methods stays one result, and a failing one
//! names every method where the setting is bad.

use super::{Emitter, ResourceRef};

/// Passes the stage with `pass` when no method is bad; else fails it with `fail` followed by
/// how many of its `total` methods are bad and which, listed again as evidence under `key`.
/// Either way the evidence counts the methods.
pub fn judge_stage_methods(
    out: &mut Emitter,
    target: ResourceRef,
    total: usize,
    bad: &[String],
    pass: String,
    fail: String,
    key: &'static str,
) {
    let f = if bad.is_empty() {
        out.pass(target, pass)
    } else {
        let message = text!(
            "{fail} for {} of {total} methods: {}",
            bad.len(),
            bad.join(", ")
        );
        out.fail(target, message).evidence(key, bad)
    };
    f.evidence("methods", total);
}
