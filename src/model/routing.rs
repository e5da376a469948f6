//! Routing rules of custom domain names (apigatewayv2 `ListRoutingRules`, June 2025): a domain
//! can send requests to REST API stages by rules on the base path and headers, instead of (or
//! before) its base path mappings. A stage reached through a rule is as reachable as one behind
//! a base path mapping.

use serde::{Deserialize, Serialize};

super::keeps_unknown!(RoutingMode);

/// How a custom domain routes requests (`routingMode`). Absent in AWS's answer means
/// `BASE_PATH_MAPPING_ONLY`, the behaviour before routing rules existed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RoutingMode {
    BasePathMappingOnly,
    /// Only the routing rules route; base path mappings are ignored.
    RoutingRuleOnly,
    /// The routing rules first, then the base path mappings.
    RoutingRuleThenBasePathMapping,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

impl RoutingMode {
    /// Whether the domain's routing rules route requests.
    pub fn uses_rules(mode: Option<&RoutingMode>) -> bool {
        !matches!(mode, None | Some(RoutingMode::BasePathMappingOnly))
    }

    /// Whether the domain's base path mappings still route requests. An unknown mode may,
    /// and may use rules too: the analysis treats both as possible.
    pub fn uses_mappings(mode: Option<&RoutingMode>) -> bool {
        !matches!(mode, Some(RoutingMode::RoutingRuleOnly))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRule {
    pub routing_rule_id: String,
    /// Lower numbers are evaluated first.
    #[serde(default)]
    pub priority: Option<i32>,
    /// All conditions must match; none matches every request.
    #[serde(default)]
    pub conditions: Vec<RoutingRuleCondition>,
    #[serde(default)]
    pub actions: Vec<RoutingRuleAction>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRuleCondition {
    /// The request's base path matches any of these.
    #[serde(default)]
    pub match_base_paths: Option<Vec<String>>,
    /// A header matches any of these (header name, value glob).
    #[serde(default)]
    pub match_headers: Option<Vec<HeaderMatch>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderMatch {
    pub header: String,
    pub value_glob: String,
}

/// One action of a rule. AWS's answer names the action by its key (`invokeApi`); the SDK
/// drops a key it does not know, so an action this version does not know is one without
/// `invoke_api` (the collector records it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRuleAction {
    /// Invoke a REST API stage. The only action AWS has today; `None` for one this version
    /// does not know.
    #[serde(default)]
    pub invoke_api: Option<InvokeApi>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvokeApi {
    pub api_id: String,
    pub stage: String,
    #[serde(default)]
    pub strip_base_path: Option<bool>,
}

impl RoutingRule {
    /// The APIs (and stages) this rule sends requests to.
    pub fn invoked(&self) -> impl Iterator<Item = &InvokeApi> {
        self.actions.iter().filter_map(|a| a.invoke_api.as_ref())
    }

    /// Whether the rule has an action this version does not know (AWS requires one action,
    /// so a rule without any read is one too): where it sends requests cannot be told, and
    /// it may be to any API.
    pub fn has_unknown_action(&self) -> bool {
        self.actions.is_empty() || self.actions.iter().any(|a| a.invoke_api.is_none())
    }
}
