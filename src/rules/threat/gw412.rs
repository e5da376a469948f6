use crate::collect::operations as op;
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW412",
    metadata: include_str!("../../../rules/threat/GW412-api-key-stage-without-plan.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.rest_apis(out);
    for api in apis {
        let Some(stages) = ctx.stages(api, out) else {
            continue;
        };
        // OPTIONS methods are included: the exemption is for authentication rules, and an
        // OPTIONS method that requires a key is rejected like any other without a plan.
        let keyed: Option<Vec<String>> = api.resources.as_ref().map(|_| {
            api.methods()
                .filter(|(_, m)| m.api_key_required)
                .map(|(r, m)| format!("{} {}", m.http_method, r.path))
                .collect()
        });
        for stage in stages {
            let target = ctx.scope.rest_stage(api, stage);
            let Some(keyed) = &keyed else {
                let reason = ctx.reason(&op::GET_RESOURCES, Some(&ctx.scope.rest_api(api).arn));
                out.unknown(
                    target,
                    format!(
                        "whether stage {} has methods that require an API key is unknown: {reason}",
                        stage.stage_name
                    ),
                );
                continue;
            };
            if keyed.is_empty() {
                continue;
            }
            let plans = match ctx.usage_plans_or_reason() {
                Ok(v) => v,
                Err(reason) => {
                    out.unknown(
                        target,
                        format!(
                        "stage {} has methods that require an API key ({}) and usage plans are \
                         unknown: {reason}",
                        stage.stage_name,
                        keyed.join(", ")
                    ),
                    );
                    continue;
                }
            };
            let covering: Vec<&str> = plans
                .iter()
                .filter(|p| p.api_stage(&api.id, &stage.stage_name).is_some())
                .map(|p| p.id.as_str())
                .collect();
            if covering.is_empty() {
                out.fail(
                    target,
                    format!(
                        "stage {} requires an API key on {} but is in no usage plan: every key \
                         is rejected and no call is metered",
                        stage.stage_name,
                        keyed.join(", ")
                    ),
                )
                .evidence("key_required_methods", keyed)
                .evidence("usage_plans", covering);
            } else {
                out.pass(
                    target,
                    format!(
                        "stage {} is in usage plan {}",
                        stage.stage_name,
                        covering.join(", ")
                    ),
                )
                .evidence("key_required_methods", keyed)
                .evidence("usage_plans", covering);
            }
        }
    }
}
