//! WAFv2: each web ACL referenced by a stage, fetched once, with its logging configuration and
//! the IP sets, customer rule groups and managed rule groups (those in override mode NONE) its
//! rules reference (each read once per region).

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_wafv2::operation::describe_managed_rule_group::DescribeManagedRuleGroupError;
use aws_sdk_wafv2::types as sdk;

use super::{capped, RegionCollector};
use crate::model::*;
use crate::operations as op;

/// `arn:aws:wafv2:region:account:regional/<kind>/NAME/ID` -> (name, id), for `kind`
/// `webacl` or `ipset`.
fn name_and_id<'a>(arn: &'a str, kind: &str) -> Option<(&'a str, &'a str)> {
    let rest = arn.split(':').nth(5)?;
    let mut parts = rest.split('/');
    match (parts.next()?, parts.next()?, parts.next()?, parts.next()?) {
        ("regional", k, name, id) if k == kind => Some((name, id)),
        _ => None,
    }
}

/// Where rules were read: the call and resource a value this version does not know is
/// recorded against, so the report says where the `unknown` results come from.
struct Source<'a> {
    rc: &'a RegionCollector,
    operation: &'a op::Operation,
    resource: &'a str,
}

impl Source<'_> {
    /// Records that `what` (an action, as AWS names its field) is one this version does not
    /// know. WAF's actions are members of a structure, not strings: the SDK drops a member it
    /// does not know, so the value itself cannot be shown.
    fn unknown_action(&self, what: &str) {
        self.rc.record_failure(
            self.operation,
            Some(self.resource),
            UNKNOWN_VALUE_CODE,
            &format!(
                "{what} is an action this gwaudit version does not know: the rules that need it \
                 answer unknown"
            ),
        );
    }

    /// A rule's own action; `None`, recorded, for an action this version does not know.
    fn action(&self, rule: &str, action: Option<&sdk::RuleAction>) -> Option<WafRuleAction> {
        let action = action?;
        let known = action_from(action);
        if known.is_none() {
            self.unknown_action(&format!("the `Action` of rule `{rule}`"));
        }
        known
    }

    /// A group reference's override action; `None`, recorded, for one this version does not
    /// know (rules then judge the group undisclosed, never as counting or blocking).
    fn override_action(
        &self,
        rule: &str,
        o: Option<&sdk::OverrideAction>,
    ) -> Option<WafOverrideAction> {
        let o = o?;
        let known = override_action_from(o);
        if known.is_none() {
            self.unknown_action(&format!("the `OverrideAction` of rule `{rule}`"));
        }
        known
    }
}

/// The rule action overrides of a rule group reference, by the action they override to:
/// excluded rules (the older spelling of COUNT) with COUNT, and an action this version does not
/// know apart (recorded), so that such a rule is never taken to keep its own action.
fn overrides(
    source: &Source,
    reference: &str,
    excluded: &[sdk::ExcludedRule],
    action_overrides: &[sdk::RuleActionOverride],
) -> Overrides {
    let mut o = Overrides {
        to_count: excluded.iter().map(|r| r.name().to_string()).collect(),
        ..Overrides::default()
    };
    for over in action_overrides {
        let name = over.name().to_string();
        match over.action_to_use().and_then(action_from) {
            Some(WafRuleAction::Count) => o.to_count.push(name),
            Some(WafRuleAction::Allow) => o.to_allow.push(name),
            Some(WafRuleAction::Block) => o.to_block.push(name),
            Some(WafRuleAction::Captcha | WafRuleAction::Challenge) => o.to_challenge.push(name),
            None => {
                source.unknown_action(&format!(
                    "the `ActionToUse` overriding rule `{name}` in {reference}"
                ));
                o.to_unknown.push(name);
            }
        }
    }
    o
}

