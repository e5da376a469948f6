//! Where REST and WebSocket stages send logs in CloudWatch Logs, shared by GW506 (is the
//! account role needed?) and GW507 (which log groups to judge).

use crate::analysis::effective::{effective, stage_wide};
use crate::model::{LogGroupArn, LoggingLevel, MethodSetting, RawValue, RestApi, Stage, V2Stage};

pub use crate::model::execution_log_group;

/// Why it is undecided whether a stage writes execution logs.
pub enum Undecided {
    /// It depends on methods that were not collected.
    MethodsNotCollected,
    /// A logging level this version does not know decides it.
    Level(RawValue),
}

/// Whether any of `levels` writes execution logs; `Err` with a level this version does not
/// know when no known one does (it may).
fn any_logs<'a>(levels: impl IntoIterator<Item = &'a LoggingLevel>) -> Result<bool, &'a RawValue> {
    let mut unknown = None;
    for level in levels {
        match level.logs() {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(raw) => unknown = unknown.or(Some(raw)),
        }
    }
    unknown.map_or(Ok(false), Err)
}

/// Whether some method of the stage writes execution logs, or why that is undecided.
pub fn rest_execution_logging(api: &RestApi, stage: &Stage) -> Result<bool, Undecided> {
    let wide = stage_wide(stage).and_then(|s| s.logging_level.as_ref());
    let Some(resources) = &api.resources else {
        // Without the method list only the settings themselves can decide.
        let levels = || (stage.method_settings.values()).filter_map(|s| s.logging_level.as_ref());
        if !levels().any(|l| l.logs() == Ok(true)) {
            return any_logs(levels()).map_err(|raw| Undecided::Level(raw.clone()));
        }
        // An override that is off, or of a level this version does not know, may leave every
        // method silent.
        let any_off = (stage.method_settings.iter()).any(|(k, s)| {
            k != "*/*"
                && s.logging_level
                    .as_ref()
                    .is_some_and(|l| l.logs() != Ok(true))
        });
        return if any_logs(wide) == Ok(true) && !any_off {
            Ok(true)
        } else {
            Err(Undecided::MethodsNotCollected)
        };
    };
    if resources.iter().all(|r| r.methods.is_empty()) {
        return any_logs(wide).map_err(|raw| Undecided::Level(raw.clone()));
    }
    let levels: Vec<LoggingLevel> = (api.methods())
        .map(|(r, m)| {
            let level = |s: &MethodSetting| s.logging_level.clone();
            effective(stage, &r.path, &m.http_method, level, LoggingLevel::Off).value
        })
        .collect();
    any_logs(&levels).map_err(|raw| Undecided::Level(raw.clone()))
}

/// A WebSocket stage logs when its default or any route override is ERROR or INFO; `Err`
/// with a level this version does not know when no known one does.
pub fn websocket_execution_logging(stage: &V2Stage) -> Result<bool, &RawValue> {
    let default = (stage.default_route_settings.as_ref()).and_then(|s| s.logging_level.as_ref());
    let routes = stage.route_settings.values();
    any_logs(
        default
            .into_iter()
            .chain(routes.filter_map(|s| s.logging_level.as_ref())),
    )
}

/// The log group an access log destination names, when it is a CloudWatch Logs ARN
/// (`...:log-group:NAME` or `...:log-group:NAME:*`); Firehose streams are not log groups.
pub fn access_log_group(destination: &str) -> Option<&str> {
    LogGroupArn::parse(destination).map(|arn| arn.name)
}
