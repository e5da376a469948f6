//! The web ACLs REST stages use in a region, for the rules that judge an ACL's contents
//! (GW402-GW405): one result per ACL however many stages share it, so a shared ACL is
//! reported and fixed once.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::model::{
    managed_group_id, ManagedRuleGroup, UnknownCause, WafOverrideAction, WafRule, WafRuleAction,
    WafStatement, WebAcl,
};
use crate::operations as op;
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
    /// Whether any of the group's rules blocks depends on its rule list, which was not read:
    /// a customer group whose `GetRuleGroup` failed, or a managed group whose
    /// `DescribeManagedRuleGroup` failed (or a snapshot older than the call), unless it is an
    /// AWS baseline group with fewer rules overridden than it is documented to block with.
    NotRead,
    /// The rule list was read and cannot tell: a managed group whose vendor lists no rules, or
    /// a group none of whose rules surely blocks while one carries, or is overridden to, an
    /// action gwaudit does not know.
    Undisclosed,
}

impl GroupMode {
    pub fn is_undetermined(self) -> bool {
        matches!(self, GroupMode::NotRead | GroupMode::Undisclosed)
    }
}

/// CAPTCHA and CHALLENGE stop every client without a token, as a top-level rule with those
/// actions does.
fn enforcing(action: Option<WafRuleAction>) -> bool {
    matches!(
        action,
        Some(WafRuleAction::Block | WafRuleAction::Captcha | WafRuleAction::Challenge)
    )
}

/// A lower bound of the blocking rules of AWS managed groups across their versions (AWS
/// managed rule groups documentation), used only when a group's rules could not be read:
/// fewer count overrides than this leave part of the group blocking. Of any other group
/// nothing is documented: unread, it may block nothing, whatever the reference overrides.
const BLOCKING_RULES_AT_LEAST: [(&str, usize); 3] = [
    ("AWSManagedRulesCommonRuleSet", 15),
    ("AWSManagedRulesKnownBadInputsRuleSet", 3),
    ("AWSManagedRulesAmazonIpReputationList", 2),
];

/// `None` for rules that do not reference a rule group. The WAF console's "override all rule
/// actions to Count" keeps the override action NONE and overrides each rule, so NONE alone
/// does not mean the group blocks: the group's own rules, with the reference's overrides
/// applied, decide.
pub(super) fn group_mode(acl: &WebAcl, rule: &WafRule) -> Option<GroupMode> {
    let in_none_mode = rule.override_action == Some(WafOverrideAction::None);
    let is_group = matches!(
        rule.statement,
        WafStatement::RuleGroupReference { .. } | WafStatement::ManagedRuleGroup { .. }
    );
    // A group reference always carries an override action: one this version does not know
    // (recorded by the collector) is neither counting nor blocking.
    if is_group && rule.override_action.is_none() {
        return Some(GroupMode::Undisclosed);
    }
    match &rule.statement {
        // A customer group's own rules decide: it may hold only Count rules, or none at all
        // (Shield Advanced's automatic mitigation group is empty outside an attack).
        WafStatement::RuleGroupReference { arn, .. } => Some(if !in_none_mode {
            GroupMode::Counts
        } else {
            match acl.rule_group(arn) {
                None => GroupMode::NotRead,
                // An empty group blocks nothing, unlike a managed group listing no rules,
                // which only says the vendor does not disclose them.
                Some(group) => mode_of(
                    group
                        .rules
                        .iter()
                        .map(|r| rule.statement.effective_action(r)),
                ),
            }
        }),
        WafStatement::ManagedRuleGroup {
            vendor_name, name, ..
        } => Some(if !in_none_mode {
            GroupMode::Counts
        } else {
            match acl.managed_rule_group(&rule.statement) {
                Some(group) => managed_mode(rule, group),
                None => unread_managed_mode(rule, vendor_name, name),
            }
        }),
        _ => None,
    }
}

/// A group whose rules take `actions` once the reference's overrides apply: a rule still
/// enforcing makes it block; else a rule whose action is not known (the rule's own, or the
/// override's) leaves it open, since that rule may block; else it only counts or allows.
fn mode_of(actions: impl IntoIterator<Item = Option<WafRuleAction>>) -> GroupMode {
    let mut open = false;
    for action in actions {
        if enforcing(action) {
            return GroupMode::Blocks;
        }
        open |= action.is_none();
    }
    if open {
        GroupMode::Undisclosed
    } else {
        GroupMode::Counts
    }
}

/// A described managed group in NONE mode, judged by [`mode_of`]; the API cannot tell when
/// the vendor lists no rules.
fn managed_mode(reference: &WafRule, group: &ManagedRuleGroup) -> GroupMode {
    if group.rules.is_empty() {
        return GroupMode::Undisclosed;
    }
    mode_of(
        group
            .rules
            .iter()
            .map(|r| reference.statement.overridden_action(&r.name, r.action)),
    )
}

/// A managed group in NONE mode whose rules were not read: it surely blocks only when it is
/// an AWS baseline group with fewer rules overridden to count or allow than it is documented
/// to block with. Nothing is known of any other group's own actions (a vendor's group may only
/// count or label), so even with nothing overridden it may block nothing.
fn unread_managed_mode(reference: &WafRule, vendor: &str, name: &str) -> GroupMode {
    // A rule overridden to an action this version does not know may no longer block either.
    let counted: BTreeSet<&str> = reference
        .statement
        .rules_not_blocking()
        .into_iter()
        .chain(
            reference
                .statement
                .rules_overridden_to_unknown()
                .iter()
                .map(String::as_str),
        )
        .collect();
    let bound = BLOCKING_RULES_AT_LEAST
        .iter()
        .find(|(group, _)| vendor == "AWS" && *group == name)
        .map_or(0, |(_, n)| *n);
    if bound > 0 && counted.len() < bound {
        GroupMode::Blocks
    } else {
        GroupMode::NotRead
    }
}

