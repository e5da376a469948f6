use crate::analysis::effective::is_bounded;
use crate::model::UsagePlan;
use crate::rules::{Emitter, RegionContext};

rule!(GW411, "threat/GW411-usage-plan-unbounded.toml");

/// A plan-wide throttle, bounded as GW410 judges one (rate and burst set, neither negative).
/// Per-method throttles cover only their methods, so they do not bound the plan.
fn throttled(plan: &UsagePlan) -> bool {
    plan.throttle
        .as_ref()
        .is_some_and(|t| is_bounded(t.burst_limit, t.rate_limit))
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let plans = ctx.usage_plans(out);
    for plan in plans {
        let target = ctx.scope.usage_plan(plan);
        let throttle = plan.throttle.as_ref();
        let missing: Vec<&str> = [
            (!throttled(plan)).then_some("throttle"),
            plan.quota.is_none().then_some("quota"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let f = match (&plan.quota, missing.as_slice()) {
            (Some(q), []) => out.pass(
                target,
                format_args!(
                    "usage plan {} throttles each key and caps it at {} requests per {}",
                    plan.name, q.limit, q.period
                ),
            ),
            (_, missing) => {
                let impact = match missing {
                    ["throttle"] => {
                        "can spend the whole quota in one burst, at up to the account-level \
                         rate shared by every API"
                    }
                    ["quota"] => "can call in any volume, limited only by the plan's rate",
                    _ => {
                        "can call in any volume at up to the account-level rate shared by every API"
                    }
                };
                out.fail(
                    target,
                    format_args!(
                        "usage plan {} has no {}: a key holder {impact}",
                        plan.name,
                        missing.join(" and no ")
                    ),
                )
            }
        };
        // Shown because they look like a throttle but bound only the methods they name.
        let method_throttles: Vec<String> = plan
            .api_stages
            .iter()
            .flat_map(|s| {
                s.throttle
                    .keys()
                    .map(move |k| text!("{}/{} {k}", s.api_id, s.stage))
            })
            .collect();
        f.evidence("missing", missing)
            .evidence("method_throttles", method_throttles)
            .evidence("rate_limit", throttle.and_then(|t| t.rate_limit))
            .evidence("burst_limit", throttle.and_then(|t| t.burst_limit))
            .evidence(
                "quota",
                plan.quota
                    .as_ref()
                    .map(|q| text!("{} per {}", q.limit, q.period)),
            );
    }
}
