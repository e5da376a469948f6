//! Every AWS operation the collectors may send, with the IAM permission it needs. This table is
//! the read-only allow-list the guard enforces, the source of `gwaudit permissions`, and what
//! a missing-permission message names.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// SDK service name as the runtime reports it (`apigateway`, `wafv2`, ...).
    pub service: &'static str,
    pub name: &'static str,
    /// The IAM action that allows it.
    pub action: &'static str,
    /// The resource the action is granted on (`*` where the service has no resource-level
    /// permissions for it).
    pub resource: &'static str,
}

/// API Gateway resources have no account in their ARN (`arn:aws:apigateway:<region>::/...`),
/// except private custom domains and their access associations
/// (`arn:aws:apigateway:<region>:<account>:/domainnames/...`): the account wildcard matches
/// both, where an empty account field would match only the first.
const APIGW: &str = "arn:aws:apigateway:*:*:/*";

pub const GET_REST_APIS: Operation = apigateway("GetRestApis");
pub const GET_RESOURCES: Operation = apigateway("GetResources");
pub const GET_STAGES: Operation = apigateway("GetStages");
pub const GET_AUTHORIZERS: Operation = apigateway("GetAuthorizers");
pub const GET_REQUEST_VALIDATORS: Operation = apigateway("GetRequestValidators");
pub const GET_DOMAIN_NAMES: Operation = apigateway("GetDomainNames");
pub const GET_DOMAIN_NAME_ACCESS_ASSOCIATIONS: Operation =
    apigateway("GetDomainNameAccessAssociations");
pub const GET_BASE_PATH_MAPPINGS: Operation = apigateway("GetBasePathMappings");
pub const GET_USAGE_PLANS: Operation = apigateway("GetUsagePlans");
pub const GET_USAGE_PLAN_KEYS: Operation = apigateway("GetUsagePlanKeys");
pub const GET_API_KEYS: Operation = apigateway("GetApiKeys");
pub const GET_CLIENT_CERTIFICATES: Operation = apigateway("GetClientCertificates");
pub const GET_ACCOUNT: Operation = apigateway("GetAccount");
pub const GET_APIS: Operation = apigatewayv2("GetApis");
pub const GET_ROUTES: Operation = apigatewayv2("GetRoutes");
pub const V2_GET_STAGES: Operation = apigatewayv2("GetStages");
pub const V2_GET_AUTHORIZERS: Operation = apigatewayv2("GetAuthorizers");
pub const GET_INTEGRATIONS: Operation = apigatewayv2("GetIntegrations");
pub const GET_API_MAPPINGS: Operation = apigatewayv2("GetApiMappings");
pub const LIST_ROUTING_RULES: Operation = apigatewayv2("ListRoutingRules");
pub const LIST_PORTALS: Operation = apigatewayv2("ListPortals");
pub const LIST_PORTAL_PRODUCTS: Operation = apigatewayv2("ListPortalProducts");
pub const LIST_PRODUCT_REST_ENDPOINT_PAGES: Operation =
    apigatewayv2("ListProductRestEndpointPages");
pub const GET_WEB_ACL: Operation = any_resource("wafv2", "GetWebACL", "wafv2:GetWebACL");
pub const GET_IP_SET: Operation = any_resource("wafv2", "GetIPSet", "wafv2:GetIPSet");
pub const GET_RULE_GROUP: Operation = any_resource("wafv2", "GetRuleGroup", "wafv2:GetRuleGroup");
pub const DESCRIBE_MANAGED_RULE_GROUP: Operation = any_resource(
    "wafv2",
    "DescribeManagedRuleGroup",
    "wafv2:DescribeManagedRuleGroup",
);
pub const GET_LOGGING_CONFIGURATION: Operation = any_resource(
    "wafv2",
    "GetLoggingConfiguration",
    "wafv2:GetLoggingConfiguration",
);
pub const DESCRIBE_LOG_GROUPS: Operation = any_resource(
    "cloudwatchlogs",
    "DescribeLogGroups",
    "logs:DescribeLogGroups",
);
pub const DESCRIBE_TRAILS: Operation =
    any_resource("cloudtrail", "DescribeTrails", "cloudtrail:DescribeTrails");
pub const GET_TRAIL_STATUS: Operation =
    any_resource("cloudtrail", "GetTrailStatus", "cloudtrail:GetTrailStatus");
pub const GET_EVENT_SELECTORS: Operation = any_resource(
    "cloudtrail",
    "GetEventSelectors",
    "cloudtrail:GetEventSelectors",
);
pub const GET_ROLE: Operation = any_resource("iam", "GetRole", "iam:GetRole");
pub const LIST_ROLE_POLICIES: Operation =
    any_resource("iam", "ListRolePolicies", "iam:ListRolePolicies");
