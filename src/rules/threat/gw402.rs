use super::attached_acls::{
    action_name, group_mode, judge_attached, undetermined, GroupMode, Verdict,
};
use crate::model::{
    UnknownCause, WafDefaultAction, WafOverrideAction, WafRule, WafRuleAction, WafStatement, WebAcl,
};
use crate::rules::{Emitter, RegionContext};

rule!(GW402, "threat/GW402-waf-acl-ineffective.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    judge_attached(ctx, out, |acl| judge(ctx, acl));
}

/// Whether a rule can stop a request. Under a default Allow an Allow rule changes nothing;
/// CAPTCHA and CHALLENGE stop every client that holds no token, so they enforce.
fn enforces(acl: &WebAcl, rule: &WafRule) -> bool {
    matches!(
        rule.action,
        Some(WafRuleAction::Block | WafRuleAction::Captcha | WafRuleAction::Challenge)
    ) || group_mode(acl, rule) == Some(GroupMode::Blocks)
}

/// What a rule does, in AWS terms, for the evidence.
fn effect(acl: &WebAcl, rule: &WafRule) -> String {
    let what = match (rule.action, group_mode(acl, rule)) {
        (Some(action), _) => action_name(action).to_string(),
        (None, Some(GroupMode::Blocks)) => "rule group actions".to_string(),
        (None, Some(GroupMode::NotRead)) => match rule.statement {
            WafStatement::RuleGroupReference { .. } => {
                "customer rule group (its rules were not collected)".to_string()
            }
            _ => "managed rule group (its rules could not be read)".to_string(),
        },
        (None, Some(GroupMode::Undisclosed)) if rule.override_action.is_none() => {
            "rule group with an override action this gwaudit version does not know".to_string()
        }
        (None, Some(GroupMode::Undisclosed)) => match rule.statement {
            WafStatement::RuleGroupReference { .. } => {
                "customer rule group whose rule actions are not known".to_string()
            }
            _ => "managed rule group whose rule actions are not known".to_string(),
        },
        (None, Some(GroupMode::Counts))
            if rule.override_action == Some(WafOverrideAction::Count) =>
        {
            "rule group overridden to COUNT".to_string()
        }
        (None, Some(GroupMode::Counts))
            if rule.override_action == Some(WafOverrideAction::None) =>
        {
            "rule group whose rules only count or allow".to_string()
        }
        (None, None) => "an action this gwaudit version does not know".to_string(),
        _ => "no action".to_string(),
    };
    text!("{}: {what}", rule.name)
}

fn judge(ctx: &RegionContext, acl: &WebAcl) -> Verdict {
    if acl.default_action == WafDefaultAction::Block {
        return Verdict::pass(text!(
            "web ACL {} blocks by default: only requests its rules allow get through",
            acl.name
        ))
        .with("default_action", acl.default_action);
    }
    let enforcing: Vec<&str> = acl
        .all_rules()
        .filter(|r| enforces(acl, r))
        .map(|r| r.name.as_str())
        .collect();
    if !enforcing.is_empty() {
        return Verdict::pass(text!(
            "web ACL {} can stop requests with {}",
            acl.name,
            enforcing.join(", ")
        ))
        .with("default_action", acl.default_action)
        .with("enforcing_rules", enforcing);
    }
    let effects: Vec<String> = acl.all_rules().map(|r| effect(acl, r)).collect();
    let open_groups: Vec<&WafRule> = acl
        .all_rules()
        .filter(|r| group_mode(acl, r).is_some_and(GroupMode::is_undetermined))
        .collect();
    // A rule that references no group and has no action known to this version (AWS requires
    // one) may block.
    let unknown_actions: Vec<&str> = acl
        .all_rules()
        .filter(|r| r.action.is_none() && group_mode(acl, r).is_none())
        .map(|r| r.name.as_str())
        .collect();
    if !open_groups.is_empty() || !unknown_actions.is_empty() {
        let mut reasons = Vec::new();
        let mut cause = UnknownCause::NotDeterminable;
        if !open_groups.is_empty() {
            let (reason, groups_cause) = undetermined(ctx, acl, &open_groups);
            reasons.push(reason);
            cause = groups_cause;
        }
        if !unknown_actions.is_empty() {
            reasons.push(text!(
                "rule {} has an action this gwaudit version does not know",
                unknown_actions.join(", ")
            ));
        }
        return Verdict::unknown_because(
            text!(
                "web ACL {} has default action ALLOW and no rule that surely blocks; {}",
                acl.name,
                reasons.join("; ")
            ),
            cause,
        )
        .with("default_action", acl.default_action)
        .with("rules", effects);
    }
    let message = if acl.all_rules().next().is_none() {
        text!(
            "web ACL {} has no rules and default action ALLOW: it lets every request through",
            acl.name
        )
    } else {
        text!(
            "web ACL {} has default action ALLOW and none of its rules blocks (they only count \
             or allow): it lets every request through",
            acl.name
        )
    };
    Verdict::fail(message)
        .with("default_action", acl.default_action)
        .with("rules", effects)
}