/// The rule action overrides of a rule group reference, by the action they override to.
#[derive(Default)]
struct Overrides {
    to_count: Vec<String>,
    to_allow: Vec<String>,
    to_block: Vec<String>,
    to_challenge: Vec<String>,
    to_unknown: Vec<String>,
}

fn statement_from(source: &Source, rule: &str, s: Option<&sdk::Statement>) -> WafStatement {
    let Some(s) = s else {
        return WafStatement::Other {
            statement_type: "None".into(),
        };
    };
    if let Some(m) = s.managed_rule_group_statement() {
        return managed_statement(source, rule, m);
    }
    if let Some(r) = s.rate_based_statement() {
        return WafStatement::RateBased {
            limit: r.limit(),
            aggregate_key_type: Some(r.aggregate_key_type().as_str().to_string()),
        };
    }
    if let Some(r) = s.rule_group_reference_statement() {
        return group_reference(source, rule, r);
    }
    if let Some(r) = s.ip_set_reference_statement() {
        return WafStatement::IpSetReference {
            arn: r.arn().into(),
        };
    }
    let kind = [
        (s.byte_match_statement().is_some(), "ByteMatchStatement"),
        (s.sqli_match_statement().is_some(), "SqliMatchStatement"),
        (s.xss_match_statement().is_some(), "XssMatchStatement"),
        (
            s.size_constraint_statement().is_some(),
            "SizeConstraintStatement",
        ),
        (s.geo_match_statement().is_some(), "GeoMatchStatement"),
        (
            s.regex_pattern_set_reference_statement().is_some(),
            "RegexPatternSetReferenceStatement",
        ),
        (s.and_statement().is_some(), "AndStatement"),
        (s.or_statement().is_some(), "OrStatement"),
        (s.not_statement().is_some(), "NotStatement"),
        (s.label_match_statement().is_some(), "LabelMatchStatement"),
        (s.regex_match_statement().is_some(), "RegexMatchStatement"),
    ]
    .iter()
    .find(|(present, _)| *present)
    .map_or("Unrecognized", |(_, k)| *k);
    WafStatement::Other {
        statement_type: kind.into(),
    }
}

/// A managed rule group reference with its overrides (rule `rule` of the web ACL).
fn managed_statement(
    source: &Source,
    rule: &str,
    m: &sdk::ManagedRuleGroupStatement,
) -> WafStatement {
    let reference = format!(
        "rule `{rule}` (managed rule group {})",
        managed_group_id(m.vendor_name(), m.name(), m.version())
    );
    let o = overrides(
        source,
        &reference,
        m.excluded_rules(),
        m.rule_action_overrides(),
    );
    WafStatement::ManagedRuleGroup {
        vendor_name: m.vendor_name().into(),
        name: m.name().into(),
        version: m.version().map(Into::into),
        rules_overridden_to_count: o.to_count,
        rules_overridden_to_allow: o.to_allow,
        rules_overridden_to_block: o.to_block,
        rules_overridden_to_challenge: o.to_challenge,
        rules_overridden_to_unknown: o.to_unknown,
    }
}

/// A customer rule group reference with its overrides (rule `rule` of the web ACL).
fn group_reference(
    source: &Source,
    rule: &str,
    r: &sdk::RuleGroupReferenceStatement,
) -> WafStatement {
    let reference = format!("rule `{rule}` (rule group {})", r.arn());
    let o = overrides(
        source,
        &reference,
        r.excluded_rules(),
        r.rule_action_overrides(),
    );
    WafStatement::RuleGroupReference {
        arn: r.arn().into(),
        rules_overridden_to_count: o.to_count,
        rules_overridden_to_allow: o.to_allow,
        rules_overridden_to_block: o.to_block,
        rules_overridden_to_challenge: o.to_challenge,
        rules_overridden_to_unknown: o.to_unknown,
    }
}

