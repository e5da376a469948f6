use super::log_sinks::access_log_group;
use super::stages::stages;
use crate::model::{AccessLogSettings, UnknownCause};
use crate::operations as op;
use crate::rules::{Emitter, RegionContext};

rule!(GW506, "logging/GW506-account-cloudwatch-role-missing.toml");

/// The account's CloudWatch role in this Region, as API Gateway will find it.
enum Role {
    Exists(String),
    /// Why API Gateway cannot write through it.
    Unusable(String),
    /// Why it is unknown whether API Gateway can.
    Unknown(String, UnknownCause),
}

fn role_state(ctx: &RegionContext) -> Role {
    let settings = match ctx.account_settings() {
        Ok(settings) => settings,
        Err(reason) => return Role::Unknown(reason, UnknownCause::NotCollected),
    };
    let Some(arn) = settings
        .cloudwatch_role_arn
        .as_deref()
        .filter(|a| !a.is_empty())
    else {
        return Role::Unusable(text!(
            "the API Gateway account settings in {} name no CloudWatch role",
            ctx.scope.region
        ));
    };
    let Some(iam) = ctx.iam() else {
        return Role::Unknown(
            ctx.reason(&op::GET_ROLE, Some(arn)),
            ctx.cause(&op::GET_ROLE, Some(arn)),
        );
    };
    if iam.missing_role_arns.iter().any(|m| m == arn) {
        return Role::Unusable(text!(
            "the account CloudWatch role {arn} in {} does not exist",
            ctx.scope.region
        ));
    }
    // Role names are unique in an account whatever their path, and the collector looks
    // roles up by name; a name says nothing about a role of another account, which may share
    // it with a role of this one.
    let same_account = arn.split(':').nth(4) == Some(ctx.scope.account_id);
    let name = arn
        .split_once(":role/")
        .and_then(|(_, r)| r.rsplit('/').next());
    if iam
        .roles
        .iter()
        .any(|r| r.arn == arn || (same_account && Some(r.name.as_str()) == name))
    {
        Role::Exists(arn.to_string())
    } else {
        Role::Unknown(
            ctx.reason(&op::GET_ROLE, Some(arn)),
            ctx.cause(&op::GET_ROLE, Some(arn)),
        )
    }
}

fn to_cloudwatch(settings: &Option<AccessLogSettings>) -> bool {
    settings
        .as_ref()
        .and_then(|s| s.destination_arn.as_deref())
        .and_then(access_log_group)
        .is_some()
}

/// The stages of the region that write through the account role, and those that may.
struct Writers {
    /// `stage label: what it writes`.
    known: Vec<String>,
    /// `stage label: why it is unknown`.
    undecided: Vec<String>,
    /// Not collected when any undecided stage was not collected (rescanning may tell).
    undecided_cause: UnknownCause,
}

impl Writers {
    fn add(
        &mut self,
        stage: String,
        execution: Result<bool, (String, UnknownCause)>,
        access: bool,
    ) {
        match (execution, access) {
            (Ok(true), true) => self.known.push(text!("{stage}: execution and access logs")),
            (Ok(true), false) => self.known.push(text!("{stage}: execution logs")),
            (_, true) => self.known.push(text!("{stage}: access logs")),
            (Ok(false), false) => {}
            (Err((reason, cause)), false) => {
                self.undecided.push(text!("{stage}: {reason}"));
                self.undecided_cause = self.undecided_cause.min(cause);
            }
        }
    }
}

/// REST and WebSocket stages write execution logs and CloudWatch access logs through the
/// account role; HTTP APIs use a service-linked role, Firehose destinations their own. One
/// result per region: the role is one account setting, however many stages depend on it.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    let mut w = Writers {
        known: Vec::new(),
        undecided: Vec::new(),
        undecided_cause: UnknownCause::NotDeterminable,
    };
    for stage in stages(ctx.rest_stages(out), ctx.websocket_stages(out)) {
        let label = stage.target(ctx).label.clone();
        let access = to_cloudwatch(stage.access_log_settings());
        w.add(label, stage.execution_logging(ctx), access);
    }
    if w.known.is_empty() && w.undecided.is_empty() {
        // Nothing writes through the role: nothing can be dropped.
        return;
    }
    let target = ctx.scope.account_settings();
    match role_state(ctx) {
        Role::Exists(arn) => {
            out.pass(
                target,
                format_args!(
                    "{} stage(s) write logs through the existing account role {arn}",
                    w.known.len() + w.undecided.len()
                ),
            )
            .evidence("cloudwatch_role_arn", arn)
            .evidence("stages", &w.known);
        }
        Role::Unusable(why) if !w.known.is_empty() => {
            out.fail(
                target,
                format_args!(
                    "{why}, yet {} stage(s) write logs through it: those logs are silently \
                     dropped ({})",
                    w.known.len(),
                    w.known.join("; ")
                ),
            )
            .evidence("account_role", why)
            .evidence("stages", &w.known)
            .evidence("undecided", &w.undecided);
        }
        Role::Unusable(why) => {
            out.unknown_because(
                target,
                format_args!(
                    "{why}, and whether any stage logs is unknown: {}",
                    w.undecided.join("; ")
                ),
                w.undecided_cause,
            );
        }
        Role::Unknown(reason, cause) => {
            out.unknown_because(
                target,
                format_args!(
                    "{} stage(s) may write logs, but whether API Gateway can write them is \
                     unknown: {reason}",
                    w.known.len() + w.undecided.len()
                ),
                cause,
            )
            .evidence("stages", &w.known);
        }
    }
}
