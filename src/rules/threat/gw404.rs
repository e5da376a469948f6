use super::attached_acls::{action_name, judge_attached, Verdict};
use crate::model::{WafRuleAction, WafStatement, WebAcl};
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW404",
    metadata: include_str!("../../../rules/threat/GW404-waf-acl-no-rate-rule.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    judge_attached(ctx, out, |_, acl| judge(acl));
}

fn judge(acl: &WebAcl) -> Verdict {
    let rate_rules: Vec<(&str, i64, Option<WafRuleAction>)> = acl
        .rules
        .iter()
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
        return Verdict::pass(format!(
            "web ACL {} blocks clients above {limit} requests per evaluation window (rule {name})",
            acl.name
        ))
        .with("rate_rule", name)
        .with("limit", limit);
    }
    if rate_rules.is_empty() {
        return Verdict::fail(format!(
            "web ACL {} has no rate-based rule: a single client can flood the API",
            acl.name
        ))
        .with("rate_rules", Vec::<String>::new());
    }
    let described: Vec<String> = rate_rules
        .iter()
        .map(|(name, limit, action)| {
            let action = action.map_or("no action", action_name);
            format!("{name}: {action} above {limit}")
        })
        .collect();
    Verdict::fail(format!(
        "web ACL {} has no blocking rate-based rule: {}",
        acl.name,
        described.join(", ")
    ))
    .with("rate_rules", described)
}