pub const GET_ROLE_POLICY: Operation = any_resource("iam", "GetRolePolicy", "iam:GetRolePolicy");
pub const LIST_ATTACHED_ROLE_POLICIES: Operation = any_resource(
    "iam",
    "ListAttachedRolePolicies",
    "iam:ListAttachedRolePolicies",
);
pub const GET_POLICY: Operation = any_resource("iam", "GetPolicy", "iam:GetPolicy");
pub const GET_POLICY_VERSION: Operation =
    any_resource("iam", "GetPolicyVersion", "iam:GetPolicyVersion");
pub const GET_CALLER_IDENTITY: Operation =
    any_resource("sts", "GetCallerIdentity", "sts:GetCallerIdentity");
pub const LIST_REGIONS: Operation = any_resource("account", "ListRegions", "account:ListRegions");

// Scanning an organization: what the scanning identity needs on top of the read-only policy.
pub const DESCRIBE_ORGANIZATION: Operation = any_resource(
    "organizations",
    "DescribeOrganization",
    "organizations:DescribeOrganization",
);
pub const LIST_ACCOUNTS: Operation = any_resource(
    "organizations",
    "ListAccounts",
    "organizations:ListAccounts",
);
pub const LIST_CHILDREN: Operation = any_resource(
    "organizations",
    "ListChildren",
    "organizations:ListChildren",
);
pub const LIST_ACCOUNTS_FOR_PARENT: Operation = any_resource(
    "organizations",
    "ListAccountsForParent",
    "organizations:ListAccountsForParent",
);
/// Exchanges the caller's credentials for a member account's; it changes nothing in either
/// account. The SDK's assume-role credentials provider sends it through an STS client of its
/// own, which the read-only guard does not see (and would refuse: it is not a read verb).
pub const ASSUME_ROLE: Operation = op(
    "sts",
    "AssumeRole",
    "sts:AssumeRole",
    "arn:aws:iam::*:role/*",
);

/// The organization-scan operations, in the order `gwaudit permissions --org` reads them.
pub const ORG_OPERATIONS: &[Operation] = &[
    DESCRIBE_ORGANIZATION,
    LIST_ACCOUNTS,
    LIST_CHILDREN,
    LIST_ACCOUNTS_FOR_PARENT,
    ASSUME_ROLE,
];

/// Every operation, in the order `gwaudit permissions` reads them.
pub const OPERATIONS: &[Operation] = &[
    GET_REST_APIS,
    GET_RESOURCES,
    GET_STAGES,
    GET_AUTHORIZERS,
    GET_REQUEST_VALIDATORS,
    GET_DOMAIN_NAMES,
    GET_DOMAIN_NAME_ACCESS_ASSOCIATIONS,
    GET_BASE_PATH_MAPPINGS,
    GET_USAGE_PLANS,
    GET_USAGE_PLAN_KEYS,
    GET_API_KEYS,
    GET_CLIENT_CERTIFICATES,
    GET_ACCOUNT,
    GET_APIS,
    GET_ROUTES,
    V2_GET_STAGES,
    V2_GET_AUTHORIZERS,
    GET_INTEGRATIONS,
    GET_API_MAPPINGS,
    LIST_ROUTING_RULES,
    LIST_PORTALS,
    LIST_PORTAL_PRODUCTS,
    LIST_PRODUCT_REST_ENDPOINT_PAGES,
    GET_WEB_ACL,
    GET_IP_SET,
    GET_RULE_GROUP,
    DESCRIBE_MANAGED_RULE_GROUP,
    GET_LOGGING_CONFIGURATION,
    DESCRIBE_LOG_GROUPS,
    DESCRIBE_TRAILS,
    GET_TRAIL_STATUS,
    GET_EVENT_SELECTORS,
    GET_ROLE,
    LIST_ROLE_POLICIES,
    GET_ROLE_POLICY,
    LIST_ATTACHED_ROLE_POLICIES,
    GET_POLICY,
    GET_POLICY_VERSION,
    GET_CALLER_IDENTITY,
    LIST_REGIONS,
];

/// Every API Gateway read, of either API version, is `apigateway:GET` on API Gateway's
/// resources.
const fn apigateway(name: &'static str) -> Operation {
    op("apigateway", name, "apigateway:GET", APIGW)
}

const fn apigatewayv2(name: &'static str) -> Operation {
    op("apigatewayv2", name, "apigateway:GET", APIGW)
}

/// An action of a service without resource-level permissions for it.
const fn any_resource(
    service: &'static str,
    name: &'static str,
    action: &'static str,
) -> Operation {
    op(service, name, action, "*")
}

const fn op(
    service: &'static str,
    name: &'static str,
    action: &'static str,
    resource: &'static str,
) -> Operation {
    Operation {
        service,
        name,
        action,
        resource,
    }
}

/// Our service id for the SDK runtime's service name (`API Gateway` -> `apigateway`).
pub fn service_id(runtime_name: &str) -> &str {
    match runtime_name {
        "API Gateway" => "apigateway",
        "ApiGatewayV2" => "apigatewayv2",
        "WAFV2" => "wafv2",
        "CloudWatch Logs" => "cloudwatchlogs",
        "CloudTrail" => "cloudtrail",
        "IAM" => "iam",
        "STS" => "sts",
        "Account" => "account",
        "Organizations" => "organizations",
        other => other,
    }
}

