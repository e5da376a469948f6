use super::log_sinks::{access_log_group, rest_execution_logging, websocket_execution_logging};
use crate::model::{AccessLogSettings, ProtocolType};
use crate::rules::{Emitter, RegionContext, ResourceRef, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW506",
    metadata: include_str!("../../../rules/logging/GW506-account-cloudwatch-role-missing.toml"),
    check,
};

/// The account's CloudWatch role in this Region, as API Gateway will find it.
enum Role {
    Exists(String),
    /// Why API Gateway cannot write through it.
    Unusable(String),
    /// Why it is unknown whether API Gateway can.
    Unknown(String),
}

fn role_state(ctx: &RegionContext) -> Role {
    let Some(settings) = &ctx.region.account_settings else {
        return Role::Unknown(ctx.reason("GetAccount", None));
    };
    let Some(arn) = settings
        .cloudwatch_role_arn
        .as_deref()
        .filter(|a| !a.is_empty())
    else {
        return Role::Unusable(format!(
            "the API Gateway account settings in {} name no CloudWatch role",
            ctx.scope.region
        ));
    };
    let Some(iam) = ctx.iam() else {
        return Role::Unknown(ctx.reason("GetRole", Some(arn)));
    };
    if iam.missing_role_arns.iter().any(|m| m == arn) {
        return Role::Unusable(format!(
            "the account CloudWatch role {arn} in {} does not exist",
            ctx.scope.region
        ));
    }
    // Role names are unique in an account whatever their path, and the collector looks
    // roles up by name.
    let name = arn
        .split_once(":role/")
        .and_then(|(_, r)| r.rsplit('/').next());
    if iam
        .roles
        .iter()
        .any(|r| r.arn == arn || Some(r.name.as_str()) == name)
    {
        Role::Exists(arn.to_string())
    } else {
        Role::Unknown(ctx.reason("GetRole", Some(arn)))
    }
}

/// What a stage writes through the account role: `Ok(None)` nothing, `Err` undecided.
type Writes = Result<Option<&'static str>, String>;

fn to_cloudwatch(settings: &Option<AccessLogSettings>) -> bool {
    settings
        .as_ref()
        .and_then(|s| s.destination_arn.as_deref())
        .and_then(access_log_group)
        .is_some()
}

fn judge(out: &mut Emitter, target: ResourceRef, writes: Writes, role: &Role) {
    let stage = target.label.clone();
    let what = match &writes {
        Ok(None) => return,
        Ok(Some(what)) => *what,
        Err(_) => "logs (if any)",
    };
    match (role, writes) {
        (Role::Exists(arn), _) => {
            out.pass(
                target,
                format!("{stage} writes {what} through the existing account role {arn}"),
            )
            .evidence("cloudwatch_role_arn", arn);
        }
        (Role::Unusable(why), Ok(_)) => {
            out.fail(
                target,
                format!("{stage} writes {what}, but {why}: the logs are silently dropped"),
            )
            .evidence("writes", what)
            .evidence("account_role", why);
        }
        (Role::Unusable(why), Err(reason)) => {
            out.unknown(
                target,
                format!("{why}, and whether {stage} logs is unknown: {reason}"),
            );
        }
        (Role::Unknown(reason), _) => {
            out.unknown(
                target,
                format!(
                    "{stage} may write {what}, but whether API Gateway can write them \
                     is unknown: {reason}"
                ),
            );
        }
    }
}

/// REST and WebSocket stages write execution logs and CloudWatch access logs through the
/// account role; HTTP APIs use a service-linked role, Firehose destinations their own.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    let role = role_state(ctx);
    let both = "execution and access logs";
    if let Some(apis) = ctx.rest_apis(out) {
        for api in apis {
            for stage in ctx.stages(api, out).unwrap_or_default() {
                let access = to_cloudwatch(&stage.access_log_settings);
                let writes = match (rest_execution_logging(api, stage), access) {
                    (Some(true), true) => Ok(Some(both)),
                    (Some(true), false) => Ok(Some("execution logs")),
                    (_, true) => Ok(Some("access logs")),
                    (Some(false), false) => Ok(None),
                    (None, false) => {
                        Err(ctx.reason("GetResources", Some(&ctx.scope.rest_api(api).arn)))
                    }
                };
                let target = ctx.scope.rest_stage(api, stage);
                judge(out, target, writes, &role);
            }
        }
    }
    if let Some(apis) = ctx.v2_apis(out) {
        for api in apis
            .iter()
            .filter(|a| a.protocol_type == ProtocolType::Websocket)
        {
            for stage in ctx.v2_stages(api, out).unwrap_or_default() {
                let writes = match (
                    websocket_execution_logging(stage),
                    to_cloudwatch(&stage.access_log_settings),
                ) {
                    (true, true) => Some(both),
                    (true, false) => Some("execution logs"),
                    (false, true) => Some("access logs"),
                    (false, false) => None,
                };
                let target = ctx.scope.v2_stage(api, stage);
                judge(out, target, Ok(writes), &role);
            }
        }
    }
}
