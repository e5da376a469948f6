use crate::rules::{Emitter, RegionContext};

rule!(GW504, "logging/GW504-xray-tracing-disabled.toml");

/// REST stages only: HTTP and WebSocket APIs cannot trace with X-Ray.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage) in ctx.rest_stages(out) {
        let (target, name) = (ctx.scope.rest_stage(api, stage), &stage.stage_name);
        let f = if stage.tracing_enabled {
            out.pass(
                target,
                format_args!("stage {name} traces requests with X-Ray"),
            )
        } else {
            out.fail(
                target,
                format_args!("stage {name} has X-Ray tracing disabled"),
            )
        };
        f.evidence("tracing_enabled", stage.tracing_enabled);
    }
}
