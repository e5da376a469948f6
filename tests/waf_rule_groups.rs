//! WAF web ACLs with what their rules reference (wafv2 `GetIPSet`, `GetRuleGroup`,
//! `DescribeManagedRuleGroup`), end to end through the real SDK client. The loopback proxy
//! answers the WAF calls with JSON shaped as the AWS WAF API reference documents it (canned
//! here) and the REST API's stages with their web ACLs; the rest comes from moto. One web ACL
//! is read in full; another references managed groups whose description is refused (one
//! with rules overridden to count, one a vendor's group overriding nothing), so the rules that
//! need them answer unknown naming the call and the missing permission, never pass; one pins
//! a managed group version that has expired (unknown, not determinable); one overrides a rule
//! to an action this version does not know; one is managed by Firewall Manager, whose rule
//! groups GetWebACL lists apart from the ACL's rules.

mod support;

use serde_json::Value;
use support::proxy::{self, Action};
use support::{moto_url, seed};

const REGION: &str = "ap-southeast-1";
const WAF: &str = "AWSWAF_20190729";

const READ_ACL: &str = "arn:aws:wafv2:ap-southeast-1:123456789012:regional/webacl/read-acl/a1";
const DENIED_ACL: &str = "arn:aws:wafv2:ap-southeast-1:123456789012:regional/webacl/denied-acl/a2";
const PINNED_ACL: &str = "arn:aws:wafv2:ap-southeast-1:123456789012:regional/webacl/pinned-acl/a3";
const NOVEL_ACL: &str = "arn:aws:wafv2:ap-southeast-1:123456789012:regional/webacl/novel-acl/a4";
const FMS_ACL: &str =
    "arn:aws:wafv2:ap-southeast-1:123456789012:regional/webacl/FMManagedWebACLV2-api/a5";
const TEAM_GROUP: &str = "arn:aws:wafv2:ap-southeast-1:123456789012:regional/rulegroup/team/g1";
const BLOCKLIST: &str = "arn:aws:wafv2:ap-southeast-1:123456789012:regional/ipset/blocklist/s1";

/// The rules of AWSManagedRulesCommonRuleSet the canned description lists (a part of the
/// real group is enough: the reference overrides all of them but the last to Count).
const CRS_RULES: [&str; 4] = [
    "NoUserAgent_HEADER",
    "SizeRestrictions_BODY",
    "GenericLFI_URIPATH",
    "CrossSiteScripting_BODY",
];

const VISIBILITY: &str = r#""VisibilityConfig":{"SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"m"}"#;

/// `GetWebACL` (WAF API reference, WebACL): the Common rule set with every rule but one
/// overridden to Count, a customer rule group, and an IP set block rule.
fn read_acl() -> String {
    let overrides: Vec<String> = CRS_RULES[..3]
        .iter()
        .map(|n| format!(r#"{{"Name":"{n}","ActionToUse":{{"Count":{{}}}}}}"#))
        .collect();
    format!(
        r#"{{"WebACL":{{"Name":"read-acl","Id":"a1","ARN":"{READ_ACL}","DefaultAction":{{"Allow":{{}}}},
          "Rules":[
            {{"Name":"crs","Priority":0,"OverrideAction":{{"None":{{}}}},{VISIBILITY},
              "Statement":{{"ManagedRuleGroupStatement":{{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet",
                "RuleActionOverrides":[{}]}}}}}},
            {{"Name":"team","Priority":1,"OverrideAction":{{"None":{{}}}},{VISIBILITY},
              "Statement":{{"RuleGroupReferenceStatement":{{"ARN":"{TEAM_GROUP}"}}}}}},
            {{"Name":"blocklist","Priority":2,"Action":{{"Block":{{}}}},{VISIBILITY},
              "Statement":{{"IPSetReferenceStatement":{{"ARN":"{BLOCKLIST}"}}}}}}],
          {VISIBILITY},"Capacity":750,"LabelNamespace":"awswaf:123456789012:webacl:read-acl:"}},
          "LockToken":"t1"}}"#,
        overrides.join(",")
    )
}

