use crate::analysis::effective::{methods_where, stage_wide};
use crate::model::{LoggingLevel, ProtocolType};
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW501",
    metadata: include_str!("../../../rules/logging/GW501-execution-logging-disabled.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    check_rest(ctx, out);
    check_websocket(ctx, out);
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
        let methods: Vec<_> = api.methods().collect();
        for stage in stages {
            let target = ctx.scope.rest_stage(api, stage);
            if methods.is_empty() {
                // No method yet: judge what a new method would inherit.
                let level = stage_wide(stage)
                    .and_then(|s| s.logging_level)
                    .unwrap_or(LoggingLevel::Off);
                if level == LoggingLevel::Off {
                    out.fail(
                        target,
                        format!("stage {} has execution logging off", stage.stage_name),
                    )
                    .evidence("logging_level", level);
                } else {
                    out.pass(
                        target,
                        format!("stage {} logs at {level}", stage.stage_name),
                    )
                    .evidence("logging_level", level);
                }
                continue;
            }
            let silent = methods_where(
                stage,
                &methods,
                |s| s.logging_level,
                LoggingLevel::Off,
                |level| *level == LoggingLevel::Off,
            );
            if silent.is_empty() {
                out.pass(
                    target,
                    format!(
                        "all {} methods of stage {} log at ERROR or INFO",
                        methods.len(),
                        stage.stage_name
                    ),
                )
                .evidence("methods", methods.len());
            } else {
                out.fail(
                    target,
                    format!(
                        "stage {} has execution logging off for {} of {} methods: {}",
                        stage.stage_name,
                        silent.len(),
                        methods.len(),
                        silent.join(", ")
                    ),
                )
                .evidence("methods_without_logging", silent)
                .evidence("methods", methods.len());
            }
        }
    }
}

/// HTTP APIs have no execution logs (not applicable); WebSocket stages log per route.
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
                .and_then(|s| s.logging_level)
                .unwrap_or(LoggingLevel::Off);
            let mut silent: Vec<String> = Vec::new();
            if default == LoggingLevel::Off {
                silent.push("default route settings".into());
            }
            silent.extend(
                stage
                    .route_settings
                    .iter()
                    .filter(|(_, s)| s.logging_level == Some(LoggingLevel::Off))
                    .map(|(k, _)| format!("route {k}")),
            );
            if silent.is_empty() {
                out.pass(
                    target,
                    format!("WebSocket stage {} logs at {default}", stage.stage_name),
                )
                .evidence("logging_level", default);
            } else {
                out.fail(
                    target,
                    format!(
                        "WebSocket stage {} has execution logging off for {}",
                        stage.stage_name,
                        silent.join(", ")
                    ),
                )
                .evidence("logging_off", silent)
                .evidence("default_logging_level", default);
            }
        }
    }
}
