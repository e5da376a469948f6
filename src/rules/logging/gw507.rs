use std::collections::BTreeMap;

use super::log_sinks::execution_log_group;
use super::stages::stages;
use crate::model::{AccessLogSettings, LogGroup, LogGroupArn, UnknownCause};
use crate::rules::{Emitter, Finding, RegionContext, ResourceRef};

rule!(GW507, "logging/GW507-api-log-group-unprotected.toml");

/// One log group stages write to, keyed by name.
#[derive(Default)]
struct Target {
    arn: String,
    access: bool,
    execution: bool,
    writers: Vec<String>,
    /// Why a stage's execution logging could not be decided, and whether rescanning may tell.
    undecided: Option<(String, UnknownCause)>,
    /// Set for a destination in another Region or account: the log groups collected here
    /// (looked up by name in this Region) say nothing about it.
    elsewhere: Option<String>,
}

impl Target {
    fn at<'a>(
        targets: &'a mut BTreeMap<String, Target>,
        name: &str,
        arn: impl FnOnce() -> String,
    ) -> &'a mut Target {
        let t = targets.entry(name.to_string()).or_default();
        if t.arn.is_empty() {
            t.arn = arn();
        }
        t
    }
}

fn add_access(
    ctx: &RegionContext,
    targets: &mut BTreeMap<String, Target>,
    settings: &Option<AccessLogSettings>,
    label: &str,
) {
    let Some(dest) = settings.as_ref().and_then(|s| s.destination_arn.as_deref()) else {
        return;
    };
    let Some(group) = LogGroupArn::parse(dest) else {
        return; // Firehose and other non-log-group destinations
    };
    let (name, arn) = (group.name, group.to_string());
    let local = group.region == ctx.scope.region && group.account == ctx.scope.account_id;
    // A group of another Region or account is keyed by its ARN: a same-named group here is
    // another group.
    let key = if local { name } else { &arn };
    let t = Target::at(targets, key, || arn.to_string());
    t.access = true;
    t.writers.push(text!("{label} (access logs)"));
    if !local {
        t.elsewhere = Some(text!(
            "the destination is in Region {} of account {}, and only the log groups of {} in \
             account {} were collected",
            group.region,
            group.account,
            ctx.scope.region,
            ctx.scope.account_id
        ));
    }
}

/// `logging`: whether the stage logs executions, or why that is unknown.
fn add_execution(
    ctx: &RegionContext,
    targets: &mut BTreeMap<String, Target>,
    api_id: &str,
    stage: &str,
    label: &str,
    logging: Result<bool, (String, UnknownCause)>,
) {
    if logging == Ok(false) {
        return;
    }
    let name = execution_log_group(api_id, stage);
    let t = Target::at(targets, &name, || {
        let s = &ctx.scope;
        text!(
            "arn:{}:logs:{}:{}:log-group:{name}",
            s.partition,
            s.region,
            s.account_id
        )
    });
    match logging {
        Ok(_) => {
            t.execution = true;
            t.writers.push(text!("{label} (execution logs)"));
        }
        Err(reason) => t.undecided = Some(reason),
    }
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let mut targets: BTreeMap<String, Target> = BTreeMap::new();
    for stage in stages(ctx.rest_stages(out), ctx.v2_stages(out)) {
        let label = stage.target(ctx).label.clone();
        add_access(ctx, &mut targets, stage.access_log_settings(), &label);
        let logging = stage.execution_logging(ctx).map_err(|(reason, cause)| {
            let why = text!("whether {label} logs executions is unknown: {reason}");
            (why, cause)
        });
        let (api_id, name) = (stage.api_id(), stage.name());
        add_execution(ctx, &mut targets, api_id, name, &label, logging);
    }
    // By name: a large account has a log group per stage, and a search of the list per group
    // would be quadratic. The first of a repeated name wins, as a search would have it.
    let groups = ctx.log_groups().map(|groups| {
        groups
            .iter()
            .rev()
            .map(|g| (g.name.as_str(), g))
            .collect::<std::collections::HashMap<_, _>>()
    });
    for (name, t) in &targets {
        let target = ctx
            .scope
            .external("logs", &t.arn, text!("log group {name}"));
        if !t.access && !t.execution {
            let (why, cause) = (t.undecided.clone())
                .unwrap_or_else(|| (String::new(), UnknownCause::NotCollected));
            out.unknown_because(target, format_args!("log group {name}: {why}"), cause);
            continue;
        }
        // Every other result names the stages that write to the group.
        let f = match (&t.elsewhere, &groups) {
            (Some(why), _) => out.undeterminable(
                target,
                format_args!("access log destination {name} could not be inspected: {why}"),
            ),
            (None, Err(reason)) => out.unknown(
                target,
                format_args!("log group {name} could not be inspected: {reason}"),
            ),
            (None, Ok(groups)) => judge(out, target, name, t, groups.get(name.as_str()).copied()),
        };
        f.evidence("written_by", &t.writers);
    }
}

fn judge<'o>(
    out: &'o mut Emitter,
    target: ResourceRef,
    name: &str,
    t: &Target,
    group: Option<&LogGroup>,
) -> &'o mut Finding {
    let writers = t.writers.join(", ");
    let Some(g) = group else {
        let message = if t.access {
            text!(
                "access log destination {name} does not exist: access logs are dropped \
                 (written by {writers})"
            )
        } else {
            text!(
                "execution log group {name} does not exist yet: API Gateway creates it itself, \
                 with no retention and no KMS key ({writers})"
            )
        };
        return out
            .fail(target, message)
            .evidence("log_group", name)
            .evidence("exists", false);
    };
    let mut problems = Vec::new();
    if g.retention_in_days.is_none() {
        problems.push("no retention (logs never expire)");
    }
    if g.kms_key_id.is_none() {
        problems.push("no KMS key");
    }
    let f = if problems.is_empty() {
        out.pass(
            target,
            format_args!(
                "log group {name} keeps logs {} days, encrypted with {}",
                g.retention_in_days.unwrap_or_default(),
                g.kms_key_id.as_deref().unwrap_or_default()
            ),
        )
    } else {
        out.fail(
            target,
            format_args!(
                "log group {name} has {}; written by {writers}",
                problems.join(" and ")
            ),
        )
        .evidence("problems", &problems)
    };
    f.evidence("retention_in_days", g.retention_in_days)
        .evidence("kms_key_id", &g.kms_key_id)
}