/// `GetWebACL`: Known bad inputs with its rules excluded (the older spelling of Count), a
/// vendor's group in NONE mode overriding nothing, and the Common rule set, the anonymous IP
/// list and a customer group overridden to Count as a whole (none read for this ACL: in Count
/// mode a group's own actions decide nothing).
fn denied_acl() -> String {
    format!(
        r#"{{"WebACL":{{"Name":"denied-acl","Id":"a2","ARN":"{DENIED_ACL}","DefaultAction":{{"Allow":{{}}}},
          "Rules":[
            {{"Name":"bad-inputs","Priority":0,"OverrideAction":{{"None":{{}}}},{VISIBILITY},
              "Statement":{{"ManagedRuleGroupStatement":{{"VendorName":"AWS","Name":"AWSManagedRulesKnownBadInputsRuleSet",
                "ExcludedRules":[{{"Name":"Host_localhost_HEADER"}},{{"Name":"PROPFIND_METHOD"}},
                  {{"Name":"ExploitablePaths_URIPATH"}},{{"Name":"Log4JRCE_HEADER"}}]}}}}}},
            {{"Name":"bot-signals","Priority":1,"OverrideAction":{{"None":{{}}}},{VISIBILITY},
              "Statement":{{"ManagedRuleGroupStatement":{{"VendorName":"ExampleVendor","Name":"BotSignals"}}}}}},
            {{"Name":"crs-trial","Priority":2,"OverrideAction":{{"Count":{{}}}},{VISIBILITY},
              "Statement":{{"ManagedRuleGroupStatement":{{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet"}}}}}},
            {{"Name":"anon-trial","Priority":3,"OverrideAction":{{"Count":{{}}}},{VISIBILITY},
              "Statement":{{"ManagedRuleGroupStatement":{{"VendorName":"AWS","Name":"AWSManagedRulesAnonymousIpList"}}}}}},
            {{"Name":"team-trial","Priority":4,"OverrideAction":{{"Count":{{}}}},{VISIBILITY},
              "Statement":{{"RuleGroupReferenceStatement":{{"ARN":"arn:aws:wafv2:us-east-1:123456789012:regional/rulegroup/trial/tg9"}}}}}}],
          {VISIBILITY},"Capacity":900,"LabelNamespace":"awswaf:123456789012:webacl:denied-acl:"}},
          "LockToken":"t2"}}"#
    )
}

/// `GetWebACL`: the SQL database group pinned to a version that has since expired.
fn pinned_acl() -> String {
    format!(
        r#"{{"WebACL":{{"Name":"pinned-acl","Id":"a3","ARN":"{PINNED_ACL}","DefaultAction":{{"Allow":{{}}}},
          "Rules":[
            {{"Name":"sqli","Priority":0,"OverrideAction":{{"None":{{}}}},{VISIBILITY},
              "Statement":{{"ManagedRuleGroupStatement":{{"VendorName":"AWS","Name":"AWSManagedRulesSQLiRuleSet",
                "Version":"Version_1.0"}}}}}}],
          {VISIBILITY},"Capacity":200,"LabelNamespace":"awswaf:123456789012:webacl:pinned-acl:"}},
          "LockToken":"t5"}}"#
    )
}

