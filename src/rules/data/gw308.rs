use crate::model::{LoggingLevel, ProtocolType};
use crate::rules::{Emitter, RegionContext, ResourceRef, RuleDef};

use super::stage_methods::stage_methods;

pub static RULE: RuleDef = RuleDef {
    id: "GW308",
    metadata: include_str!("../../../rules/data/GW308-data-trace-enabled.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    check_rest(ctx, out);
    check_websocket(ctx, out);
}

/// One result per REST stage naming every method that traces, so a per-method override is
/// found on either side of `*/*` while a stage of a hundred methods stays one finding.
fn check_rest(ctx: &RegionContext, out: &mut Emitter) {
    let mut stages: Vec<(ResourceRef, &str, usize, Vec<String>)> = Vec::new();
    for m in stage_methods(ctx, out, |_| true) {
        let target = ctx.scope.rest_stage(m.api, m.stage);
        if stages.last().is_none_or(|(t, ..)| t.arn != target.arn) {
            stages.push((target, &m.stage.stage_name, 0, Vec::new()));
        }
        let Some((_, _, total, tracing)) = stages.last_mut() else {
            continue;
        };
        *total += 1;
        let trace = m.effective(|s| s.data_trace_enabled, false);
        if trace.value {
            let level = m.effective(|s| s.logging_level, LoggingLevel::Off);
            tracing.push(format!(
                "{} {} (by {}; logging level {})",
                m.method.http_method,
                m.resource.path,
                trace.source.describe(),
                level.value
            ));
        }
    }
    for (target, stage, total, tracing) in stages {
        if tracing.is_empty() {
            out.pass(
                target,
                format!("stage {stage} has data tracing off for all {total} methods"),
            )
            .evidence("methods", total);
        } else {
            out.fail(
                target,
                format!(
                    "stage {stage} writes full request and response payloads to CloudWatch Logs \
                     for {} of {total} methods: {}",
                    tracing.len(),
                    tracing.join(", ")
                ),
            )
            .evidence("methods_tracing", &tracing)
            .evidence("methods", total);
        }
    }
}

/// WebSocket stages trace per route: a `routeSettings` entry wins over the stage's default
/// route settings. HTTP APIs have no data tracing and are not evaluated.
fn check_websocket(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.v2_apis(out);
    for api in apis
        .iter()
        .filter(|a| a.protocol_type == ProtocolType::Websocket)
    {
        let Some(stages) = ctx.api_v2_stages(api, out) else {
            continue;
        };
        for stage in stages {
            let target = ctx.scope.v2_stage(api, stage);
            let default = stage
                .default_route_settings
                .as_ref()
                .and_then(|s| s.data_trace_enabled)
                .unwrap_or(false);
            let overrides = |on: bool| -> Vec<&str> {
                stage
                    .route_settings
                    .iter()
                    .filter(|(_, s)| s.data_trace_enabled == Some(on))
                    .map(|(k, _)| k.as_str())
                    .collect()
            };
            let (traced, untraced) = (overrides(true), overrides(false));
            let mut tracing = Vec::new();
            if default {
                // Every route without its own setting inherits the default, new routes too.
                tracing.push("default route settings".to_string());
            }
            tracing.extend(traced.iter().map(|k| format!("route {k}")));
            let f = if tracing.is_empty() {
                out.pass(
                    target,
                    format!(
                        "WebSocket stage {} of API {} has data tracing off",
                        stage.stage_name, api.name
                    ),
                )
            } else {
                out.fail(
                    target,
                    format!(
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
}
