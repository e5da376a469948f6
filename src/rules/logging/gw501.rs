use super::stages::rest_stages_with_methods;
use crate::analysis::effective::{default_route, effective, inherited, methods_where};
use crate::model::LoggingLevel::{self, Off};
use crate::model::{unknown_value_reason, V2Stage};
use crate::rules::{judge_stage_methods, Emitter, RegionContext};

rule!(GW501, "logging/GW501-execution-logging-disabled.toml");

/// `what (`LEVEL`)` when `level` is one this version does not know: it may be off.
fn undecided(level: &LoggingLevel, what: String) -> Option<String> {
    let raw = level.logs().err()?;
    Some(text!("{what} (`{raw}`)"))
}

/// Why a stage whose only doubt is `unknown` levels cannot be judged.
fn undecided_reason(what: &str, unknown: &[String]) -> String {
    text!(
        "whether every {what} logs cannot be told: the logging level (loggingLevel) of {} is a \
         value this gwaudit version does not know",
        unknown.join(", ")
    )
}

/// HTTP APIs have no execution logs (not applicable); WebSocket stages log per route.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, stage, methods) in rest_stages_with_methods(ctx, out) {
        let (target, name) = (ctx.scope.rest_stage(api, stage), &stage.stage_name);
        let level = |s: &crate::model::MethodSetting| s.logging_level.clone();
        if methods.is_empty() {
            // No method yet: judge what a new method would inherit.
            let level = inherited(stage, level, Off);
            let f = match level.logs() {
                Err(raw) => out.undeterminable(
                    target,
                    format_args!(
                        "stage {name}: {}",
                        unknown_value_reason("logging level", "loggingLevel", raw)
                    ),
                ),
                Ok(false) => out.fail(
                    target,
                    format_args!("stage {name} has execution logging off"),
                ),
                Ok(true) => out.pass(target, format_args!("stage {name} logs at {level}")),
            };
            f.evidence("logging_level", &level);
            continue;
        }
        let n = methods.len();
        let silent = methods_where(stage, &methods, level, Off, |l| *l == Off);
        // A known silent method fails the stage whatever the others; only when none is, a
        // level this version does not know leaves the verdict open.
        let unknown: Vec<String> = (methods.iter())
            .filter_map(|(r, m)| {
                let e = effective(stage, &r.path, &m.http_method, level, Off);
                let raw = e.value.logs().err()?;
                let by = e.source.describe();
                Some(text!("{} {} (`{raw}`, {by})", m.http_method, r.path))
            })
            .collect();
        if silent.is_empty() && !unknown.is_empty() {
            let what = text!("method of stage {name}");
            out.undeterminable(target, undecided_reason(&what, &unknown))
                .evidence("methods", n)
                .evidence("methods_with_unknown_level", unknown);
            continue;
        }
        judge_stage_methods(
            out,
            target,
            n,
            &silent,
            text!("all {n} methods of stage {name} log at ERROR or INFO"),
            text!("stage {name} has execution logging off"),
            "methods_without_logging",
        );
    }
    for (api, stage) in ctx.websocket_stages(out) {
        judge_websocket(out, ctx.scope.v2_stage(api, stage), stage);
    }
}

/// A route's own `routeSettings` entry wins over the stage's default route settings.
fn judge_websocket(out: &mut Emitter, target: crate::rules::ResourceRef, stage: &V2Stage) {
    let name = &stage.stage_name;
    let default = default_route(stage, |s| s.logging_level.clone()).unwrap_or(Off);
    let routes =
        || (stage.route_settings.iter()).filter_map(|(k, s)| Some((k, s.logging_level.as_ref()?)));
    let mut silent: Vec<String> = Vec::new();
    if default == Off {
        silent.push("default route settings".into());
    }
    silent.extend(
        routes()
            .filter(|(_, l)| **l == Off)
            .map(|(k, _)| text!("route {k}")),
    );
    let mut unknown: Vec<String> = Vec::new();
    unknown.extend(undecided(&default, "default route settings".into()));
    unknown.extend(routes().filter_map(|(k, l)| undecided(l, text!("route {k}"))));
    if silent.is_empty() && !unknown.is_empty() {
        let what = text!("route of WebSocket stage {name}");
        out.undeterminable(target, undecided_reason(&what, &unknown))
            .evidence("default_logging_level", &default)
            .evidence("routes_with_unknown_level", unknown);
    } else if silent.is_empty() {
        out.pass(
            target,
            format_args!("WebSocket stage {name} logs at {default}"),
        )
        .evidence("logging_level", &default);
    } else {
        out.fail(
            target,
            format_args!(
                "WebSocket stage {name} has execution logging off for {}",
                silent.join(", ")
            ),
        )
        .evidence("logging_off", silent)
        .evidence("default_logging_level", &default);
    }
}
