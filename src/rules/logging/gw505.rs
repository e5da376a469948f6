use crate::analysis::effective::{methods_where, stage_wide};
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW505",
    metadata: include_str!("../../../rules/logging/GW505-detailed-metrics-disabled.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    check_rest(ctx, out);
    check_v2(ctx, out);
}

fn check_rest(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.rest_apis(out);
    for api in apis {
        let Some(stages) = ctx.stages(api, out) else {
            continue;
        };
        if ctx.resources(api, out).is_none() {
            continue;
        }
        // Every method, OPTIONS included: the catalog exempts preflights from authentication
        // rules only, and a method named OPTIONS may proxy to a backend like any other.
        let methods: Vec<_> = api.methods().collect();
        for stage in stages {
            let target = ctx.scope.rest_stage(api, stage);
            if methods.is_empty() {
                // No method yet: judge what a new method would inherit.
                let on = stage_wide(stage)
                    .and_then(|s| s.metrics_enabled)
                    .unwrap_or(false);
                if on {
                    out.pass(
                        target,
                        format!("stage {} enables detailed metrics", stage.stage_name),
                    )
                    .evidence("metrics_enabled", on);
                } else {
                    out.fail(
                        target,
                        format!("stage {} has detailed metrics off", stage.stage_name),
                    )
                    .evidence("metrics_enabled", on);
                }
                continue;
            }
            let dark = methods_where(stage, &methods, |s| s.metrics_enabled, false, |on| !on);
            if dark.is_empty() {
                out.pass(
                    target,
                    format!(
                        "all {} methods of stage {} publish detailed metrics",
                        methods.len(),
                        stage.stage_name
                    ),
                )
                .evidence("methods", methods.len());
            } else {
                out.fail(
                    target,
                    format!(
                        "stage {} has detailed metrics off for {} of {} methods: {}",
                        stage.stage_name,
                        dark.len(),
                        methods.len(),
                        dark.join(", ")
                    ),
                )
                .evidence("methods_without_metrics", dark)
                .evidence("methods", methods.len());
            }
        }
    }
}

/// HTTP and WebSocket stages: `defaultRouteSettings`, overridden per route key in
/// `routeSettings`. One result per stage naming the routes left without metrics.
fn check_v2(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.v2_apis(out);
    for api in apis {
        for stage in ctx.api_v2_stages(api, out).unwrap_or_default() {
            let target = ctx.scope.v2_stage(api, stage);
            let default = stage
                .default_route_settings
                .as_ref()
                .and_then(|s| s.detailed_metrics_enabled)
                .unwrap_or(false);
            let overridden = |want: bool| -> Vec<&str> {
                stage
                    .route_settings
                    .iter()
                    .filter(|(_, s)| s.detailed_metrics_enabled == Some(want))
                    .map(|(k, _)| k.as_str())
                    .collect()
            };
            if !default {
                let enabled = overridden(true);
                let mut msg = format!(
                    "stage {} has detailed metrics off in its default route settings",
                    stage.stage_name
                );
                if !enabled.is_empty() {
                    msg.push_str(&format!("; only route {} enables them", enabled.join(", ")));
                }
                out.fail(target, msg)
                    .evidence("default_detailed_metrics_enabled", default)
                    .evidence("routes_with_metrics", enabled);
                continue;
            }
            let disabled = overridden(false);
            if disabled.is_empty() {
                out.pass(
                    target,
                    format!("stage {} enables detailed metrics", stage.stage_name),
                )
                .evidence("default_detailed_metrics_enabled", default);
            } else {
                out.fail(
                    target,
                    format!(
                        "stage {} turns detailed metrics off for route {}",
                        stage.stage_name,
                        disabled.join(", ")
                    ),
                )
                .evidence("default_detailed_metrics_enabled", default)
                .evidence("routes_without_metrics", disabled);
            }
        }
    }
}
