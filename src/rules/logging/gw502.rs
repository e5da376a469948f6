use crate::model::AccessLogSettings;
use crate::rules::{Emitter, RegionContext, ResourceRef, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW502",
    metadata: include_str!("../../../rules/logging/GW502-access-logging-disabled.toml"),
    check,
};

fn judge(
    out: &mut Emitter,
    target: ResourceRef,
    stage: &str,
    settings: Option<&AccessLogSettings>,
) {
    match settings.and_then(|s| s.destination_arn.as_deref()) {
        Some(dest) if !dest.is_empty() => {
            out.pass(
                target,
                format!("stage {stage} writes access logs to {dest}"),
            )
            .evidence("destination_arn", dest);
        }
        _ => {
            out.fail(
                target,
                format!("stage {stage} has no access log destination"),
            )
            .evidence("destination_arn", serde_json::Value::Null);
        }
    }
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    {
        let apis = ctx.rest_apis(out);
        for api in apis {
            for stage in ctx.stages(api, out).unwrap_or_default() {
                judge(
                    out,
                    ctx.scope.rest_stage(api, stage),
                    &stage.stage_name,
                    stage.access_log_settings.as_ref(),
                );
            }
        }
    }
    {
        let apis = ctx.v2_apis(out);
        for api in apis {
            for stage in ctx.api_v2_stages(api, out).unwrap_or_default() {
                judge(
                    out,
                    ctx.scope.v2_stage(api, stage),
                    &stage.stage_name,
                    stage.access_log_settings.as_ref(),
                );
            }
        }
    }
}
