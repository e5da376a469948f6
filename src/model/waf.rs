//! WAFv2 web ACLs attached to API stages.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WafDefaultAction {
    Allow,
    Block,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WafRuleAction {
    Allow,
    Block,
    Count,
    Captcha,
    Challenge,
}

/// Rule-group rules carry an override action instead of an action: `NONE` keeps the group's
/// own actions, `COUNT` turns them all into counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WafOverrideAction {
    None,
    Count,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebAcl {
    pub arn: String,
    pub name: String,
    pub default_action: WafDefaultAction,
    #[serde(default)]
    pub rules: Vec<WafRule>,
    /// Log destinations from `GetLoggingConfiguration`; empty: logging off; `None`: not collected.
    #[serde(default)]
    pub logging_destinations: Option<Vec<String>>,
    /// The IP sets its rules reference (`GetIPSet`, each read once). A referenced set missing
    /// here was not collected: a collection error names it.
    #[serde(default)]
    pub ip_sets: Vec<IpSet>,
    /// The customer rule groups its rules reference (`GetRuleGroup`, each read once). A
    /// referenced group missing here was not collected: a collection error names it.
    #[serde(default)]
    pub rule_groups: Vec<RuleGroup>,
}

/// A customer-managed rule group and its rules (their own actions, not overrides).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleGroup {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub rules: Vec<WafRule>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpSet {
    pub arn: String,
    pub name: String,
    pub ip_address_version: IpAddressVersion,
    #[serde(default)]
    pub addresses: Vec<String>,
}

super::keeps_unknown!(IpAddressVersion);

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IpAddressVersion {
    Ipv4,
    Ipv6,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

impl WebAcl {
    /// One of the IP sets this ACL's rules reference, when it was collected.
    pub fn ip_set(&self, arn: &str) -> Option<&IpSet> {
        self.ip_sets.iter().find(|s| s.arn == arn)
    }

    /// One of the customer rule groups this ACL's rules reference, when it was collected.
    pub fn rule_group(&self, arn: &str) -> Option<&RuleGroup> {
        self.rule_groups.iter().find(|g| g.arn == arn)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WafRule {
    pub name: String,
    #[serde(default)]
    pub priority: i64,
    #[serde(default)]
    pub action: Option<WafRuleAction>,
    #[serde(default)]
    pub override_action: Option<WafOverrideAction>,
    pub statement: WafStatement,
}

impl WafStatement {
    /// The action a rule of the customer group this statement references takes once the
    /// reference's overrides apply (COUNT and ALLOW overrides: `Count`/`Allow`).
    pub fn effective_action(&self, rule: &WafRule) -> Option<WafRuleAction> {
        let WafStatement::RuleGroupReference {
            rules_overridden_to_count,
            rules_overridden_to_allow,
            rules_overridden_to_block,
            rules_overridden_to_challenge,
            ..
        } = self
        else {
            return rule.action;
        };
        let named = |list: &[String]| list.contains(&rule.name);
        if named(rules_overridden_to_count) {
            Some(WafRuleAction::Count)
        } else if named(rules_overridden_to_allow) {
            Some(WafRuleAction::Allow)
        } else if named(rules_overridden_to_block) {
            Some(WafRuleAction::Block)
        } else if named(rules_overridden_to_challenge) {
            Some(WafRuleAction::Challenge)
        } else {
            rule.action
        }
    }

    /// Rules of a referenced group that no longer block: overridden to COUNT or to ALLOW.
    pub fn rules_not_blocking(&self) -> Vec<&str> {
        match self {
            WafStatement::ManagedRuleGroup {
                rules_overridden_to_count,
                rules_overridden_to_allow,
                ..
            }
            | WafStatement::RuleGroupReference {
                rules_overridden_to_count,
                rules_overridden_to_allow,
                ..
            } => rules_overridden_to_count
                .iter()
                .chain(rules_overridden_to_allow)
                .map(String::as_str)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The parts of a WAF statement the rules look at; other statement types are kept by name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum WafStatement {
    ManagedRuleGroup {
        vendor_name: String,
        name: String,
        #[serde(default)]
        version: Option<String>,
        /// Rules of the group whose action is overridden to COUNT (or excluded).
        #[serde(default)]
        rules_overridden_to_count: Vec<String>,
        /// Rules of the group whose action is overridden to ALLOW: they neither block nor let
        /// later rules see the request.
        #[serde(default)]
        rules_overridden_to_allow: Vec<String>,
    },
    RateBased {
        limit: i64,
        #[serde(default)]
        aggregate_key_type: Option<String>,
    },
    RuleGroupReference {
        arn: String,
        /// Rules of the group whose action is overridden to COUNT (or excluded).
        #[serde(default)]
        rules_overridden_to_count: Vec<String>,
        /// Rules of the group whose action is overridden to ALLOW.
        #[serde(default)]
        rules_overridden_to_allow: Vec<String>,
        /// Rules of the group whose action is overridden to BLOCK.
        #[serde(default)]
        rules_overridden_to_block: Vec<String>,
        /// Rules of the group whose action is overridden to CAPTCHA or CHALLENGE.
        #[serde(default)]
        rules_overridden_to_challenge: Vec<String>,
    },
    /// Matches requests from the addresses of an IP set.
    IpSetReference { arn: String },
    Other {
        /// The WAF statement type, e.g. `ByteMatchStatement`, `AndStatement`.
        statement_type: String,
    },
}