/// A rule's action; `None` for an action this version does not model.
fn action_from(a: &sdk::RuleAction) -> Option<WafRuleAction> {
    if a.block().is_some() {
        Some(WafRuleAction::Block)
    } else if a.allow().is_some() {
        Some(WafRuleAction::Allow)
    } else if a.count().is_some() {
        Some(WafRuleAction::Count)
    } else if a.captcha().is_some() {
        Some(WafRuleAction::Captcha)
    } else if a.challenge().is_some() {
        Some(WafRuleAction::Challenge)
    } else {
        None
    }
}

/// A group reference's override action; `None` for one this version does not model.
fn override_action_from(o: &sdk::OverrideAction) -> Option<WafOverrideAction> {
    if o.count().is_some() {
        Some(WafOverrideAction::Count)
    } else if o.none().is_some() {
        Some(WafOverrideAction::None)
    } else {
        None
    }
}

fn rule_from(source: &Source, r: &sdk::Rule) -> WafRule {
    WafRule {
        name: r.name().into(),
        priority: i64::from(r.priority()),
        action: source.action(r.name(), r.action()),
        override_action: source.override_action(r.name(), r.override_action()),
        statement: statement_from(source, r.name(), r.statement()),
    }
}

/// A rule group Firewall Manager runs before or after the ACL's own rules, as a rule without
/// an action: WAF evaluates it as it does a rule referencing the group, with its override
/// action (its `FirewallManagerStatement` holds a managed or a customer group reference).
fn firewall_manager_group(source: &Source, g: &sdk::FirewallManagerRuleGroup) -> WafRule {
    let s = g.firewall_manager_statement();
    let statement = if let Some(m) = s.and_then(|s| s.managed_rule_group_statement()) {
        managed_statement(source, g.name(), m)
    } else if let Some(r) = s.and_then(|s| s.rule_group_reference_statement()) {
        group_reference(source, g.name(), r)
    } else {
        WafStatement::Other {
            statement_type: if s.is_some() { "Unrecognized" } else { "None" }.into(),
        }
    };
    WafRule {
        name: g.name().into(),
        priority: i64::from(g.priority()),
        action: None,
        override_action: source.override_action(g.name(), g.override_action()),
        statement,
    }
}

