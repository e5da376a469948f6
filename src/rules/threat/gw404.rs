use super::attached_acls::{action_name, judge_attached, Verdict};
use crate::model::{
    GroupRun, RuleGroup, UnknownCause, WafRule, WafRuleAction, WafStatement, WebAcl,
};
use crate::rules::{Emitter, RegionContext};

rule!(GW404, "threat/GW404-waf-acl-no-rate-rule.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    judge_attached(ctx, out, judge);
}

fn judge(acl: &WebAcl) -> Verdict {
    let rate_rules: Vec<(&str, i64, Option<WafRuleAction>)> = acl
        .all_rules()
        .filter_map(|r| match &r.statement {
            WafStatement::RateBased { limit, .. } => Some((r.name.as_str(), *limit, r.action)),
            _ => None,
        })
        .collect();
    // Only BLOCK caps a client. COUNT only measures; CAPTCHA and CHALLENGE let any client that
    // holds a solved token (a headless browser or a solving service gets one) through at any
    // rate for the token's immunity time.
    if let Some((name, limit, _)) = rate_rules
        .iter()
        .find(|(_, _, action)| *action == Some(WafRuleAction::Block))
    {
        return Verdict::pass(text!(
            "web ACL {} blocks clients above {limit} requests per evaluation window (rule {name})",
            acl.name
        ))
        .with("rate_rule", name)
        .with("limit", limit);
    }
    // A rate-based rule may sit directly in a customer rule group the ACL runs in NONE mode:
    // it caps clients unless the reference overrides it.
    let groups: Vec<(&WafRule, GroupRun)> = acl.customer_groups().collect();
    let read: Vec<(&WafRule, &RuleGroup)> = groups
        .iter()
        .filter_map(|(r, run)| match run {
            GroupRun::Read(group) => Some((*r, *group)),
            _ => None,
        })
        .collect();
    for (reference, group) in &read {
        // Only BLOCK caps, whether the group's own or an override's (a rule overridden to
        // CAPTCHA or CHALLENGE lets token holders through at any rate).
        let capping = group.rules.iter().find_map(|r| match r.statement {
            WafStatement::RateBased { limit, .. }
                if reference.statement.effective_action(r) == Some(WafRuleAction::Block) =>
            {
                Some((r.name.as_str(), limit))
            }
            _ => None,
        });
        if let Some((name, limit)) = capping {
            return Verdict::pass(text!(
                "web ACL {} blocks clients above {limit} requests per evaluation window (rule \
                 {name} of rule group {})",
                acl.name,
                group.name
            ))
            .with("rate_rule", name)
            .with("rule_group", &group.name)
            .with("limit", limit);
        }
    }
    // A rate-based rule whose action, its own or the reference's override, this version does
    // not know may cap clients.
    let mut unknown_actions: Vec<String> = rate_rules
        .iter()
        .filter(|(_, _, action)| action.is_none())
        .map(|(name, _, _)| name.to_string())
        .collect();
    for (reference, group) in &read {
        unknown_actions.extend(
            group
                .rules
                .iter()
                .filter(|r| {
                    matches!(r.statement, WafStatement::RateBased { .. })
                        && reference.statement.effective_action(r).is_none()
                })
                .map(|r| text!("{} of rule group {}", r.name, group.name)),
        );
    }
    // A customer group run with an override action this version does not know (the
    // collector does not read such a group) may hold a rate rule that caps.
    unknown_actions.extend(
        groups
            .iter()
            .filter(|(_, run)| matches!(run, GroupRun::UnknownOverride))
            .map(|(r, _)| {
                text!(
                    "the customer rule group run by rule {} (its override action)",
                    r.name
                )
            }),
    );
    let unread: Vec<&str> = groups
        .iter()
        .filter(|(_, run)| matches!(run, GroupRun::NotRead(_)))
        .map(|(r, _)| r.name.as_str())
        .collect();
    if !unread.is_empty() {
        return Verdict::unknown(text!(
            "web ACL {} has no rate-based rule that blocks among what was read; whether \
             customer rule group {} holds one is unknown: its rules were not collected \
             (wafv2:GetRuleGroup failed; the collection errors say why)",
            acl.name,
            unread.join(", ")
        ))
        .with("rate_rules", described(&rate_rules))
        .with("customer_rule_groups", unread);
    }
    if !unknown_actions.is_empty() {
        return Verdict::unknown_because(
            text!(
                "web ACL {} has no rate-based rule that surely blocks; whether {} caps clients \
                 depends on an action this gwaudit version does not know",
                acl.name,
                unknown_actions.join(", ")
            ),
            UnknownCause::NotDeterminable,
        )
        .with("rate_rules", described(&rate_rules))
        .with("unknown_actions", unknown_actions);
    }
    if rate_rules.is_empty() {
        return Verdict::fail(text!(
            "web ACL {} has no rate-based rule: a single client can flood the API",
            acl.name
        ))
        .with("rate_rules", Vec::<String>::new());
    }
    let described = described(&rate_rules);
    Verdict::fail(text!(
        "web ACL {} has no blocking rate-based rule: {}",
        acl.name,
        described.join(", ")
    ))
    .with("rate_rules", described)
}

/// `name: ACTION above limit` for each rate-based rule, for messages and evidence.
fn described(rate_rules: &[(&str, i64, Option<WafRuleAction>)]) -> Vec<String> {
    rate_rules
        .iter()
        .map(|(name, limit, action)| {
            let action = action.map_or("an action this gwaudit version does not know", action_name);
            text!("{name}: {action} above {limit}")
        })
        .collect()
}
