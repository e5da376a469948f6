use crate::operations as op;
use crate::rules::{Emitter, RegionContext};

rule!(GW109, "access/GW109-api-key-unattached.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let plans = ctx.usage_plans_or_reason();
    // Disabled keys are rejected by API Gateway whether or not a plan lists them.
    for key in ctx.api_keys(out).iter().filter(|k| k.enabled) {
        let target = ctx.scope.api_key(key);
        let id = &key.id;
        let plans = match &plans {
            Ok(plans) => *plans,
            Err(reason) => {
                out.unknown(
                    target,
                    format_args!(
                        "API key {id} is enabled and the usage plans are unknown: {reason}"
                    ),
                );
                continue;
            }
        };
        let in_plans: Vec<&str> = plans
            .iter()
            .filter(|p| p.key_ids.as_ref().is_some_and(|ids| ids.contains(id)))
            .map(|p| p.id.as_str())
            .collect();
        // A plan whose key list was not collected may be the one that lists this key.
        let unlisted: Vec<_> = plans.iter().filter(|p| p.key_ids.is_none()).collect();
        if !in_plans.is_empty() {
            out.pass(
                target,
                format_args!("API key {id} is in usage plan(s) {}", in_plans.join(", ")),
            )
            .evidence("usage_plans", in_plans);
        } else if let Some(first) = unlisted.first() {
            // Only GW109 reads plan keys, so the context has no accessor for them.
            let reason = ctx.reason(
                &op::GET_USAGE_PLAN_KEYS,
                Some(&ctx.scope.usage_plan(first).arn),
            );
            let unlisted: Vec<&str> = unlisted.iter().map(|p| p.id.as_str()).collect();
            out.unknown(
                target,
                format_args!(
                    "API key {id} is in none of the usage plans whose keys were collected, and \
                     the keys of usage plan {} are unknown: {reason}",
                    unlisted.join(", ")
                ),
            )
            .evidence("plans_with_unknown_keys", unlisted);
        } else {
            out.fail(
                target,
                format_args!(
                    "API key {id} is enabled but in no usage plan ({} in the region): an \
                     orphaned credential, live again the moment any plan lists it",
                    plans.len()
                ),
            )
            .evidence("usage_plans", Vec::<String>::new())
            .evidence("legacy_stage_keys", &key.stage_keys);
        }
    }
}
