use super::plan_throttles::plan_coverage;
use crate::analysis::effective::{effective, is_bounded};
use crate::model::{Method, Resource, ResponseTransferMode, Stage};
use crate::rules::{Emitter, RegionContext};

rule!(GW413, "threat/GW413-streaming-without-throttling.toml");

/// What a method's integration says about streaming.
enum Streams {
    Yes,
    No,
    /// A transfer mode this version does not know: it may stream.
    Maybe(String),
}

fn streams(method: &Method) -> Streams {
    match method
        .integration
        .as_ref()
        .and_then(|i| i.response_transfer_mode.as_ref())
    {
        Some(ResponseTransferMode::Stream) => Streams::Yes,
        Some(ResponseTransferMode::Unknown(raw)) => Streams::Maybe(raw.to_string()),
        _ => Streams::No,
    }
}

/// Whether the stage bounds this method's requests: the method override's rate and burst,
/// else the stage-wide `*/*` ones (each limit resolved on its own, as API Gateway does), both
/// set and not -1.
fn throttled(stage: &Stage, resource: &Resource, method: &Method) -> bool {
    let (p, m) = (&resource.path, &method.http_method);
    let rate = effective(stage, p, m, |s| s.throttling_rate_limit.map(Some), None);
    let burst = effective(stage, p, m, |s| s.throttling_burst_limit.map(Some), None);
    is_bounded(burst.value, rate.value)
}

/// One result per stage with streaming methods: a streamed response can hold its connection
/// for up to 15 minutes, so without a throttle a few clients can keep the account's
/// concurrent connections and the backend busy.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for api in ctx.rest_apis(out) {
        let Some(stages) = ctx.stages(api, out) else {
            continue;
        };
        if ctx.resources(api, out).is_none() {
            continue;
        }
        let streaming: Vec<(&Resource, &Method, Streams)> = api
            .methods()
            .map(|(r, m)| (r, m, streams(m)))
            .filter(|(_, _, s)| !matches!(s, Streams::No))
            .collect();
        if streaming.is_empty() {
            continue;
        }
        for stage in stages {
            let (target, name) = (ctx.scope.rest_stage(api, stage), &stage.stage_name);
            let coverage = ctx
                .usage_plans_or_reason()
                .map(|plans| plan_coverage(plans, api, stage));
            let mut open = Vec::new();
            let mut maybe = Vec::new();
            let mut plans_unknown = None;
            for (r, m, s) in &streaming {
                if throttled(stage, r, m) {
                    continue;
                }
                let covered = match &coverage {
                    Ok(c) => c.covers(r, m),
                    // A plan could only cover a keyed method; one without a key is open.
                    Err(reason) if m.api_key_required => {
                        plans_unknown = Some(reason.clone());
                        continue;
                    }
                    Err(_) => false,
                };
                if covered {
                    continue;
                }
                let label = text!("{} {}", m.http_method, r.path);
                match s {
                    Streams::Maybe(raw) => {
                        maybe.push(text!("{label} (responseTransferMode {raw})"))
                    }
                    _ => open.push(label),
                }
            }
            let n = streaming.len();
            if !open.is_empty() {
                out.fail(
                    target,
                    format_args!(
                        "stage {name} streams responses without a throttle for {}: each \
                         streamed response can hold a connection for up to 15 minutes",
                        open.join(", ")
                    ),
                )
                .evidence("unthrottled_streaming_methods", open)
                .evidence("streaming_methods", n);
            } else if let Some(reason) = plans_unknown {
                out.unknown(
                    target,
                    format_args!(
                        "stage {name} has streaming methods that only a usage plan could \
                         throttle, and usage plans are unknown: {reason}"
                    ),
                );
            } else if !maybe.is_empty() {
                out.undeterminable(
                    target,
                    format_args!(
                        "stage {name} has methods with a response transfer mode this gwaudit \
                         version does not know and no throttle: {}",
                        maybe.join(", ")
                    ),
                );
            } else {
                let which = match n {
                    1 => "its streaming method".to_string(),
                    n => text!("all {n} streaming methods"),
                };
                out.pass(target, format_args!("stage {name} throttles {which}"))
                    .evidence("streaming_methods", n);
            }
        }
    }
}
