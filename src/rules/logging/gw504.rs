use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW504",
    metadata: include_str!("../../../rules/logging/GW504-xray-tracing-disabled.toml"),
    check,
};

/// REST stages only: HTTP and WebSocket APIs cannot trace with X-Ray.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.rest_apis(out);
    for api in apis {
        for stage in ctx.stages(api, out).unwrap_or_default() {
            let target = ctx.scope.rest_stage(api, stage);
            if stage.tracing_enabled {
                out.pass(
                    target,
                    format!("stage {} traces requests with X-Ray", stage.stage_name),
                )
                .evidence("tracing_enabled", true);
            } else {
                out.fail(
                    target,
                    format!("stage {} has X-Ray tracing disabled", stage.stage_name),
                )
                .evidence("tracing_enabled", false);
            }
        }
    }
}
