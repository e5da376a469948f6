use crate::model::Trail;
use crate::rules::{Emitter, RegionContext};

rule!(GW602, "account/GW602-cloudtrail-integrity.toml");

/// Each trail is judged once: in its home Region, or, when that Region was not scanned (an
/// organization trail seen from a member account), in the first scanned Region that holds a
/// shadow copy of it.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    let Some(trails) = ctx.trails(out) else {
        return;
    };
    let region = ctx.scope.region;
    let judged_here = |t: &&Trail| match t.home_region.as_deref() {
        None => true,
        Some(home) if home == region => true,
        Some(home) if ctx.regions().any(|r| r.region_name() == home) => false,
        Some(_) => ctx
            .regions()
            .find(|r| {
                r.trails_or_reason()
                    .is_ok_and(|trails| trails.iter().any(|o| o.arn == t.arn))
            })
            .is_some_and(|first| first.region_name() == region),
    };
    for t in trails.iter().filter(judged_here) {
        let target = ctx
            .scope
            .external("cloudtrail", &t.arn, text!("trail {}", t.name));
        let mut missing = Vec::new();
        if !t.log_file_validation_enabled {
            missing.push("log file validation");
        }
        if t.kms_key_id.as_deref().is_none_or(str::is_empty) {
            missing.push("KMS encryption (SSE-KMS)");
        }
        let f = if missing.is_empty() {
            out.pass(
                target,
                format_args!(
                    "trail {} validates log files and encrypts them with KMS",
                    t.name
                ),
            )
        } else {
            out.fail(
                target,
                format_args!("trail {} has no {}", t.name, missing.join(" and no ")),
            )
            .evidence("missing", &missing)
        };
        f.evidence("log_file_validation_enabled", t.log_file_validation_enabled)
            .evidence("kms_key_id", &t.kms_key_id);
    }
}