/// Why the undetermined groups among `groups` cannot be judged, with the cause: a group whose
/// rules were not read names the call that failed (a rescan with the permission fills it); a
/// managed group whose description does not tell is not determinable.
pub(super) fn undetermined(
    ctx: &RegionContext,
    acl: &WebAcl,
    groups: &[&WafRule],
) -> (String, UnknownCause) {
    let mut names = Vec::new();
    let mut reasons = Vec::new();
    let mut cause = UnknownCause::NotDeterminable;
    for rule in groups {
        let mode = group_mode(acl, rule);
        match &rule.statement {
            WafStatement::RuleGroupReference { arn, .. } => {
                names.push(text!("customer rule group {}", rule.name));
                if mode == Some(GroupMode::Undisclosed) {
                    reasons.push(open_actions(acl, rule));
                } else {
                    reasons.push(text!(
                        "its rules were not collected ({})",
                        ctx.reason(&op::GET_RULE_GROUP, Some(arn))
                    ));
                    cause = cause.min(ctx.cause(&op::GET_RULE_GROUP, Some(arn)));
                }
            }
            WafStatement::ManagedRuleGroup {
                vendor_name,
                name,
                version,
                ..
            } => {
                let counted: BTreeSet<&str> =
                    rule.statement.rules_not_blocking().into_iter().collect();
                let mut overridden = Vec::new();
                if !counted.is_empty() {
                    overridden.push(text!(
                        "{} rules overridden to count or allow",
                        counted.len()
                    ));
                }
                let unknown = rule.statement.rules_overridden_to_unknown().len();
                if unknown > 0 {
                    overridden.push(text!(
                        "{unknown} overridden to an action this gwaudit version does not know"
                    ));
                }
                names.push(if overridden.is_empty() {
                    name.clone()
                } else {
                    text!("{name} ({})", overridden.join(", "))
                });
                if mode == Some(GroupMode::Undisclosed) {
                    reasons.push(open_actions(acl, rule));
                } else {
                    let id = managed_group_id(vendor_name, name, version.as_deref());
                    let op = &op::DESCRIBE_MANAGED_RULE_GROUP;
                    let this = ctx.cause(op, Some(&id));
                    // A version WAF refuses for good is no collection gap.
                    let what = match this {
                        UnknownCause::NotCollected => "was not collected",
                        UnknownCause::NotDeterminable => "cannot be read",
                    };
                    reasons.push(text!(
                        "its rule list {what} ({})",
                        ctx.reason(op, Some(&id))
                    ));
                    cause = cause.min(this);
                }
            }
            _ => {}
        }
    }
    let message = text!(
        "whether {} blocks depends on the group's rule list: {}",
        names.join(", "),
        reasons.join("; ")
    );
    (message, cause)
}

/// What a read group leaves open, for the unknown's message: the rules the reference
/// overrides to an action this version does not know, and those whose own action is not known
/// (a managed group's vendor decides what `DescribeManagedRuleGroup` discloses).
fn open_actions(acl: &WebAcl, reference: &WafRule) -> String {
    if reference.override_action.is_none() {
        return text!(
            "rule `{}` runs the group with an override action this gwaudit version does not \
             know, so neither its rules' actions nor a count override can be assumed",
            reference.name
        );
    }
    let customer = matches!(reference.statement, WafStatement::RuleGroupReference { .. });
    let own: Vec<(&str, Option<WafRuleAction>)> = match &reference.statement {
        WafStatement::RuleGroupReference { arn, .. } => acl
            .rule_group(arn)
            .map(|g| {
                g.rules
                    .iter()
                    .map(|r| (r.name.as_str(), r.action))
                    .collect()
            })
            .unwrap_or_default(),
        _ => match acl.managed_rule_group(&reference.statement) {
            Some(group) if group.rules.is_empty() => {
                return "DescribeManagedRuleGroup lists no rules for the group (the vendor \
                        decides what it discloses)"
                    .into();
            }
            Some(group) => group
                .rules
                .iter()
                .map(|r| (r.name.as_str(), r.action))
                .collect(),
            None => Vec::new(),
        },
    };
    let overridden = reference.statement.rules_overridden_to_unknown();
    let (by_override, by_rule): (Vec<&str>, Vec<&str>) = own
        .iter()
        .filter(|(name, action)| {
            reference
                .statement
                .overridden_action(name, *action)
                .is_none()
        })
        .map(|(name, _)| *name)
        .partition(|name| overridden.iter().any(|o| o == name));
    let mut parts = Vec::new();
    if !by_override.is_empty() {
        parts.push(text!(
            "the reference overrides {} to an action this gwaudit version does not know",
            by_override.join(", ")
        ));
    }
    if !by_rule.is_empty() && customer {
        let (rules, have) = if by_rule.len() == 1 {
            ("rule", "has")
        } else {
            ("rules", "have")
        };
        parts.push(text!(
            "its {rules} {} {have} an action this gwaudit version does not know",
            by_rule.join(", ")
        ));
    } else if !by_rule.is_empty() {
        parts.push(text!(
            "DescribeManagedRuleGroup lists no action for {} (the vendor decides what it \
             discloses)",
            by_rule.join(", ")
        ));
    }
    parts.join("; ")
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
                Verdict::unknown(text!("web ACL could not be read: {reason}")),
            ),
        };
        let target = ctx.scope.external("wafv2", arn, text!("web ACL {name}"));
        let message = text!("{} (used by {})", verdict.message, stages.join(", "));
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
