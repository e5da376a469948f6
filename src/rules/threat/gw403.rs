use super::attached_acls::{group_mode, judge_attached, undetermined, GroupMode, Verdict};
use crate::model::{WafRule, WafStatement, WebAcl};
use crate::rules::{Emitter, RegionContext};

rule!(GW403, "threat/GW403-waf-acl-no-managed-baseline.toml");

/// The AWS managed rule groups that form the baseline against common web exploits, known bad
/// inputs and known malicious sources.
const BASELINE: [&str; 3] = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
];

fn check(ctx: &RegionContext, out: &mut Emitter) {
    judge_attached(ctx, out, |acl| judge(ctx, acl));
}

/// The baseline group a rule references, with its rules overridden to count or allow.
fn baseline(rule: &WafRule) -> Option<(&str, Vec<&str>)> {
    match &rule.statement {
        WafStatement::ManagedRuleGroup {
            vendor_name, name, ..
        } if vendor_name == "AWS" && BASELINE.contains(&name.as_str()) => {
            Some((name, rule.statement.rules_not_blocking()))
        }
        _ => None,
    }
}

fn judge(ctx: &RegionContext, acl: &WebAcl) -> Verdict {
    let groups: Vec<(&WafRule, &str, Vec<&str>)> = acl
        .all_rules()
        .filter_map(|r| baseline(r).map(|(name, counted)| (r, name, counted)))
        .collect();
    let in_mode = |pick: fn(GroupMode) -> bool| -> Vec<&(&WafRule, &str, Vec<&str>)> {
        groups
            .iter()
            .filter(|(r, _, _)| group_mode(acl, r).is_some_and(pick))
            .collect()
    };
    let blocking = in_mode(|m| m == GroupMode::Blocks);
    if !blocking.is_empty() {
        let names: Vec<&str> = blocking.iter().map(|(_, name, _)| *name).collect();
        // A few rules overridden to count (body size for uploads is routine) leave the group
        // blocking; they are shown so a reviewer can check the exclusions.
        let excluded: Vec<String> = blocking
            .iter()
            .flat_map(|(_, name, counted)| counted.iter().map(move |c| text!("{name}:{c}")))
            .collect();
        let note = if excluded.is_empty() {
            String::new()
        } else {
            text!(
                " ({} of their rules overridden to count or allow)",
                excluded.len()
            )
        };
        return Verdict::pass(text!(
            "web ACL {} blocks with {}{note}",
            acl.name,
            names.join(", ")
        ))
        .with("baseline_groups_blocking", names)
        .with("rules_overridden_to_count", excluded);
    }
    let open_groups = in_mode(GroupMode::is_undetermined);
    if !open_groups.is_empty() {
        let rules: Vec<&WafRule> = open_groups.iter().map(|(r, _, _)| *r).collect();
        let (reason, cause) = undetermined(ctx, acl, &rules);
        return Verdict::unknown_because(
            text!(
                "web ACL {} has no AWS managed baseline group surely in block mode; {reason}",
                acl.name,
            ),
            cause,
        );
    }
    let counting: Vec<&str> = groups.iter().map(|(_, name, _)| *name).collect();
    let note = if counting.is_empty() {
        String::new()
    } else {
        text!(" ({} only counts or allows)", counting.join(", "))
    };
    Verdict::fail(text!(
        "web ACL {} blocks with none of the AWS managed baseline rule groups {}{note}",
        acl.name,
        BASELINE.join(", ")
    ))
    .with("baseline_groups_blocking", Vec::<&str>::new())
    .with("baseline_groups_in_count_mode", counting)
}
