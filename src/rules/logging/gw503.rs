use std::collections::BTreeSet;

use crate::model::{AccessLogSettings, ProtocolType};
use crate::rules::{Emitter, RegionContext, ResourceRef, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW503",
    metadata: include_str!("../../../rules/logging/GW503-access-log-format-incomplete.toml"),
    check,
};

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

fn judge(
    out: &mut Emitter,
    target: ResourceRef,
    stage: &str,
    settings: Option<&AccessLogSettings>,
    fields: &[Field],
) {
    let Some(settings) =
        settings.filter(|s| s.destination_arn.as_deref().is_some_and(|d| !d.is_empty()))
    else {
        return; // no access logs at all: GW502
    };
    let format = settings.format.as_deref().unwrap_or_default();
    let present = variables(format);
    let missing: Vec<String> = fields
        .iter()
        .filter(|(_, vars)| !vars.iter().any(|v| present.contains(v)))
        .map(|(name, vars)| format!("{name} ($context.{})", vars.join(" or $context.")))
        .collect();
    if missing.is_empty() {
        out.pass(
            target,
            format!(
                "the access log format of stage {stage} records all {} investigation fields",
                fields.len()
            ),
        );
        return;
    }
    let f = out.fail(
        target,
        format!(
            "the access log format of stage {stage} lacks {}",
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

fn check(ctx: &RegionContext, out: &mut Emitter) {
    {
        let apis = ctx.rest_apis(out);
        for api in apis {
            for stage in ctx.stages(api, out).unwrap_or_default() {
                judge(
                    out,
                    ctx.scope.rest_stage(api, stage),
                    &stage.stage_name,
                    stage.access_log_settings.as_ref(),
                    REST_FIELDS,
                );
            }
        }
    }
    {
        let apis = ctx.v2_apis(out);
        for api in apis {
            let fields = match api.protocol_type {
                ProtocolType::Http => HTTP_FIELDS,
                ProtocolType::Websocket => WEBSOCKET_FIELDS,
            };
            for stage in ctx.api_v2_stages(api, out).unwrap_or_default() {
                judge(
                    out,
                    ctx.scope.v2_stage(api, stage),
                    &stage.stage_name,
                    stage.access_log_settings.as_ref(),
                    fields,
                );
            }
        }
    }
}
