use crate::analysis::effective::{is_bounded, is_unlimited, stage_wide, unthrottled_overrides};
use crate::model::{RestApi, Stage, UsagePlan};
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW410",
    metadata: include_str!("../../../rules/threat/GW410-stage-throttling-unset.toml"),
    check,
};

/// Usage plans that cover the stage with a bounded throttle (plan-wide or per method).
fn throttling_plans<'a>(plans: &'a [UsagePlan], api: &RestApi, stage: &Stage) -> Vec<&'a str> {
    plans
        .iter()
        .filter(|plan| {
            plan.api_stages.iter().any(|s| {
                s.api_id == api.id
                    && s.stage == stage.stage_name
                    && (plan
                        .throttle
                        .as_ref()
                        .is_some_and(|t| is_bounded(t.burst_limit, t.rate_limit))
                        || s.throttle
                            .values()
                            .any(|t| is_bounded(t.burst_limit, t.rate_limit)))
            })
        })
        .map(|plan| plan.id.as_str())
        .collect()
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    check_rest(ctx, out);
    check_v2(ctx, out);
}

fn check_rest(ctx: &RegionContext, out: &mut Emitter) {
    let Some(apis) = ctx.rest_apis(out) else {
        return;
    };
    for api in apis {
        let Some(stages) = ctx.stages(api, out) else {
            continue;
        };
        for stage in stages {
            let target = ctx.scope.rest_stage(api, stage);
            let unlimited = unthrottled_overrides(stage);
            if !unlimited.is_empty() {
                out.fail(
                    target,
                    format!(
                        "stage {} switches throttling off (-1) for {}",
                        stage.stage_name,
                        unlimited.join(", ")
                    ),
                )
                .evidence("unthrottled_overrides", unlimited);
                continue;
            }
            let wide = stage_wide(stage);
            if let Some(s) =
                wide.filter(|s| is_bounded(s.throttling_burst_limit, s.throttling_rate_limit))
            {
                out.pass(
                    target,
                    format!(
                        "stage {} throttles at {} requests/s, burst {}",
                        stage.stage_name,
                        s.throttling_rate_limit.unwrap_or_default(),
                        s.throttling_burst_limit.unwrap_or_default()
                    ),
                )
                .evidence("rate_limit", s.throttling_rate_limit)
                .evidence("burst_limit", s.throttling_burst_limit);
                continue;
            }
            let Some(plans) = &ctx.region.usage_plans else {
                let reason = ctx.reason("GetUsagePlans", None);
                out.unknown(
                    target,
                    format!(
                        "stage {} sets no stage-wide throttle and usage plans are unknown: {reason}",
                        stage.stage_name
                    ),
                );
                continue;
            };
            let covering = throttling_plans(plans, api, stage);
            if covering.is_empty() {
                let f = out.fail(
                    target,
                    format!(
                        "stage {} has no stage-wide throttle and no throttling usage plan: only the \
                         account-wide limit, shared by every API, applies",
                        stage.stage_name
                    ),
                );
                f.evidence(
                    "stage_wide_rate_limit",
                    wide.and_then(|s| s.throttling_rate_limit),
                )
                .evidence(
                    "stage_wide_burst_limit",
                    wide.and_then(|s| s.throttling_burst_limit),
                )
                .evidence("usage_plans", Vec::<String>::new());
                continue;
            }
            // A usage plan throttles requests by API key: methods that need no key escape it.
            let Some(resources) = &api.resources else {
                let reason = ctx.reason("GetResources", Some(&ctx.scope.rest_api(api).arn));
                out.unknown(
                    target,
                    format!(
                        "stage {} relies on usage plan {} but its methods are unknown: {reason}",
                        stage.stage_name,
                        covering.join(", ")
                    ),
                );
                continue;
            };
            let keyless: Vec<String> = resources
                .iter()
                .flat_map(|r| r.methods.iter().map(move |m| (r, m)))
                .filter(|(_, m)| !m.is_cors_preflight() && !m.api_key_required)
                .map(|(r, m)| format!("{} {}", m.http_method, r.path))
                .collect();
            if keyless.is_empty() {
                out.pass(
                    target,
                    format!(
                        "stage {} is throttled by usage plan {} and every method requires an API key",
                        stage.stage_name,
                        covering.join(", ")
                    ),
                )
                .evidence("usage_plans", covering);
            } else {
                out.fail(
                    target,
                    format!(
                        "stage {} has no stage-wide throttle; usage plan {} throttles only requests \
                         with an API key, and {} methods need none: {}",
                        stage.stage_name,
                        covering.join(", "),
                        keyless.len(),
                        keyless.join(", ")
                    ),
                )
                .evidence("usage_plans", covering)
                .evidence("methods_without_api_key", keyless);
            }
        }
    }
}

fn check_v2(ctx: &RegionContext, out: &mut Emitter) {
    let Some(apis) = ctx.v2_apis(out) else {
        return;
    };
    for api in apis {
        let Some(stages) = ctx.v2_stages(api, out) else {
            continue;
        };
        for stage in stages {
            let target = ctx.scope.v2_stage(api, &stage.stage_name);
            let unlimited: Vec<&str> = stage
                .route_settings
                .iter()
                .filter(|(_, s)| is_unlimited(s.throttling_burst_limit, s.throttling_rate_limit))
                .map(|(k, _)| k.as_str())
                .collect();
            let default = stage.default_route_settings.as_ref();
            let bounded = default
                .is_some_and(|d| is_bounded(d.throttling_burst_limit, d.throttling_rate_limit));
            if !unlimited.is_empty() {
                out.fail(
                    target,
                    format!(
                        "stage {} switches throttling off (-1) for route {}",
                        stage.stage_name,
                        unlimited.join(", ")
                    ),
                )
                .evidence("unthrottled_routes", unlimited);
            } else if bounded {
                let d = default.expect("checked");
                out.pass(
                    target,
                    format!(
                        "stage {} throttles routes at {} requests/s, burst {}",
                        stage.stage_name,
                        d.throttling_rate_limit.unwrap_or_default(),
                        d.throttling_burst_limit.unwrap_or_default()
                    ),
                )
                .evidence("rate_limit", d.throttling_rate_limit)
                .evidence("burst_limit", d.throttling_burst_limit);
            } else {
                out.fail(
                    target,
                    format!(
                        "stage {} has no default route throttling: only the account-wide limit applies",
                        stage.stage_name
                    ),
                )
                .evidence("rate_limit", default.and_then(|d| d.throttling_rate_limit))
                .evidence("burst_limit", default.and_then(|d| d.throttling_burst_limit));
            }
        }
    }
}
