use super::stages::rest_stages_with_methods;
use crate::analysis::effective::{methods_where, stage_wide};
use crate::model::LoggingLevel::Off;
use crate::rules::{Emitter, RegionContext};

rule!(GW501, "logging/GW501-execution-logging-disabled.toml");

/// HTTP APIs have no execution logs (not applicable); WebSocket stages log per route.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage, methods) in rest_stages_with_methods(ctx, out) {
        let (target, name) = (ctx.scope.rest_stage(api, stage), &stage.stage_name);
        if methods.is_empty() {
            // No method yet: judge what a new method would inherit.
            let level = stage_wide(stage)
                .and_then(|s| s.logging_level)
                .unwrap_or(Off);
            let f = if level == Off {
                out.fail(target, format!("stage {name} has execution logging off"))
            } else {
                out.pass(target, format!("stage {name} logs at {level}"))
            };
            f.evidence("logging_level", level);
            continue;
        }
        let n = methods.len();
        let silent = methods_where(stage, &methods, |s| s.logging_level, Off, |l| *l == Off);
        if silent.is_empty() {
            out.pass(
                target,
                format!("all {n} methods of stage {name} log at ERROR or INFO"),
            )
            .evidence("methods", n);
        } else {
            out.fail(
                target,
                format!(
                    "stage {name} has execution logging off for {} of {n} methods: {}",
                    silent.len(),
                    silent.join(", ")
                ),
            )
            .evidence("methods_without_logging", silent)
            .evidence("methods", n);
        }
    }
    for (api, stage) in ctx.websocket_stages(out) {
        let (target, name) = (ctx.scope.v2_stage(api, stage), &stage.stage_name);
        let default = stage
            .default_route_settings
            .as_ref()
            .and_then(|s| s.logging_level)
            .unwrap_or(Off);
        let mut silent: Vec<String> = Vec::new();
        if default == Off {
            silent.push("default route settings".into());
        }
        silent.extend(
            stage
                .route_settings
                .iter()
                .filter(|(_, s)| s.logging_level == Some(Off))
                .map(|(k, _)| format!("route {k}")),
        );
        if silent.is_empty() {
            out.pass(target, format!("WebSocket stage {name} logs at {default}"))
                .evidence("logging_level", default);
        } else {
            out.fail(
                target,
                format!(
                    "WebSocket stage {name} has execution logging off for {}",
                    silent.join(", ")
                ),
            )
            .evidence("logging_off", silent)
            .evidence("default_logging_level", default);
        }
    }
}