/// `GetWebACL`: the customer group with its blocking rate rule overridden to an action this
/// version does not know (a newer WAF's): the SDK drops the member, the collector records it.
fn novel_acl() -> String {
    format!(
        r#"{{"WebACL":{{"Name":"novel-acl","Id":"a4","ARN":"{NOVEL_ACL}","DefaultAction":{{"Allow":{{}}}},
          "Rules":[
            {{"Name":"team-novel","Priority":0,"OverrideAction":{{"None":{{}}}},{VISIBILITY},
              "Statement":{{"RuleGroupReferenceStatement":{{"ARN":"{TEAM_GROUP}",
                "RuleActionOverrides":[{{"Name":"per-ip","ActionToUse":{{"Quarantine":{{}}}}}}]}}}}}},
            {{"Name":"crs-novel","Priority":1,"OverrideAction":{{"Hold":{{}}}},{VISIBILITY},
              "Statement":{{"ManagedRuleGroupStatement":{{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet"}}}}}}],
          {VISIBILITY},"Capacity":10,"LabelNamespace":"awswaf:123456789012:webacl:novel-acl:"}},
          "LockToken":"t6"}}"#
    )
}

/// `GetWebACL` of an ACL Firewall Manager manages: no rules of its own; the Common rule set
/// (as the read ACL overrides it) runs before them and the customer group after them, listed
/// apart from `Rules` (WebACL's `PreProcessFirewallManagerRuleGroups` and
/// `PostProcessFirewallManagerRuleGroups`, FirewallManagerRuleGroup).
fn fms_acl() -> String {
    let overrides: Vec<String> = CRS_RULES[..3]
        .iter()
        .map(|n| format!(r#"{{"Name":"{n}","ActionToUse":{{"Count":{{}}}}}}"#))
        .collect();
    format!(
        r#"{{"WebACL":{{"Name":"FMManagedWebACLV2-api","Id":"a5","ARN":"{FMS_ACL}","DefaultAction":{{"Allow":{{}}}},
          "Rules":[],{VISIBILITY},"Capacity":710,"ManagedByFirewallManager":true,
          "PreProcessFirewallManagerRuleGroups":[
            {{"Name":"PREFMManagedCommonRuleSet","Priority":1,"OverrideAction":{{"None":{{}}}},{VISIBILITY},
              "FirewallManagerStatement":{{"ManagedRuleGroupStatement":{{"VendorName":"AWS","Name":"AWSManagedRulesCommonRuleSet",
                "RuleActionOverrides":[{}]}}}}}}],
          "PostProcessFirewallManagerRuleGroups":[
            {{"Name":"POSTFMTeamRules","Priority":2,"OverrideAction":{{"None":{{}}}},{VISIBILITY},
              "FirewallManagerStatement":{{"RuleGroupReferenceStatement":{{"ARN":"{TEAM_GROUP}"}}}}}}],
          "LabelNamespace":"awswaf:123456789012:webacl:FMManagedWebACLV2-api:"}},
          "LockToken":"t7"}}"#,
        overrides.join(",")
    )
}

/// `DescribeManagedRuleGroup` (WAF API reference): the rules with their own actions.
fn crs_description() -> String {
    let rules: Vec<String> = CRS_RULES
        .iter()
        .map(|n| format!(r#"{{"Name":"{n}","Action":{{"Block":{{}}}}}}"#))
        .collect();
    format!(
        r#"{{"VersionName":"Version_1.16","SnsTopicArn":"arn:aws:sns:us-east-1:248400274283:aws-managed-waf-rule-notifications",
          "Capacity":700,"Rules":[{}],"LabelNamespace":"awswaf:managed:aws:core-rule-set:",
          "AvailableLabels":[{{"Name":"awswaf:managed:aws:core-rule-set:NoUserAgent_Header"}}],"ConsumedLabels":[]}}"#,
        rules.join(",")
    )
}

/// `GetRuleGroup` (WAF API reference, RuleGroup): a rate-based rule that blocks, and a rule
/// whose action this version does not know.
fn team_group() -> String {
    format!(
        r#"{{"RuleGroup":{{"Name":"team","Id":"g1","Capacity":10,"ARN":"{TEAM_GROUP}",{VISIBILITY},
          "Rules":[{{"Name":"per-ip","Priority":0,"Action":{{"Block":{{}}}},{VISIBILITY},
            "Statement":{{"RateBasedStatement":{{"Limit":500,"EvaluationWindowSec":300,"AggregateKeyType":"IP"}}}}}},
            {{"Name":"quarantine","Priority":1,"Action":{{"Quarantine":{{}}}},{VISIBILITY},
            "Statement":{{"GeoMatchStatement":{{"CountryCodes":["AQ"]}}}}}}],
          "LabelNamespace":"awswaf:123456789012:rulegroup:team:"}},"LockToken":"t3"}}"#
    )
}

/// `GetIPSet` (WAF API reference, IPSet).
fn blocklist() -> String {
    format!(
        r#"{{"IPSet":{{"Name":"blocklist","Id":"s1","ARN":"{BLOCKLIST}","Description":"scanners",
          "IPAddressVersion":"IPV4","Addresses":["192.0.2.0/24","198.51.100.7/32"]}},"LockToken":"t4"}}"#
    )
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn result<'a>(report: &'a Value, rule: &str, acl: &str) -> &'a Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_id"] == rule && r["resource_arn"] == acl)
        .unwrap_or_else(|| panic!("no {rule} result for {acl}: {report}"))
}

