use super::stages::rest_stages_with_methods;
use crate::analysis::effective::{default_route, inherited, methods_where, routes_set_to};
use crate::model::LoggingLevel::Off;
use crate::rules::{judge_stage_methods, Emitter, RegionContext};

rule!(GW501, "logging/GW501-execution-logging-disabled.toml");

/// HTTP APIs have no execution logs (not applicable); WebSocket stages log per route.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage, methods) in rest_stages_with_methods(ctx, out) {
        let (target, name) = (ctx.scope.rest_stage(api, stage), &stage.stage_name);
        if methods.is_empty() {
            // No method yet: judge what a new method would inherit.
            let level = inherited(stage, |s| s.logging_level, Off);
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
        judge_stage_methods(
            out,
            target,
            n,
            &silent,
            format!("all {n} methods of stage {name} log at ERROR or INFO"),
            format!("stage {name} has execution logging off"),
            "methods_without_logging",
        );
    }
    for (api, stage) in ctx.websocket_stages(out) {
        let (target, name) = (ctx.scope.v2_stage(api, stage), &stage.stage_name);
        let default = default_route(stage, |s| s.logging_level).unwrap_or(Off);
        let mut silent: Vec<String> = Vec::new();
        if default == Off {
            silent.push("default route settings".into());
        }
        let routes = routes_set_to(stage, |s| s.logging_level, Off);
        silent.extend(routes.iter().map(|k| format!("route {k}")));
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
