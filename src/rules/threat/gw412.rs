use crate::rules::{Emitter, RegionContext};

rule!(GW412, "threat/GW412-api-key-stage-without-plan.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage) in ctx.rest_stages(out) {
        let (target, name) = (ctx.scope.rest_stage(api, stage), &stage.stage_name);
        // OPTIONS methods are included: the exemption is for authentication rules, and an
        // OPTIONS method that requires a key is rejected like any other without a plan.
        let keyed: Vec<String> = match ctx.methods_of(api) {
            Ok(methods) => methods
                .iter()
                .filter(|(_, m)| m.api_key_required)
                .map(|(r, m)| text!("{} {}", m.http_method, r.path))
                .collect(),
            Err(reason) => {
                out.unknown(
                    target,
                    format_args!(
                        "whether stage {name} has methods that require an API key is unknown: \
                         {reason}"
                    ),
                );
                continue;
            }
        };
        if keyed.is_empty() {
            continue;
        }
        let covering: Vec<&str> = match ctx.usage_plans_for(&api.id, name) {
            Ok(plans) => plans.iter().map(|p| p.id.as_str()).collect(),
            Err(reason) => {
                out.unknown(
                    target,
                    format_args!(
                        "stage {name} has methods that require an API key ({}) and usage plans \
                         are unknown: {reason}",
                        keyed.join(", ")
                    ),
                );
                continue;
            }
        };
        let f = if covering.is_empty() {
            out.fail(
                target,
                format_args!(
                    "stage {name} requires an API key on {} but is in no usage plan: every key \
                     is rejected and no call is metered",
                    keyed.join(", ")
                ),
            )
        } else {
            out.pass(
                target,
                format_args!("stage {name} is in usage plan {}", covering.join(", ")),
            )
        };
        f.evidence("key_required_methods", keyed)
            .evidence("usage_plans", covering);
    }
}