pub async fn web_acls(rc: &Arc<RegionCollector>, arns: &[String]) -> Vec<WebAcl> {
    let mut out = Vec::new();
    // Several ACLs may reference one IP set: each is read once per region.
    let mut ip_sets: BTreeMap<String, Option<IpSet>> = BTreeMap::new();
    let mut rule_groups: BTreeMap<String, Option<RuleGroup>> = BTreeMap::new();
    let mut managed_groups: BTreeMap<ManagedGroupKey, Option<ManagedRuleGroup>> = BTreeMap::new();
    for arn in arns {
        let Some((name, id)) = name_and_id(arn, "webacl") else {
            rc.record_failure(
                &op::GET_WEB_ACL,
                Some(arn),
                "UnsupportedWebAcl",
                "not a regional AWS WAFv2 web ACL ARN (AWS WAF Classic is not evaluated)",
            );
            continue;
        };
        let client = &rc.clients.wafv2;
        let Some(got) = rc
            .call(
                &op::GET_WEB_ACL,
                Some(arn),
                client
                    .get_web_acl()
                    .name(name)
                    .id(id)
                    .scope(sdk::Scope::Regional)
                    .send(),
            )
            .await
        else {
            continue;
        };
        let Some(acl) = answered(rc, &op::GET_WEB_ACL, arn, got.web_acl()) else {
            continue;
        };
        let source = Source {
            rc,
            operation: &op::GET_WEB_ACL,
            resource: arn,
        };
        let logging = capped(
            &rc.in_flight,
            client.get_logging_configuration().resource_arn(arn).send(),
        )
        .await;
        let logging_destinations = match logging {
            Ok(l) => Some(
                l.logging_configuration()
                    .map(|c| c.log_destination_configs().to_vec())
                    .unwrap_or_default(),
            ),
            // No logging configuration is an answer, not a failure.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_waf_nonexistent_item_exception()) =>
            {
                Some(Vec::new())
            }
            Err(e) => {
                rc.record_error(&e, &op::GET_LOGGING_CONFIGURATION, Some(arn));
                None
            }
        };
        out.push(WebAcl {
            arn: arn.clone(),
            name: acl.name().into(),
            default_action: if acl.default_action().is_some_and(|d| d.block().is_some()) {
                WafDefaultAction::Block
            } else {
                WafDefaultAction::Allow
            },
            rules: acl.rules().iter().map(|r| rule_from(&source, r)).collect(),
            pre_process_firewall_manager_rule_groups: acl
                .pre_process_firewall_manager_rule_groups()
                .iter()
                .map(|g| firewall_manager_group(&source, g))
                .collect(),
            post_process_firewall_manager_rule_groups: acl
                .post_process_firewall_manager_rule_groups()
                .iter()
                .map(|g| firewall_manager_group(&source, g))
                .collect(),
            logging_destinations,
            ip_sets: Vec::new(),
            rule_groups: Vec::new(),
            managed_rule_groups: Vec::new(),
        });
        let acl = out.last_mut().expect("just pushed");
        // Firewall Manager's groups are read like the ACL's own references: WAF runs them.
        let referenced: Vec<String> = acl
            .all_rules()
            .filter_map(|r| match &r.statement {
                WafStatement::IpSetReference { arn } => Some(arn.clone()),
                _ => None,
            })
            .collect();
        // Like managed groups below: a customer group run under COUNT decides nothing, so it
        // is not read.
        let groups: Vec<String> = acl
            .all_rules()
            .filter(|r| r.override_action == Some(WafOverrideAction::None))
            .filter_map(|r| match &r.statement {
                WafStatement::RuleGroupReference { arn, .. } => Some(arn.clone()),
                _ => None,
            })
            .collect();
        for group_arn in groups {
            if !rule_groups.contains_key(&group_arn) {
                let group = rule_group(rc, &group_arn).await;
                rule_groups.insert(group_arn.clone(), group);
            }
            if let Some(Some(group)) = rule_groups.get(&group_arn) {
                if acl.rule_group(&group_arn).is_none() {
                    acl.rule_groups.push(group.clone());
                }
            }
        }
        // Only a group the ACL runs in NONE mode is described: under COUNT its rules' own
        // actions decide nothing (every match counts), so no rule reads them, and a refusal
        // would only record an error nothing needs.
        let managed: Vec<ManagedGroupKey> = acl
            .all_rules()
            .filter(|r| r.override_action == Some(WafOverrideAction::None))
            .filter_map(|r| match &r.statement {
                WafStatement::ManagedRuleGroup {
                    vendor_name,
                    name,
                    version,
                    ..
                } => Some((vendor_name.clone(), name.clone(), version.clone())),
                _ => None,
            })
            .collect();
        for key in managed {
            if !managed_groups.contains_key(&key) {
                let group = managed_rule_group(rc, &key).await;
                managed_groups.insert(key.clone(), group);
            }
            if let Some(Some(group)) = managed_groups.get(&key) {
                let known = acl
                    .managed_rule_groups
                    .iter()
                    .any(|g| (&g.vendor_name, &g.name, &g.version) == (&key.0, &key.1, &key.2));
                if !known {
                    acl.managed_rule_groups.push(group.clone());
                }
            }
        }
        // IP sets the groups read for this ACL reference too (GW207 judges their block rules).
        let mut referenced = referenced;
        for group in &acl.rule_groups {
            for r in &group.rules {
                if let WafStatement::IpSetReference { arn } = &r.statement {
                    if !referenced.contains(arn) {
                        referenced.push(arn.clone());
                    }
                }
            }
        }
        for set_arn in referenced {
            if !ip_sets.contains_key(&set_arn) {
                let set = ip_set(rc, &set_arn).await;
                ip_sets.insert(set_arn.clone(), set);
            }
            if let Some(Some(set)) = ip_sets.get(&set_arn) {
                if acl.ip_set(&set_arn).is_none() {
                    acl.ip_sets.push(set.clone());
                }
            }
        }
    }
    out
}

