//! GW101 and GW103 fail an unauthenticated method or route at high severity when the API is,
//! or may be, reachable from the internet: an undecided exposure is not lowered on a guess.

use crate::analysis::exposure::Exposure;
use crate::rules::{Emitter, Finding, ResourceRef, Severity};

/// Fails `target`; the message ends with the exposure, which is also evidence.
pub fn fail_exposed<'o>(
    out: &'o mut Emitter,
    target: ResourceRef,
    message: &str,
    exposure: &Exposure,
) -> &'o mut Finding {
    let exposure_text = exposure.describe();
    let f = out.fail(target, format_args!("{message} ({exposure_text})"));
    f.evidence("exposure", &exposure_text);
    if exposure.maybe_public() {
        f.raise_to(Severity::High);
    }
    f
}
