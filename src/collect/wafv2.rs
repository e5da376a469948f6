//! WAFv2: each web ACL referenced by a stage, fetched once, with its logging configuration.

use std::sync::Arc;

use aws_sdk_wafv2::types as sdk;

use super::{capped, RegionCollector};
use crate::model::*;
use crate::operations as op;

/// `arn:aws:wafv2:region:account:regional/webacl/NAME/ID` -> (name, id).
fn name_and_id(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.split(':').nth(5)?;
    let mut parts = rest.split('/');
    match (parts.next()?, parts.next()?, parts.next()?, parts.next()?) {
        ("regional", "webacl", name, id) => Some((name, id)),
        _ => None,
    }
}

fn statement_from(s: Option<&sdk::Statement>) -> WafStatement {
    let Some(s) = s else {
        return WafStatement::Other {
            statement_type: "None".into(),
        };
    };
    if let Some(m) = s.managed_rule_group_statement() {
        let mut to_count: Vec<String> = m
            .excluded_rules()
            .iter()
            .map(|r| r.name().to_string())
            .collect();
        to_count.extend(
            m.rule_action_overrides()
                .iter()
                .filter(|o| o.action_to_use().is_some_and(|a| a.count().is_some()))
                .map(|o| o.name().to_string()),
        );
        let to_allow: Vec<String> = m
            .rule_action_overrides()
            .iter()
            .filter(|o| o.action_to_use().is_some_and(|a| a.allow().is_some()))
            .map(|o| o.name().to_string())
            .collect();
        return WafStatement::ManagedRuleGroup {
            vendor_name: m.vendor_name().into(),
            name: m.name().into(),
            version: m.version().map(Into::into),
            rules_overridden_to_count: to_count,
            rules_overridden_to_allow: to_allow,
        };
    }
    if let Some(r) = s.rate_based_statement() {
        return WafStatement::RateBased {
            limit: r.limit(),
            aggregate_key_type: Some(r.aggregate_key_type().as_str().to_string()),
        };
    }
    if let Some(r) = s.rule_group_reference_statement() {
        return WafStatement::RuleGroupReference {
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
            s.ip_set_reference_statement().is_some(),
            "IPSetReferenceStatement",
        ),
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

fn rule_from(r: &sdk::Rule) -> WafRule {
    let action = r.action().and_then(|a| {
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
    });
    let override_action = r.override_action().and_then(|o| {
        if o.count().is_some() {
            Some(WafOverrideAction::Count)
        } else if o.none().is_some() {
            Some(WafOverrideAction::None)
        } else {
            None
        }
    });
    WafRule {
        name: r.name().into(),
        priority: i64::from(r.priority()),
        action,
        override_action,
        statement: statement_from(r.statement()),
    }
}

pub async fn web_acls(rc: &Arc<RegionCollector>, arns: &[String]) -> Vec<WebAcl> {
    let mut out = Vec::new();
    for arn in arns {
        let Some((name, id)) = name_and_id(arn) else {
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
        let Some(acl) = got.web_acl() else {
            rc.record_failure(
                &op::GET_WEB_ACL,
                Some(arn),
                "EmptyAnswer",
                "GetWebACL returned no web ACL",
            );
            continue;
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
            rules: acl.rules().iter().map(rule_from).collect(),
            logging_destinations,
        });
    }
    out
}