/// The object a successful WAF `Get` answer carries; an answer without it is recorded as a
/// failure of `operation` on `arn` (WAF models the object as optional).
fn answered<T>(
    rc: &RegionCollector,
    operation: &op::Operation,
    arn: &str,
    value: Option<T>,
) -> Option<T> {
    if value.is_none() {
        rc.record_failure(
            operation,
            Some(arn),
            "EmptyAnswer",
            &format!("{} returned nothing", operation.name),
        );
    }
    value
}

/// One IP set (`GetIPSet`); `None` when it could not be read (the error is recorded).
async fn ip_set(rc: &Arc<RegionCollector>, arn: &str) -> Option<IpSet> {
    let Some((name, id)) = name_and_id(arn, "ipset") else {
        rc.record_failure(
            &op::GET_IP_SET,
            Some(arn),
            "UnsupportedIpSet",
            "not a regional AWS WAFv2 IP set ARN",
        );
        return None;
    };
    let got = rc
        .call(
            &op::GET_IP_SET,
            Some(arn),
            rc.clients
                .wafv2
                .get_ip_set()
                .name(name)
                .id(id)
                .scope(sdk::Scope::Regional)
                .send(),
        )
        .await?;
    let set = answered(rc, &op::GET_IP_SET, arn, got.ip_set())?;
    Some(IpSet {
        arn: arn.to_string(),
        name: set.name().into(),
        ip_address_version: rc.keep(
            &op::GET_IP_SET,
            arn,
            "IPAddressVersion",
            set.ip_address_version().as_str(),
        ),
        addresses: set.addresses().to_vec(),
    })
}

/// One customer rule group with its rules (`GetRuleGroup` by ARN); `None` when it could not
/// be read (the error is recorded).
async fn rule_group(rc: &Arc<RegionCollector>, arn: &str) -> Option<RuleGroup> {
    let got = rc
        .call(
            &op::GET_RULE_GROUP,
            Some(arn),
            rc.clients.wafv2.get_rule_group().arn(arn).send(),
        )
        .await?;
    let group = answered(rc, &op::GET_RULE_GROUP, arn, got.rule_group())?;
    let source = Source {
        rc,
        operation: &op::GET_RULE_GROUP,
        resource: arn,
    };
    Some(RuleGroup {
        arn: arn.to_string(),
        name: group.name().into(),
        rules: group
            .rules()
            .iter()
            .map(|r| rule_from(&source, r))
            .collect(),
    })
}

/// A managed rule group as a web ACL references it: vendor, name and the version pinned
/// (`None`: the vendor's default version).
type ManagedGroupKey = (String, String, Option<String>);

/// One managed rule group's rules (`DescribeManagedRuleGroup`, regional scope, the version the
/// reference pins or else the vendor's default, which is the one the web ACL runs); `None`
/// when it could not be read (the error is recorded). A pinned version WAF refuses for good is
/// recorded as such, so the rules that need it do not ask for a rescan that cannot help.
async fn managed_rule_group(
    rc: &Arc<RegionCollector>,
    key: &ManagedGroupKey,
) -> Option<ManagedRuleGroup> {
    let (vendor, name, version) = key;
    let resource = managed_group_id(vendor, name, version.as_deref());
    let operation = &op::DESCRIBE_MANAGED_RULE_GROUP;
    let sent = capped(
        &rc.in_flight,
        rc.clients
            .wafv2
            .describe_managed_rule_group()
            .vendor_name(vendor)
            .name(name)
            .scope(sdk::Scope::Regional)
            .set_version_name(version.clone())
            .send(),
    )
    .await;
    let got = match sent {
        Ok(got) => got,
        Err(e) => {
            let refused = e
                .as_service_error()
                .and_then(|s| version_refused(s, version.as_deref()));
            match refused {
                Some(why) => {
                    rc.record_failure(operation, Some(&resource), VERSION_UNAVAILABLE_CODE, &why)
                }
                None => rc.record_error(&e, operation, Some(&resource)),
            }
            return None;
        }
    };
    let source = Source {
        rc,
        operation,
        resource: &resource,
    };
    Some(ManagedRuleGroup {
        vendor_name: vendor.clone(),
        name: name.clone(),
        version: version.clone(),
        version_name: got.version_name().map(Into::into),
        rules: got
            .rules()
            .iter()
            .map(|r| {
                let name = r.name().unwrap_or_default();
                ManagedRuleSummary {
                    name: name.into(),
                    action: source.action(name, r.action()),
                }
            })
            .collect(),
    })
}

