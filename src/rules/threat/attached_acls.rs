//! The web ACLs REST stages use in a region, for the rules that judge an ACL's contents
//! (GW402-GW405): one result per ACL however many stages share it, so a shared ACL is
//! reported and fixed once.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::model::{UnknownCause, WafOverrideAction, WafRule, WafRuleAction, WafStatement, WebAcl};
use crate::rules::{Emitter, RegionContext, Status};

/// A rule's verdict on one web ACL; the stages using it are added by [`judge_attached`].
pub(super) struct Verdict {
    status: Status,
    cause: UnknownCause,
    message: String,
    evidence: Vec<(&'static str, Value)>,
}

impl Verdict {
    pub fn pass(message: impl Into<String>) -> Self {
        Self::new(Status::Pass, message.into())
    }

    pub fn fail(message: impl Into<String>) -> Self {
        Self::new(Status::Fail, message.into())
    }

    pub fn unknown(message: impl Into<String>) -> Self {
        Self::new(Status::Unknown, message.into())
    }

    /// Unknown because what decides it cannot be read (a rule group's contents).
    pub fn undeterminable(message: impl Into<String>) -> Self {
        Self::unknown_because(message, UnknownCause::NotDeterminable)
    }

    pub fn unknown_because(message: impl Into<String>, cause: UnknownCause) -> Self {
        Verdict {
            cause,
            ..Self::new(Status::Unknown, message.into())
        }
    }

    fn new(status: Status, message: String) -> Self {
        Verdict {
            status,
            cause: UnknownCause::NotCollected,
            message,
            evidence: Vec::new(),
        }
    }

    pub fn with(mut self, key: &'static str, value: impl Serialize) -> Self {
        self.evidence
            .push((key, serde_json::to_value(value).unwrap_or(Value::Null)));
        self
    }
}

/// The AWS spelling of a rule action.
pub(super) fn action_name(action: WafRuleAction) -> &'static str {
    match action {
        WafRuleAction::Allow => "ALLOW",
        WafRuleAction::Block => "BLOCK",
        WafRuleAction::Count => "COUNT",
        WafRuleAction::Captcha => "CAPTCHA",
        WafRuleAction::Challenge => "CHALLENGE",
    }
}

/// How a rule that references a rule group treats the requests its rules match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupMode {
    Blocks,
    Counts,
    /// Whether any of the group's rules blocks depends on its rule list, which is not in the
    /// snapshot: a managed group with rules overridden to count (gwaudit does not read managed
    /// groups' rules), or a customer rule group whose `GetRuleGroup` failed.
    Undetermined,
}

/// A lower bound of the blocking rules of AWS managed groups across their versions (AWS
/// managed rule groups documentation): fewer count overrides than this leave part of the
/// group blocking. For any other group a single override may have silenced all of it.
const BLOCKING_RULES_AT_LEAST: [(&str, usize); 3] = [
    ("AWSManagedRulesCommonRuleSet", 15),
    ("AWSManagedRulesKnownBadInputsRuleSet", 3),
    ("AWSManagedRulesAmazonIpReputationList", 2),
];

/// `None` for rules that do not reference a rule group. The WAF console's "override all rule
/// actions to Count" keeps the override action NONE and overrides each rule, so NONE alone
/// does not mean the group blocks.
pub(super) fn group_mode(acl: &WebAcl, rule: &WafRule) -> Option<GroupMode> {
    let in_none_mode = rule.override_action == Some(WafOverrideAction::None);
    let counted: BTreeSet<&str> = rule.statement.rules_not_blocking().into_iter().collect();
    let (vendor, name) = match &rule.statement {
        WafStatement::ManagedRuleGroup {
            vendor_name, name, ..
        } => (vendor_name, name),
        // A customer group's own rules decide: it may hold only Count rules, or none at all
        // (Shield Advanced's automatic mitigation group is empty outside an attack).
        WafStatement::RuleGroupReference { arn, .. } => {
            if !in_none_mode {
                return Some(GroupMode::Counts);
            }
            return Some(match acl.rule_group(arn) {
                None => GroupMode::Undetermined,
                Some(group) => {
                    // CAPTCHA and CHALLENGE stop every client without a token, as a top-level
                    // rule with those actions does.
                    let blocks = group.rules.iter().any(|r| {
                        matches!(
                            rule.statement.effective_action(r),
                            Some(
                                WafRuleAction::Block
                                    | WafRuleAction::Captcha
                                    | WafRuleAction::Challenge
                            )
                        )
                    });
                    if blocks {
                        GroupMode::Blocks
                    } else {
                        GroupMode::Counts
                    }
                }
            });
        }
        _ => return None,
    };
    if !in_none_mode {
        return Some(GroupMode::Counts);
    }
    if counted.is_empty() {
        return Some(GroupMode::Blocks);
    }
    let bound = BLOCKING_RULES_AT_LEAST
        .iter()
        .find(|(group, _)| vendor == "AWS" && *group == name)
        .map_or(0, |(_, n)| *n);
    Some(if counted.len() < bound {
        GroupMode::Blocks
    } else {
        GroupMode::Undetermined
    })
}

