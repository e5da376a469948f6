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
    /// The rule groups Firewall Manager runs before `rules`
    /// (`PreProcessFirewallManagerRuleGroups`; the ACL's own `Rules` do not list them), each as
    /// a rule without an action: its name, priority, override action and group reference.
    /// Empty in a snapshot older than their collection.
    #[serde(default)]
    pub pre_process_firewall_manager_rule_groups: Vec<WafRule>,
    /// The rule groups Firewall Manager runs after `rules`
    /// (`PostProcessFirewallManagerRuleGroups`), as the pre-process ones.
    #[serde(default)]
    pub post_process_firewall_manager_rule_groups: Vec<WafRule>,
    /// Log destinations from `GetLoggingConfiguration`; empty: logging off; `None`: not collected.
    #[serde(default)]
    pub logging_destinations: Option<Vec<String>>,
    /// The IP sets its rules reference (`GetIPSet`, each read once). A referenced set missing
    /// here was not collected: a collection error names it.
    #[serde(default)]
    pub ip_sets: Vec<IpSet>,
    /// The customer rule groups its rules and Firewall Manager's groups reference
    /// (`GetRuleGroup`, each read once). A referenced group missing here was not collected: a
    /// collection error names it.
    #[serde(default)]
    pub rule_groups: Vec<RuleGroup>,
    /// The managed rule groups its rules and Firewall Manager's groups reference in override
    /// mode NONE (`DescribeManagedRuleGroup`, each vendor, name and version read once; under
    /// COUNT a group's own actions decide nothing). A group so referenced and missing here was
    /// not collected: a collection error names it, or the snapshot predates the call.
    #[serde(default)]
    pub managed_rule_groups: Vec<ManagedRuleGroup>,
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

/// A managed rule group (AWS or AWS Marketplace) as `DescribeManagedRuleGroup` lists it: the
/// names of its rules and their own actions, before a reference's overrides.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedRuleGroup {
    pub vendor_name: String,
    pub name: String,
    /// The version the reference pins; `None`: the vendor's default version, which is also
    /// what the call describes when no version is given.
    #[serde(default)]
    pub version: Option<String>,
    /// The version the answer describes (`VersionName`), for the evidence.
    #[serde(default)]
    pub version_name: Option<String>,
    /// Empty when the vendor discloses no rules (the API then cannot tell what the group does).
    #[serde(default)]
    pub rules: Vec<ManagedRuleSummary>,
}

/// How a managed rule group is named where it has no ARN (collection errors, messages):
/// `vendor/name`, and `/version` when the reference pins one.
pub fn managed_group_id(vendor: &str, name: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => format!("{vendor}/{name}/{v}"),
        None => format!("{vendor}/{name}"),
    }
}