/// Why WAF will never describe the `version` a reference pins, from its refusal: the version
/// has expired (`WAFExpiredManagedRuleGroupVersionException`) or is scheduled to expire, which
/// WAF answers with an invalid parameter naming the version. `None` for any other error (a
/// rescan may succeed) or when no version is pinned.
fn version_refused(err: &DescribeManagedRuleGroupError, version: Option<&str>) -> Option<String> {
    use DescribeManagedRuleGroupError as E;
    let version = version?;
    let (code, message) = match err {
        E::WafExpiredManagedRuleGroupVersionException(e) => {
            ("WAFExpiredManagedRuleGroupVersionException", e.message())
        }
        E::WafInvalidParameterException(e)
            if e.parameter()
                .is_some_and(|p| p == version || p.eq_ignore_ascii_case("VersionName")) =>
        {
            ("WAFInvalidParameterException", e.message())
        }
        _ => return None,
    };
    Some(format!(
        "the pinned version {version} cannot be described ({code}: {}): WAF does not describe a \
         version that has expired or is scheduled to expire, so a rescan will not help; move the \
         reference to an available version (wafv2 ListAvailableManagedRuleGroupVersions)",
        message.unwrap_or("no message")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_wafv2::types::error::{
        WafExpiredManagedRuleGroupVersionException, WafInvalidParameterException,
        WafNonexistentItemException,
    };

    fn invalid(parameter: &str) -> DescribeManagedRuleGroupError {
        DescribeManagedRuleGroupError::WafInvalidParameterException(
            WafInvalidParameterException::builder()
                .message("Error reason: The parameter contains formatting that is not valid.")
                .parameter(parameter)
                .build(),
        )
    }

    #[test]
    fn a_pinned_version_waf_refuses_for_good_is_named() {
        let expired = DescribeManagedRuleGroupError::WafExpiredManagedRuleGroupVersionException(
            WafExpiredManagedRuleGroupVersionException::builder()
                .message("The version has expired")
                .build(),
        );
        let why = version_refused(&expired, Some("Version_1.2")).unwrap();
        assert!(
            why.contains("pinned version Version_1.2")
                && why.contains(
                    "WAFExpiredManagedRuleGroupVersionException: The version has expired"
                ),
            "{why}"
        );
        for parameter in ["Version_1.2", "VersionName"] {
            let why = version_refused(&invalid(parameter), Some("Version_1.2")).unwrap();
            assert!(why.contains("WAFInvalidParameterException"), "{why}");
        }
    }

    #[test]
    fn other_refusals_stay_failures_a_rescan_may_fix() {
        // An invalid parameter that is not the version, or no version pinned at all.
        assert_eq!(version_refused(&invalid("Name"), Some("Version_1.2")), None);
        assert_eq!(version_refused(&invalid("VersionName"), None), None);
        let missing = DescribeManagedRuleGroupError::WafNonexistentItemException(
            WafNonexistentItemException::builder().build(),
        );
        assert_eq!(version_refused(&missing, Some("Version_1.2")), None);
    }
}