/// Only reads: the name must be on the list and start with a read verb.
pub fn is_allowed(service: &str, name: &str) -> bool {
    ["Get", "List", "Describe"]
        .iter()
        .any(|v| name.starts_with(v))
        && find(service, name).is_some()
}

pub fn find(service: &str, name: &str) -> Option<&'static Operation> {
    OPERATIONS
        .iter()
        .chain(ORG_OPERATIONS)
        .find(|o| o.service == service && o.name == name)
}

/// The minimal read-only IAM policy covering every operation above.
pub fn policy_document() -> serde_json::Value {
    use std::collections::BTreeMap;
    let mut by_resource: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in OPERATIONS {
        // GetCallerIdentity needs no permission.
        if o.action == "sts:GetCallerIdentity" {
            continue;
        }
        let actions = by_resource.entry(o.resource).or_default();
        if !actions.contains(&o.action) {
            actions.push(o.action);
        }
    }
    let statements: Vec<serde_json::Value> = by_resource
        .into_iter()
        .map(|(resource, mut actions)| {
            actions.sort_unstable();
            let sid = if resource == APIGW { "ApiGatewayRead" } else { "SupportingServicesRead" };
            serde_json::json!({"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resource})
        })
        .collect();
    serde_json::json!({"Version": "2012-10-17", "Statement": statements})
}

/// The scanning identity's policy for an organization scan: Organizations reads, and
/// AssumeRole on the member role in every account (`role_name` may carry a path).
pub fn scanner_policy_document(role_name: &str) -> serde_json::Value {
    let mut reads: Vec<&str> = ORG_OPERATIONS
        .iter()
        .filter(|o| o.service == "organizations")
        .map(|o| o.action)
        .collect();
    reads.sort_unstable();
    let role = format!("arn:aws:iam::*:role/{}", role_name.trim_matches('/'));
    serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "OrganizationsRead", "Effect": "Allow", "Action": reads, "Resource": "*"},
        {"Sid": "AssumeMemberRole", "Effect": "Allow", "Action": [ASSUME_ROLE.action], "Resource": role},
    ]})
}

/// The member role's trust policy: the scanner's account may assume it, with the external id
/// when one is agreed.
pub fn member_trust_policy(scanner_account: &str, external_id: Option<&str>) -> serde_json::Value {
    let mut statement = serde_json::json!({
        "Sid": "GwauditScanner",
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{scanner_account}:root")},
        "Action": ASSUME_ROLE.action,
    });
    if let Some(id) = external_id {
        statement["Condition"] = serde_json::json!({"StringEquals": {"sts:ExternalId": id}});
    }
    serde_json::json!({"Version": "2012-10-17", "Statement": [statement]})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_a_read() {
        for o in OPERATIONS {
            assert!(is_allowed(o.service, o.name), "{}:{}", o.service, o.name);
            let verb = o.action.split(':').nth(1).unwrap();
            assert!(
                verb == "GET"
                    || verb.starts_with("Get")
                    || verb.starts_with("List")
                    || verb.starts_with("Describe"),
                "{}",
                o.action
            );
        }
        assert!(!is_allowed("apigateway", "DeleteRestApi"));
        assert!(
            !is_allowed("apigateway", "GetExport"),
            "reads not on the list are refused too"
        );
    }

    #[test]
    fn organization_operations_are_reads_but_assume_role() {
        for o in ORG_OPERATIONS {
            if *o == ASSUME_ROLE {
                assert!(
                    !is_allowed(o.service, o.name),
                    "the guard passes reads only"
                );
            } else {
                assert!(is_allowed(o.service, o.name), "{}", o.name);
            }
        }
        let doc = scanner_policy_document("/audit/Gwaudit/");
        assert_eq!(
            doc["Statement"][1]["Resource"],
            "arn:aws:iam::*:role/audit/Gwaudit"
        );
        assert_eq!(doc["Statement"][0]["Action"].as_array().unwrap().len(), 4);
        let trust = member_trust_policy("111111111111", Some("x-1"));
        assert_eq!(
            trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
            "x-1"
        );
        assert!(member_trust_policy("111111111111", None)["Statement"][0]
            .get("Condition")
            .is_none());
    }

    #[test]
    fn policy_names_every_action_once() {
        let doc = policy_document();
        let mut actions: Vec<String> = doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| {
                s["Action"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
            })
            .collect();
        let n = actions.len();
        actions.dedup();
        assert_eq!(n, actions.len());
        for o in OPERATIONS
            .iter()
            .filter(|o| o.action != "sts:GetCallerIdentity")
        {
            assert!(actions.iter().any(|a| a == o.action), "{}", o.action);
        }
    }
}
