use super::stages::rest_stages_with_methods;
use crate::analysis::effective::{default_route, inherited, methods_where, routes_set_to};
use crate::rules::{judge_stage_methods, Emitter, RegionContext};

rule!(GW505, "logging/GW505-detailed-metrics-disabled.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    // Every method, OPTIONS included: the catalog exempts preflights from authentication
    // rules only, and a method named OPTIONS may proxy to a backend like any other.
    for (api, stage, methods) in rest_stages_with_methods(ctx, out) {
        let (target, name) = (ctx.scope.rest_stage(api, stage), &stage.stage_name);
        if methods.is_empty() {
            // No method yet: judge what a new method would inherit.
            let on = inherited(stage, |s| s.metrics_enabled, false);
            let f = if on {
                out.pass(
                    target,
                    format_args!("stage {name} enables detailed metrics"),
                )
            } else {
                out.fail(
                    target,
                    format_args!("stage {name} has detailed metrics off"),
                )
            };
            f.evidence("metrics_enabled", on);
            continue;
        }
        let n = methods.len();
        let dark = methods_where(stage, &methods, |s| s.metrics_enabled, false, |on| !on);
        judge_stage_methods(
            out,
            target,
            n,
            &dark,
            text!("all {n} methods of stage {name} publish detailed metrics"),
            text!("stage {name} has detailed metrics off"),
            "methods_without_metrics",
        );
    }
    // HTTP and WebSocket stages: `defaultRouteSettings`, overridden per route key in
    // `routeSettings`. One result per stage naming the routes left without metrics.
    for (api, stage) in ctx.v2_stages(out) {
        let (target, name) = (ctx.scope.v2_stage(api, stage), &stage.stage_name);
        let default = default_route(stage, |s| s.detailed_metrics_enabled).unwrap_or(false);
        let overridden = |want: bool| routes_set_to(stage, |s| s.detailed_metrics_enabled, want);
        if !default {
            let enabled = overridden(true);
            let mut msg =
                text!("stage {name} has detailed metrics off in its default route settings");
            if !enabled.is_empty() {
                msg.push_str(&text!("; only route {} enables them", enabled.join(", ")));
            }
            out.fail(target, msg)
                .evidence("default_detailed_metrics_enabled", default)
                .evidence("routes_with_metrics", enabled);
            continue;
        }
        let disabled = overridden(false);
        let f = if disabled.is_empty() {
            out.pass(
                target,
                format_args!("stage {name} enables detailed metrics"),
            )
        } else {
            out.fail(
                target,
                format_args!(
                    "stage {name} turns detailed metrics off for route {}",
                    disabled.join(", ")
                ),
            )
            .evidence("routes_without_metrics", disabled)
        };
        f.evidence("default_detailed_metrics_enabled", default);
    }
}
