use crate::analysis::effective::{default_route, routes_set_to};
use crate::model::LoggingLevel;
use crate::rules::{judge_stage_methods, Emitter, RegionContext};

use super::stage_methods::{stage_methods, StageMethod};

rule!(GW308, "data/GW308-data-trace-enabled.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    check_rest(ctx, out);
    check_websocket(ctx, out);
}

/// One result per REST stage naming every method that traces, so a per-method override is
/// found on either side of `*/*` while a stage of a hundred methods stays one finding.
fn check_rest(ctx: &RegionContext, out: &mut Emitter) {
    let methods = stage_methods(ctx, out, |_| true);
    let same_stage = |a: &StageMethod, b: &StageMethod| {
        a.api.id == b.api.id && a.stage.stage_name == b.stage.stage_name
    };
    for methods in methods.chunk_by(same_stage) {
        let tracing: Vec<String> = (methods.iter())
            .filter_map(|m| {
                let trace = m.effective(|s| s.data_trace_enabled, false);
                let level = m.effective(|s| s.logging_level.clone(), LoggingLevel::Off);
                trace.value.then(|| {
                    text!(
                        "{} {} (by {}; logging level {})",
                        m.method.http_method,
                        m.resource.path,
                        trace.source.describe(),
                        level.value
                    )
                })
            })
            .collect();
        let (api, stage, total) = (methods[0].api, methods[0].stage, methods.len());
        let name = &stage.stage_name;
        judge_stage_methods(
            out,
            ctx.scope.rest_stage(api, stage),
            total,
            &tracing,
            text!("stage {name} has data tracing off for all {total} methods"),
            text!("stage {name} writes full request and response payloads to CloudWatch Logs"),
            "methods_tracing",
        );
    }
}

/// WebSocket stages trace per route: a `routeSettings` entry wins over the stage's default
/// route settings. HTTP APIs have no data tracing and are not evaluated.
fn check_websocket(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage) in ctx.websocket_stages(out) {
        let target = ctx.scope.v2_stage(api, stage);
        let default = default_route(stage, |s| s.data_trace_enabled).unwrap_or(false);
        let overrides = |on: bool| routes_set_to(stage, |s| s.data_trace_enabled, on);
        let (traced, untraced) = (overrides(true), overrides(false));
        let mut tracing = Vec::new();
        if default {
            // Every route without its own setting inherits the default, new routes too.
            tracing.push("default route settings".to_string());
        }
        tracing.extend(traced.iter().map(|k| text!("route {k}")));
        let f = if tracing.is_empty() {
            out.pass(
                target,
                format_args!(
                    "WebSocket stage {} of API {} has data tracing off",
                    stage.stage_name, api.name
                ),
            )
        } else {
            out.fail(
                target,
                format_args!(
                    "WebSocket stage {} of API {} writes full message payloads to CloudWatch Logs: \
                     data tracing on for {}",
                    stage.stage_name,
                    api.name,
                    tracing.join(", ")
                ),
            )
        };
        f.evidence("default_data_trace_enabled", default)
            .evidence("routes_tracing", traced)
            .evidence("routes_not_tracing", untraced);
    }
}