/// One rule of a managed group: its name and its own action (`None`: the answer named none,
/// or an action this version does not know).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedRuleSummary {
    pub name: String,
    #[serde(default)]
    pub action: Option<WafRuleAction>,
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
    /// Every rule the ACL evaluates, in WAF's order: Firewall Manager's pre-process groups,
    /// the ACL's own rules, Firewall Manager's post-process groups. A rule that judges what the
    /// ACL does reads these, never `rules` alone.
    pub fn all_rules(&self) -> impl Iterator<Item = &WafRule> {
        self.pre_process_firewall_manager_rule_groups
            .iter()
            .chain(&self.rules)
            .chain(&self.post_process_firewall_manager_rule_groups)
    }

    /// One of the IP sets this ACL's rules reference, when it was collected.
    pub fn ip_set(&self, arn: &str) -> Option<&IpSet> {
        self.ip_sets.iter().find(|s| s.arn == arn)
    }

    /// One of the customer rule groups this ACL's rules reference, when it was collected.
    pub fn rule_group(&self, arn: &str) -> Option<&RuleGroup> {
        self.rule_groups.iter().find(|g| g.arn == arn)
    }

    /// Each customer rule group reference (Firewall Manager's included) with how the ACL runs
    /// it, in WAF's order: the one place that says which groups' rules can act.
    pub fn customer_groups(&self) -> impl Iterator<Item = (&WafRule, GroupRun<'_>)> {
        self.all_rules().filter_map(|r| {
            let WafStatement::RuleGroupReference { arn, .. } = &r.statement else {
                return None;
            };
            Some((
                r,
                match r.override_action {
                    Some(WafOverrideAction::Count) => GroupRun::Counted,
                    Some(WafOverrideAction::None) => match self.rule_group(arn) {
                        Some(group) => GroupRun::Read(group),
                        None => GroupRun::NotRead(arn),
                    },
                    None => GroupRun::UnknownOverride,
                },
            ))
        })
    }

    /// The managed rule group a `ManagedRuleGroup` statement references, when it was
    /// described; `None` for any other statement.
    pub fn managed_rule_group(&self, statement: &WafStatement) -> Option<&ManagedRuleGroup> {
        let WafStatement::ManagedRuleGroup {
            vendor_name,
            name,
            version,
            ..
        } = statement
        else {
            return None;
        };
        self.managed_rule_groups
            .iter()
            .find(|g| g.vendor_name == *vendor_name && g.name == *name && g.version == *version)
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
        self.overridden_action(&rule.name, rule.action)
    }

    /// The action the group rule `name` (own action `own`) takes once this reference's
    /// overrides apply, for customer and managed group references alike; `own` for any other
    /// statement or a rule the reference does not override; `None` for a rule overridden to an
    /// action this version does not know.
    pub fn overridden_action(
        &self,
        name: &str,
        own: Option<WafRuleAction>,
    ) -> Option<WafRuleAction> {
        let Some(o) = self.overrides() else {
            return own;
        };
        let named = |list: &[String]| list.iter().any(|n| n == name);
        // An override WAF applies but this version cannot read decides, whatever else names
        // the rule: nothing sure can be said of it.
        if named(o.to_unknown) {
            None
        } else if named(o.to_count) {
            Some(WafRuleAction::Count)
        } else if named(o.to_allow) {
            Some(WafRuleAction::Allow)
        } else if named(o.to_block) {
            Some(WafRuleAction::Block)
        } else if named(o.to_challenge) {
            Some(WafRuleAction::Challenge)
        } else {
            own
        }
    }

    /// Rules of a referenced group overridden to an action this version does not know.
    pub fn rules_overridden_to_unknown(&self) -> &[String] {
        self.overrides().map_or(&[], |o| o.to_unknown)
    }

    /// Rules of a referenced group that no longer block: overridden to COUNT or to ALLOW.
    pub fn rules_not_blocking(&self) -> Vec<&str> {
        self.overrides().map_or_else(Vec::new, |o| {
            o.to_count
                .iter()
                .chain(o.to_allow)
                .map(String::as_str)
                .collect()
        })
    }

    /// The rule overrides of a customer or managed group reference (the two variants spell
    /// them alike); `None` for any other statement.
    fn overrides(&self) -> Option<Overrides<'_>> {
        match self {
            WafStatement::RuleGroupReference {
                rules_overridden_to_count,
                rules_overridden_to_allow,
                rules_overridden_to_block,
                rules_overridden_to_challenge,
                rules_overridden_to_unknown,
                ..
            }
            | WafStatement::ManagedRuleGroup {
                rules_overridden_to_count,
                rules_overridden_to_allow,
                rules_overridden_to_block,
                rules_overridden_to_challenge,
                rules_overridden_to_unknown,
                ..
            } => Some(Overrides {
                to_count: rules_overridden_to_count,
                to_allow: rules_overridden_to_allow,
                to_block: rules_overridden_to_block,
                to_challenge: rules_overridden_to_challenge,
                to_unknown: rules_overridden_to_unknown,
            }),
            _ => None,
        }
    }
}

/// A group reference's rule overrides, by the action they override to.
struct Overrides<'a> {
    to_count: &'a [String],
    to_allow: &'a [String],
    to_block: &'a [String],
    to_challenge: &'a [String],
    to_unknown: &'a [String],
}

/// How a web ACL runs a customer rule group it references.
#[derive(Debug, Clone, Copy)]
pub enum GroupRun<'a> {
    /// Override action COUNT: the group's rules only count (the collector does not read it).
    Counted,
    /// Override action NONE, and the group's rules were read.
    Read(&'a RuleGroup),
    /// Override action NONE, but the group (this ARN) was not collected.
    NotRead(&'a str),
    /// An override action this version does not know (recorded by the collector).
    UnknownOverride,
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
        /// Rules of the group whose action is overridden to BLOCK.
        #[serde(default)]
        rules_overridden_to_block: Vec<String>,
        /// Rules of the group whose action is overridden to CAPTCHA or CHALLENGE.
        #[serde(default)]
        rules_overridden_to_challenge: Vec<String>,
        /// Rules of the group overridden to an action this version does not know (a
        /// collection error names each): whether they still block is unknown.
        #[serde(default)]
        rules_overridden_to_unknown: Vec<String>,
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
        /// Rules of the group overridden to an action this version does not know (a
        /// collection error names each): whether they still block is unknown.
        #[serde(default)]
        rules_overridden_to_unknown: Vec<String>,
    },
    /// Matches requests from the addresses of an IP set.
    IpSetReference { arn: String },
    Other {
        /// The WAF statement type, e.g. `ByteMatchStatement`, `AndStatement`.
        statement_type: String,
    },
}
