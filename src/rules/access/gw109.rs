use crate::collect::operations as op;
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW109",
    metadata: include_str!("../../../rules/access/GW109-api-key-unattached.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let keys = ctx.api_keys(out);
    // Disabled keys are rejected by API Gateway whether or not a plan lists them.
    for key in keys.iter().filter(|k| k.enabled) {
        let target = ctx.scope.api_key(key);
        let plans = match ctx.usage_plans_or_reason() {
            Ok(v) => v,
            Err(reason) => {
                out.unknown(
                    target,
                    format!(
                        "API key {} is enabled and the usage plans are unknown: {reason}",
                        key.id
                    ),
                );
                continue;
            }
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
            let reason = ctx.reason(
                &op::GET_USAGE_PLAN_KEYS,
                Some(&ctx.scope.usage_plan(first).arn),
            );
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
