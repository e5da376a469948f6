//! Every AWS operation the collectors may send, with the IAM permission it needs. This table is
//! the read-only allow-list the guard enforces, the source of `gwaudit permissions`, and what
//! a missing-permission message names.

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

const APIGW: &str = "arn:aws:apigateway:*::/*";

pub const OPERATIONS: &[Operation] = &[
    op("apigateway", "GetRestApis", "apigateway:GET", APIGW),
    op("apigateway", "GetResources", "apigateway:GET", APIGW),
    op("apigateway", "GetStages", "apigateway:GET", APIGW),
    op("apigateway", "GetAuthorizers", "apigateway:GET", APIGW),
    op(
        "apigateway",
        "GetRequestValidators",
        "apigateway:GET",
        APIGW,
    ),
    op("apigateway", "GetDomainNames", "apigateway:GET", APIGW),
    op("apigateway", "GetBasePathMappings", "apigateway:GET", APIGW),
    op("apigateway", "GetUsagePlans", "apigateway:GET", APIGW),
    op("apigateway", "GetUsagePlanKeys", "apigateway:GET", APIGW),
    op("apigateway", "GetApiKeys", "apigateway:GET", APIGW),
    op(
        "apigateway",
        "GetClientCertificates",
        "apigateway:GET",
        APIGW,
    ),
    op("apigateway", "GetAccount", "apigateway:GET", APIGW),
    op("apigatewayv2", "GetApis", "apigateway:GET", APIGW),
    op("apigatewayv2", "GetRoutes", "apigateway:GET", APIGW),
    op("apigatewayv2", "GetStages", "apigateway:GET", APIGW),
    op("apigatewayv2", "GetAuthorizers", "apigateway:GET", APIGW),
    op("apigatewayv2", "GetIntegrations", "apigateway:GET", APIGW),
    op("apigatewayv2", "GetApiMappings", "apigateway:GET", APIGW),
    op("wafv2", "GetWebACL", "wafv2:GetWebACL", "*"),
    op(
        "wafv2",
        "GetLoggingConfiguration",
        "wafv2:GetLoggingConfiguration",
        "*",
    ),
    op(
        "cloudwatchlogs",
        "DescribeLogGroups",
        "logs:DescribeLogGroups",
        "*",
    ),
    op(
        "cloudtrail",
        "DescribeTrails",
        "cloudtrail:DescribeTrails",
        "*",
    ),
    op(
        "cloudtrail",
        "GetTrailStatus",
        "cloudtrail:GetTrailStatus",
        "*",
    ),
    op(
        "cloudtrail",
        "GetEventSelectors",
        "cloudtrail:GetEventSelectors",
        "*",
    ),
    op("iam", "GetRole", "iam:GetRole", "*"),
    op("iam", "ListRolePolicies", "iam:ListRolePolicies", "*"),
    op("iam", "GetRolePolicy", "iam:GetRolePolicy", "*"),
    op(
        "iam",
        "ListAttachedRolePolicies",
        "iam:ListAttachedRolePolicies",
        "*",
    ),
    op("iam", "GetPolicy", "iam:GetPolicy", "*"),
    op("iam", "GetPolicyVersion", "iam:GetPolicyVersion", "*"),
    op("sts", "GetCallerIdentity", "sts:GetCallerIdentity", "*"),
    op("account", "ListRegions", "account:ListRegions", "*"),
];

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
        other => other,
    }
}

/// Only reads: the name must be on the list and start with a read verb.
pub fn is_allowed(service: &str, name: &str) -> bool {
    ["Get", "List", "Describe"]
        .iter()
        .any(|v| name.starts_with(v))
        && OPERATIONS
            .iter()
            .any(|o| o.service == service && o.name == name)
}

pub fn find(service: &str, name: &str) -> Option<&'static Operation> {
    OPERATIONS
        .iter()
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
