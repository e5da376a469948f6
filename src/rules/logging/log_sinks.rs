//! Where REST and WebSocket stages send logs in CloudWatch Logs, shared by GW506 (is the
//! account role needed?) and GW507 (which log groups to judge).

use crate::analysis::effective::{default_route, effective, stage_wide};
use crate::model::{LogGroupArn, LoggingLevel, RestApi, Stage, V2Stage};

pub use crate::model::execution_log_group;

fn logs(level: Option<LoggingLevel>) -> bool {
    matches!(level, Some(LoggingLevel::Error | LoggingLevel::Info))
}

/// Whether some method of the stage writes execution logs; `None` when that depends on
/// methods that were not collected.
pub fn rest_execution_logging(api: &RestApi, stage: &Stage) -> Option<bool> {
    let wide = stage_wide(stage).and_then(|s| s.logging_level);
    let Some(resources) = &api.resources else {
        // Without the method list only the settings themselves can decide.
        let any_on = stage
            .method_settings
            .values()
            .any(|s| logs(s.logging_level));
        let any_off = stage
            .method_settings
            .iter()
            .any(|(k, s)| k != "*/*" && s.logging_level == Some(LoggingLevel::Off));
        return match (any_on, logs(wide) && !any_off) {
            (false, _) => Some(false),
            (true, true) => Some(true),
            (true, false) => None,
        };
    };
    if resources.iter().all(|r| r.methods.is_empty()) {
        return Some(logs(wide));
    }
    Some(api.methods().any(|(r, m)| {
        let level = effective(
            stage,
            &r.path,
            &m.http_method,
            |s| s.logging_level,
            LoggingLevel::Off,
        );
        logs(Some(level.value))
    }))
}

/// A WebSocket stage logs when its default or any route override is ERROR or INFO.
pub fn websocket_execution_logging(stage: &V2Stage) -> bool {
    logs(default_route(stage, |s| s.logging_level))
        || stage.route_settings.values().any(|s| logs(s.logging_level))
}

/// The log group an access log destination names, when it is a CloudWatch Logs ARN
/// (`...:log-group:NAME` or `...:log-group:NAME:*`); Firehose streams are not log groups.
pub fn access_log_group(destination: &str) -> Option<&str> {
    LogGroupArn::parse(destination).map(|arn| arn.name)
}
