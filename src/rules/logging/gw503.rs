use std::collections::BTreeSet;

use super::stages::stages;
use crate::model::{unknown_value_reason, ProtocolType};
use crate::rules::{Emitter, RegionContext};

rule!(GW503, "logging/GW503-access-log-format-incomplete.toml");

/// A field an investigation needs, and the `$context` variables (without the prefix) that
/// supply it.
type Field = (&'static str, &'static [&'static str]);

/// REST APIs: the fields of AWS's CLF default format. REST has no `$context.routeKey`.
const REST_FIELDS: &[Field] = &[
    ("request id", &["requestId", "extendedRequestId"]),
    ("source IP", &["identity.sourceIp"]),
    ("request time", &["requestTime", "requestTimeEpoch"]),
    ("HTTP method", &["httpMethod"]),
    ("path", &["path", "resourcePath"]),
    ("status", &["status"]),
    ("protocol", &["protocol"]),
    ("response length", &["responseLength"]),
];

/// HTTP APIs: the fields of AWS's JSON default format. HTTP APIs document no
/// `$context.resourcePath`: it logs nothing there, so only the path or the route key count.
const HTTP_FIELDS: &[Field] = &[
    ("request id", &["requestId", "extendedRequestId"]),
    ("source IP", &["identity.sourceIp"]),
    ("request time", &["requestTime", "requestTimeEpoch"]),
    ("HTTP method", &["httpMethod"]),
    ("path or route key", &["path", "routeKey"]),
    ("status", &["status"]),
    ("protocol", &["protocol"]),
    ("response length", &["responseLength"]),
];

/// WebSocket APIs have no HTTP method, path, protocol or response length variables: a message
/// is identified by its event type, route and connection (AWS's default WebSocket format).
const WEBSOCKET_FIELDS: &[Field] = &[
    ("request id", &["requestId", "extendedRequestId"]),
    ("source IP", &["identity.sourceIp"]),
    ("request time", &["requestTime", "requestTimeEpoch"]),
    ("event type", &["eventType"]),
    ("route key", &["routeKey"]),
    ("status", &["status"]),
    ("connection id", &["connectionId"]),
];

/// The `$context.` variables a format references. Only the documented `$context.name` form is
/// substituted; a whole name is read so `requestTime` is not found inside `requestTimeEpoch`.
fn variables(format: &str) -> BTreeSet<&str> {
    format
        .split("$context.")
        .skip(1)
        .map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            rest[..end].trim_end_matches('.')
        })
        .collect()
}

/// Only stages that write access logs are judged: a stage without them is GW502's.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for stage in stages(ctx.rest_stages(out), ctx.v2_stages(out)) {
        let Some(settings) = stage
            .access_log_settings()
            .as_ref()
            .filter(|s| s.destination_arn.as_deref().is_some_and(|d| !d.is_empty()))
        else {
            continue;
        };
        let (target, name) = (stage.target(ctx), stage.name());
        let fields = match stage.protocol() {
            None => REST_FIELDS,
            Some(ProtocolType::Http) => HTTP_FIELDS,
            Some(ProtocolType::Websocket) => WEBSOCKET_FIELDS,
            // Which fields its access log can record depends on the protocol.
            Some(ProtocolType::Unknown(raw)) => {
                let why = unknown_value_reason("protocol type", "protocolType", raw);
                out.undeterminable(target, format_args!("stage {name}: {why}"));
                continue;
            }
        };
        let format = settings.format.as_deref().unwrap_or_default();
        let present = variables(format);
        let missing: Vec<String> = fields
            .iter()
            .filter(|(_, vars)| !vars.iter().any(|v| present.contains(v)))
            .map(|(field, vars)| text!("{field} ($context.{})", vars.join(" or $context.")))
            .collect();
        if missing.is_empty() {
            out.pass(
                target,
                format_args!(
                    "the access log format of stage {name} records all {} investigation fields",
                    fields.len()
                ),
            );
            continue;
        }
        let f = out.fail(
            target,
            format_args!(
                "the access log format of stage {name} lacks {}",
                missing.join(", ")
            ),
        );
        f.evidence("missing_fields", &missing)
            .evidence("format", format);
        if format.contains("${context.") {
            f.evidence(
                "note",
                "`${context.name}` is not a documented access log variable form; use `$context.name`",
            );
        }
    }
}