/// The cause of an undetermined verdict over `groups`: a customer group whose rules failed
/// to collect is a gap a rescan can fill; a managed group's rules are not read at all.
pub(super) fn undetermined_cause(groups: &[&WafRule]) -> UnknownCause {
    if groups
        .iter()
        .any(|r| matches!(r.statement, WafStatement::RuleGroupReference { .. }))
    {
        UnknownCause::NotCollected
    } else {
        UnknownCause::NotDeterminable
    }
}

/// Why an undetermined group cannot be judged, for `unknown` messages: the group, and the
/// call that would list its rules. gwaudit does not make that call yet, so the message says so
/// instead of citing it as a failed call.
pub(super) fn undetermined_reason(groups: &[&WafRule]) -> String {
    let mut names = Vec::new();
    let mut operations = BTreeSet::new();
    let mut customer = false;
    for rule in groups {
        match &rule.statement {
            WafStatement::ManagedRuleGroup { name, .. } => {
                let counted = rule.statement.rules_not_blocking();
                let counted = counted.iter().collect::<BTreeSet<_>>();
                names.push(format!(
                    "{name} ({} rules overridden to count or allow)",
                    counted.len()
                ));
                operations.insert("DescribeManagedRuleGroup");
            }
            _ => {
                names.push(format!("customer rule group {}", rule.name));
                customer = true;
            }
        }
    }
    let mut reasons: Vec<String> = operations.into_iter().map(rule_group_not_read).collect();
    if customer {
        reasons.push(
            "the customer group's rules were not collected (wafv2:GetRuleGroup failed; the \
             collection errors say why)"
                .into(),
        );
    }
    format!(
        "whether {} blocks depends on the group's rule list: {}",
        names.join(", "),
        reasons.join("; ")
    )
}

/// Web ACL ARN to the labels of the stages using it. An API whose stages were not collected is
/// `unknown`: it may use ACLs this walk cannot see.
fn attached<'a>(ctx: &RegionContext<'a>, out: &mut Emitter) -> BTreeMap<&'a str, Vec<String>> {
    let mut acls: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (api, stage) in ctx.rest_stages(out) {
        if let Some(arn) = stage.web_acl_arn.as_deref() {
            let label = ctx.scope.rest_stage(api, stage).label.clone();
            acls.entry(arn).or_default().push(label);
        }
    }
    acls
}

/// `regional/webacl/{name}/{id}`: the name, for labelling an ACL that failed to collect.
fn name_from_arn(arn: &str) -> &str {
    arn.rsplit(':')
        .next()
        .and_then(|res| res.split('/').nth(2))
        .unwrap_or(arn)
}

/// Runs `judge` on every web ACL a REST stage uses; an ACL missing from the snapshot is
/// `unknown`, citing the `GetWebACL` failure.
pub(super) fn judge_attached(
    ctx: &RegionContext,
    out: &mut Emitter,
    judge: impl Fn(&WebAcl) -> Verdict,
) {
    for (arn, stages) in attached(ctx, out) {
        let (name, verdict) = match ctx.web_acl(arn) {
            Ok(acl) => (acl.name.as_str(), judge(acl)),
            Err(reason) => (
                name_from_arn(arn),
                Verdict::unknown(format!("web ACL could not be read: {reason}")),
            ),
        };
        let target = ctx.scope.external("wafv2", arn, format!("web ACL {name}"));
        let message = format!("{} (used by {})", verdict.message, stages.join(", "));
        let f = match verdict.status {
            Status::Pass => out.pass(target, message),
            Status::Fail => out.fail(target, message),
            Status::Unknown => out.unknown_because(target, message, verdict.cause),
        };
        for (key, value) in verdict.evidence {
            f.evidence(key, value);
        }
        f.evidence("stages", stages);
    }
}

/// The unknown's reason when a rule group's contents would decide: `operation` lists them, but
/// this version of gwaudit does not call it.
pub(super) fn rule_group_not_read(operation: &str) -> String {
    format!("gwaudit does not read rule group contents ({operation} is not called)")
}
