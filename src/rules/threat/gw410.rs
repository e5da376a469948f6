use super::plan_throttles::plan_coverage;
use crate::analysis::effective::{is_bounded, is_unlimited, stage_wide, unthrottled_overrides};

use crate::rules::{Emitter, RegionContext};

rule!(GW410, "threat/GW410-stage-throttling-unset.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage) in ctx.rest_stages(out) {
        let (target, name) = (ctx.scope.rest_stage(api, stage), &stage.stage_name);
        let unlimited = unthrottled_overrides(stage);
        if !unlimited.is_empty() {
            out.fail(
                target,
                format_args!(
                    "stage {name} switches throttling off (-1) for {}",
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
                format_args!(
                    "stage {name} throttles at {} requests/s, burst {}",
                    s.throttling_rate_limit.unwrap_or_default(),
                    s.throttling_burst_limit.unwrap_or_default()
                ),
            )
            .evidence("rate_limit", s.throttling_rate_limit)
            .evidence("burst_limit", s.throttling_burst_limit);
            continue;
        }
        let coverage = match ctx.usage_plans_or_reason() {
            Ok(plans) => plan_coverage(plans, api, stage),
            Err(reason) => {
                out.unknown(
                    target,
                    format_args!(
                        "stage {name} sets no stage-wide throttle and usage plans are unknown: \
                         {reason}"
                    ),
                );
                continue;
            }
        };
        let covering = &coverage.plans;
        if covering.is_empty() {
            out.fail(
                target,
                format_args!(
                    "stage {name} has no stage-wide throttle and no throttling usage plan: only \
                     the account-wide limit, shared by every API, applies"
                ),
            )
            .evidence(
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
        // A usage plan throttles requests by API key: methods that need no key escape it,
        // and per-method plan throttles cover only their methods.
        let methods = match ctx.methods_of(api) {
            Ok(methods) => methods,
            Err(reason) => {
                out.unknown(
                    target,
                    format_args!(
                        "stage {name} relies on usage plan {} but its methods are unknown: \
                         {reason}",
                        covering.join(", ")
                    ),
                );
                continue;
            }
        };
        let unthrottled: Vec<String> = methods
            .iter()
            .filter(|(_, m)| !m.is_cors_preflight())
            .filter(|(r, m)| !coverage.covers(r, m))
            .map(|(r, m)| {
                let why = if m.api_key_required {
                    "not in the plan's throttles"
                } else {
                    "no API key"
                };
                text!("{} {} ({why})", m.http_method, r.path)
            })
            .collect();
        let f = if unthrottled.is_empty() {
            out.pass(
                target,
                format_args!(
                    "stage {name} is throttled by usage plan {} for every method, each requiring \
                     an API key",
                    covering.join(", ")
                ),
            )
        } else {
            out.fail(
                target,
                format_args!(
                    "stage {name} has no stage-wide throttle and usage plan {} leaves {} methods \
                     unthrottled: {}",
                    covering.join(", "),
                    unthrottled.len(),
                    unthrottled.join(", ")
                ),
            )
            .evidence("unthrottled_methods", unthrottled)
        };
        f.evidence("usage_plans", covering);
    }
    for (api, stage) in ctx.v2_stages(out) {
        let (target, name) = (ctx.scope.v2_stage(api, stage), &stage.stage_name);
        let unlimited: Vec<&str> = stage
            .route_settings
            .iter()
            .filter(|(_, s)| is_unlimited(s.throttling_burst_limit, s.throttling_rate_limit))
            .map(|(k, _)| k.as_str())
            .collect();
        let default = stage.default_route_settings.as_ref();
        let (rate, burst) = (
            default.and_then(|d| d.throttling_rate_limit),
            default.and_then(|d| d.throttling_burst_limit),
        );
        if !unlimited.is_empty() {
            out.fail(
                target,
                format_args!(
                    "stage {name} switches throttling off (-1) for route {}",
                    unlimited.join(", ")
                ),
            )
            .evidence("unthrottled_routes", unlimited);
            continue;
        }
        let f = if is_bounded(burst, rate) {
            out.pass(
                target,
                format_args!(
                    "stage {name} throttles routes at {} requests/s, burst {}",
                    rate.unwrap_or_default(),
                    burst.unwrap_or_default()
                ),
            )
        } else {
            out.fail(
                target,
                format_args!(
                    "stage {name} has no default route throttling: only the account-wide limit \
                     applies"
                ),
            )
        };
        f.evidence("rate_limit", rate)
            .evidence("burst_limit", burst);
    }
}