#[test]
fn rule_groups_and_ip_sets_are_read_once_and_judged() {
    let moto = moto_url();
    let seeded = seed(&moto, REGION, &["--rest", "1", "--http", "0"]);
    let api_id = seeded["rest"][0].as_str().unwrap().to_string();
    // GetStages (REST API reference, Stage): two stages, one per web ACL.
    let stages = leak(format!(
        r#"{{"item":[{{"stageName":"prod","deploymentId":"d1","webAclArn":"{READ_ACL}"}},
                     {{"stageName":"dev","deploymentId":"d1","webAclArn":"{DENIED_ACL}"}},
                     {{"stageName":"test","deploymentId":"d1","webAclArn":"{PINNED_ACL}"}},
                     {{"stageName":"beta","deploymentId":"d1","webAclArn":"{NOVEL_ACL}"}},
                     {{"stageName":"fms","deploymentId":"d1","webAclArn":"{FMS_ACL}"}}]}}"#
    ));
    let logging = |acl: &str| {
        leak(format!(
            r#"{{"LoggingConfiguration":{{"ResourceArn":"{acl}",
              "LogDestinationConfigs":["arn:aws:logs:ap-southeast-1:123456789012:log-group:aws-waf-logs-api"]}}}}"#
        ))
    };
    let mut config = proxy::answering(&[(leak(format!("/restapis/{api_id}")), "/stages", stages)]);
    let t = |op: &str| format!("{WAF}.{op}");
    config.faults.extend([
        proxy::json_target(
            &t("GetWebACL"),
            &["\"Id\":\"a1\""],
            Action::Respond(leak(read_acl())),
        ),
        proxy::json_target(
            &t("GetWebACL"),
            &["\"Id\":\"a2\""],
            Action::Respond(leak(denied_acl())),
        ),
        proxy::json_target(
            &t("GetLoggingConfiguration"),
            &["read-acl"],
            Action::Respond(logging(READ_ACL)),
        ),
        proxy::json_target(
            &t("GetLoggingConfiguration"),
            &["denied-acl"],
            Action::Respond(logging(DENIED_ACL)),
        ),
        proxy::json_target(
            &t("GetWebACL"),
            &["\"Id\":\"a3\""],
            Action::Respond(leak(pinned_acl())),
        ),
        proxy::json_target(
            &t("GetLoggingConfiguration"),
            &["pinned-acl"],
            Action::Respond(logging(PINNED_ACL)),
        ),
        proxy::json_target(
            &t("GetWebACL"),
            &["\"Id\":\"a4\""],
            Action::Respond(leak(novel_acl())),
        ),
        proxy::json_target(
            &t("GetLoggingConfiguration"),
            &["novel-acl"],
            Action::Respond(logging(NOVEL_ACL)),
        ),
        proxy::json_target(
            &t("GetWebACL"),
            &["\"Id\":\"a5\""],
            Action::Respond(leak(fms_acl())),
        ),
        proxy::json_target(
            &t("GetLoggingConfiguration"),
            &["FMManagedWebACLV2-api"],
            Action::Respond(logging(FMS_ACL)),
        ),
        // WAF refuses for good to describe a version past its expiry.
        proxy::json_target(
            &t("DescribeManagedRuleGroup"),
            &["Version_1.0"],
            Action::Refuse {
                error_type: "WAFExpiredManagedRuleGroupVersionException",
                body: r#"{"__type":"WAFExpiredManagedRuleGroupVersionException","Message":"The managed rule group version has expired."}"#,
            },
        ),
        proxy::json_target(&t("GetRuleGroup"), &[], Action::Respond(leak(team_group()))),
        proxy::json_target(&t("GetIPSet"), &[], Action::Respond(leak(blocklist()))),
        // The role lacks wafv2:DescribeManagedRuleGroup for two groups only.
        proxy::json_target(
            &t("DescribeManagedRuleGroup"),
            &["AWSManagedRulesKnownBadInputsRuleSet"],
            Action::Deny,
        ),
        proxy::json_target(
            &t("DescribeManagedRuleGroup"),
            &["BotSignals"],
            Action::Deny,
        ),
        proxy::json_target(
            &t("DescribeManagedRuleGroup"),
            &["AWSManagedRulesCommonRuleSet"],
            Action::Respond(leak(crs_description())),
        ),
    ]);
    let p = proxy::start(&moto, config);
    let snapshot = support::collect(&p.url, REGION);
    let acls = snapshot["regions"][0]["web_acls"].as_array().unwrap();
    let acl = |arn: &str| {
        acls.iter()
            .find(|a| a["arn"] == arn)
            .unwrap_or_else(|| panic!("{arn} not collected: {snapshot}"))
    };
    let read = acl(READ_ACL);
    assert_eq!(read["ip_sets"][0]["ip_address_version"], "IPV4", "{read}");
    assert_eq!(read["ip_sets"][0]["addresses"][1], "198.51.100.7/32");
    assert_eq!(
        read["rule_groups"][0]["rules"][0]["statement"]["type"],
        "rate_based"
    );
    let crs = &read["managed_rule_groups"][0];
    assert_eq!(crs["name"], "AWSManagedRulesCommonRuleSet");
    assert_eq!(crs["version_name"], "Version_1.16");
    assert_eq!(crs["rules"].as_array().unwrap().len(), CRS_RULES.len());
    assert_eq!(crs["rules"][3]["action"], "BLOCK");
    assert_eq!(
        read["rules"][0]["statement"]["rules_overridden_to_count"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // Firewall Manager's groups are collected apart from the ACL's rules, with what they
    // reference read as for any rule (the Common rule set and the team group read once for
    // both ACLs).
    let fms = acl(FMS_ACL);
    let pre = &fms["pre_process_firewall_manager_rule_groups"][0];
    assert_eq!(pre["override_action"], "NONE", "{fms}");
    assert_eq!(pre["statement"]["type"], "managed_rule_group");
    assert_eq!(
        pre["statement"]["rules_overridden_to_count"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let post = &fms["post_process_firewall_manager_rule_groups"][0];
    assert_eq!(post["statement"]["arn"], TEAM_GROUP, "{fms}");
    assert_eq!(fms["rules"], serde_json::json!([]));
    assert_eq!(
        fms["managed_rule_groups"][0]["version_name"],
        "Version_1.16"
    );
    assert_eq!(fms["rule_groups"][0]["name"], "team");
    // The groups whose description was refused are left out, and so are those this ACL runs
    // in Count mode: the Common rule set, read for the other ACL, and the anonymous IP list,
    // never described.
    let denied = acl(DENIED_ACL);
    assert_eq!(
        denied["managed_rule_groups"],
        serde_json::json!([]),
        "{denied}"
    );

    let all_errors: Vec<&Value> = snapshot["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["service"] == "wafv2")
        .collect();
    let errors = |code: &str| -> Vec<&Value> {
        all_errors
            .iter()
            .copied()
            .filter(|e| e["code"] == code)
            .collect()
    };
    let denied_errors = errors("AccessDeniedException");
    let refused: Vec<&Value> = denied_errors.iter().map(|e| &e["resource"]).collect();
    assert_eq!(
        refused,
        [
            "AWS/AWSManagedRulesKnownBadInputsRuleSet",
            "ExampleVendor/BotSignals"
        ],
        "{denied_errors:?}"
    );
    for e in &denied_errors {
        assert_eq!(e["operation"], "DescribeManagedRuleGroup");
        assert_eq!(
            e["missing_permission"],
            "wafv2:DescribeManagedRuleGroup on *"
        );
    }
    let expired = errors("ManagedRuleGroupVersionUnavailable");
    assert_eq!(expired.len(), 1, "{expired:?}");
    assert_eq!(expired[0]["operation"], "DescribeManagedRuleGroup");
    assert_eq!(
        expired[0]["resource"],
        "AWS/AWSManagedRulesSQLiRuleSet/Version_1.0"
    );
    let message = expired[0]["message"].as_str().unwrap();
    assert!(
        message.contains("pinned version Version_1.0")
            && message.contains("WAFExpiredManagedRuleGroupVersionException"),
        "{message}"
    );
    // The override and the group rule with an action this version does not know, each named
    // where it was read (the group once, though two ACLs reference it).
    let unknown_errors = errors("UnknownValue");
    let mut unknown: Vec<(&str, &str)> = unknown_errors
        .iter()
        .map(|e| {
            (
                e["operation"].as_str().unwrap(),
                e["resource"].as_str().unwrap(),
            )
        })
        .collect();
    unknown.sort();
    assert_eq!(
        unknown,
        [
            ("GetRuleGroup", TEAM_GROUP),
            ("GetWebACL", NOVEL_ACL),
            ("GetWebACL", NOVEL_ACL)
        ],
        "{unknown:?}"
    );
    let novel = unknown_errors
        .iter()
        .find(|e| e["operation"] == "GetWebACL")
        .and_then(|e| e["message"].as_str())
        .unwrap();
    assert!(
        novel.contains("`ActionToUse` overriding rule `per-ip` in rule `team-novel`"),
        "{novel}"
    );
    // Only the refusals and the values this version does not know are recorded.
    assert_eq!(all_errors.len(), 6, "{all_errors:?}");
    // A group run with an override action this version does not know: recorded, and neither
    // read nor described (it is not known to run in NONE mode).
    assert!(
        unknown_errors.iter().any(|e| e["message"]
            .as_str()
            .unwrap()
            .contains("the `OverrideAction` of rule `crs-novel`")),
        "{unknown_errors:?}"
    );
    assert_eq!(acl(NOVEL_ACL)["rules"][1]["override_action"], Value::Null);
    assert_eq!(
        acl(NOVEL_ACL)["rules"][0]["statement"]["rules_overridden_to_unknown"][0],
        "per-ip"
    );
    // Each referenced group, set and ACL read once, though the Common rule set is referenced
    // by two ACLs; the groups only referenced in Count mode (managed or customer) not at all.
    let calls = &snapshot["collection_stats"]["api_calls"];
    assert_eq!(calls["wafv2:DescribeManagedRuleGroup"], 4, "{calls}");
    assert_eq!(calls["wafv2:GetRuleGroup"], 1);
    assert_eq!(calls["wafv2:GetIPSet"], 1);
    assert_eq!(calls["wafv2:GetWebACL"], 5);

    let report = support::scan_json(&snapshot, &["--rules", "GW402,GW403,GW404"]);
    for rule in ["GW402", "GW403", "GW404"] {
        let r = result(&report, rule, READ_ACL);
        assert_eq!(r["status"], "pass", "{rule}: {r}");
    }
    // Three of four rules counted: the description shows the fourth still blocks.
    assert!(result(&report, "GW403", READ_ACL)["message"]
        .as_str()
        .unwrap()
        .contains("3 of their rules overridden"));
    // A vendor's group overriding nothing is no proof of blocking when its rules were not read
    // (its own rules may only count): GW402 names it; GW403 only looks at baseline groups.
    for (rule, group) in [
        ("GW402", "BotSignals"),
        ("GW403", "AWSManagedRulesKnownBadInputsRuleSet"),
    ] {
        let r = result(&report, rule, DENIED_ACL);
        assert_eq!(r["status"], "unknown", "{rule}: {r}");
        assert_eq!(r["unknown_cause"], "not_collected", "{rule}: {r}");
        let message = r["message"].as_str().unwrap();
        assert!(
            message.contains("wafv2:DescribeManagedRuleGroup failed")
                && message.contains("missing permission wafv2:DescribeManagedRuleGroup")
                && message.contains(group),
            "{rule}: {message}"
        );
    }
    assert_eq!(result(&report, "GW404", DENIED_ACL)["status"], "fail");
    // The ACL Firewall Manager manages has no rules of its own: its groups block, with the
    // baseline and the team group's rate rule.
    for rule in ["GW402", "GW403", "GW404"] {
        let r = result(&report, rule, FMS_ACL);
        assert_eq!(r["status"], "pass", "{rule}: {r}");
    }
    // The rate rule overridden to an action this version does not know may still block: the
    // ACL is unknown, not taken to block (the rule's own BLOCK) nor to let everything through.
    for rule in ["GW402", "GW403", "GW404"] {
        let r = result(&report, rule, NOVEL_ACL);
        assert_eq!(r["status"], "unknown", "{rule}: {r}");
        assert_eq!(r["unknown_cause"], "not_determinable", "{rule}: {r}");
    }
    // The expired pinned version: no rescan will describe it, so the unknown is not
    // determinable (it does not hold SARIF back) and names the version.
    let r = result(&report, "GW402", PINNED_ACL);
    assert_eq!(r["status"], "unknown", "{r}");
    assert_eq!(r["unknown_cause"], "not_determinable", "{r}");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("for AWS/AWSManagedRulesSQLiRuleSet/Version_1.0"),
        "{r}"
    );
}
