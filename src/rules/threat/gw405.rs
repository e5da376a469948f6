use super::attached_acls::{judge_attached, Verdict};
use crate::model::WebAcl;
use crate::operations as op;
use crate::rules::{Emitter, RegionContext};

rule!(GW405, "threat/GW405-waf-acl-logging-disabled.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    judge_attached(ctx, out, |acl| judge(ctx, acl));
}

fn judge(ctx: &RegionContext, acl: &WebAcl) -> Verdict {
    match &acl.logging_destinations {
        None => Verdict::unknown(text!(
            "logging of web ACL {} is unknown: {}",
            acl.name,
            ctx.reason(&op::GET_LOGGING_CONFIGURATION, Some(&acl.arn))
        )),
        Some(d) if d.is_empty() => Verdict::fail(text!(
            "web ACL {} has no logging configuration: blocked and allowed requests leave no record",
            acl.name
        ))
        .with("logging_destinations", d),
        Some(d) => Verdict::pass(text!("web ACL {} logs to {}", acl.name, d.join(", ")))
            .with("logging_destinations", d),
    }
}
