use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW109",
    metadata: include_str!("../../../rules/access/GW109-api-key-unattached.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let Some(keys) = ctx.api_keys(out) else {
        return;
    };
    // Disabled keys are rejected by API Gateway whether or not a plan lists them.
    for key in keys.iter().filter(|k| k.enabled) {
        let target = ctx.scope.api_key(key);
        let Some(plans) = &ctx.region.usage_plans else {
            let reason = ctx.reason("GetUsagePlans", None);
            out.unknown(
                target,
                format!(
                    "API key {} is enabled and the usage plans are unknown: {reason}",
                    key.id
                ),
            );
            continue;
        };
        let in_plans: Vec<&str> = plans
            .iter()
            .filter(|p| p.key_ids.as_ref().is_some_and(|ids| ids.contains(&key.id)))
            .map(|p| p.id.as_str())
            .collect();
        if !in_plans.is_empty() {
            out.pass(
                target,
                format!(
                    "API key {} is in usage plan(s) {}",
                    key.id,
                    in_plans.join(", ")
                ),
            )
            .evidence("usage_plans", in_plans);
            continue;
        }
        let unlisted: Vec<&str> = plans
            .iter()
            .filter(|p| p.key_ids.is_none())
            .map(|p| p.id.as_str())
            .collect();
        if let Some(first) = plans.iter().find(|p| p.key_ids.is_none()) {
            let reason = ctx.reason("GetUsagePlanKeys", Some(&ctx.scope.usage_plan(first).arn));
            out.unknown(
                target,
                format!(
                    "API key {} is in none of the usage plans whose keys were collected, and the \
                     keys of usage plan {} are unknown: {reason}",
                    key.id,
                    unlisted.join(", ")
                ),
            )
            .evidence("plans_with_unknown_keys", unlisted);
            continue;
        }
        out.fail(
            target,
            format!(
                "API key {} is enabled but in no usage plan ({} in the region): an orphaned \
                 credential, live again the moment any plan lists it",
                key.id,
                plans.len()
            ),
        )
        .evidence("usage_plans", Vec::<String>::new())
        .evidence("legacy_stage_keys", &key.stage_keys);
    }
}
