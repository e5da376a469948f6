use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW602",
    metadata: include_str!("../../../rules/account/GW602-cloudtrail-integrity.toml"),
    check,
};

/// Each trail is judged once, in its home Region (a multi-Region trail is not repeated in
/// the Regions it covers).
fn check(ctx: &RegionContext, out: &mut Emitter) {
    let Some(trails) = ctx.trails(out) else {
        return;
    };
    let region = ctx.scope.region;
    for t in trails
        .iter()
        .filter(|t| t.home_region.as_deref().is_none_or(|h| h == region))
    {
        let target = ctx
            .scope
            .external("cloudtrail", &t.arn, format!("trail {}", t.name));
        let mut missing = Vec::new();
        if !t.log_file_validation_enabled {
            missing.push("log file validation");
        }
        if t.kms_key_id.as_deref().is_none_or(str::is_empty) {
            missing.push("KMS encryption (SSE-KMS)");
        }
        if missing.is_empty() {
            out.pass(
                target,
                format!(
                    "trail {} validates log files and encrypts them with KMS",
                    t.name
                ),
            )
            .evidence("log_file_validation_enabled", true)
            .evidence("kms_key_id", &t.kms_key_id);
        } else {
            out.fail(
                target,
                format!("trail {} has no {}", t.name, missing.join(" and no ")),
            )
            .evidence("missing", &missing)
            .evidence("log_file_validation_enabled", t.log_file_validation_enabled)
            .evidence("kms_key_id", &t.kms_key_id);
        }
    }
}
