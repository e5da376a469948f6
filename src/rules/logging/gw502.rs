use super::stages::stages;
use crate::rules::{Emitter, RegionContext};

rule!(GW502, "logging/GW502-access-logging-disabled.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for stage in stages(ctx.rest_stages(out), ctx.v2_stages(out)) {
        let (target, name) = (stage.target(ctx), stage.name());
        let settings = stage.access_log_settings().as_ref();
        match settings.and_then(|s| s.destination_arn.as_deref()) {
            Some(dest) if !dest.is_empty() => {
                out.pass(
                    target,
                    format_args!("stage {name} writes access logs to {dest}"),
                )
                .evidence("destination_arn", dest);
            }
            _ => {
                out.fail(
                    target,
                    format_args!("stage {name} has no access log destination"),
                )
                .evidence("destination_arn", serde_json::Value::Null);
            }
        }
    }
}
