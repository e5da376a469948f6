//! Routing rules of custom domains (apigatewayv2 `ListRoutingRules`), end to end through the
//! real SDK client. moto implements neither routing modes nor routing rules, so the loopback
//! proxy answers them with JSON shaped as the AWS API reference documents it: a domain in
//! `ROUTING_RULE_ONLY` mode whose rule invokes a REST API moto holds. The collector keeps the
//! mode and the rules, and the exposure analysis sees the API as served by the domain (GW203:
//! its default endpoint bypasses the domain), although no base path mapping names it. A second
//! rule has an action this version does not know: it is kept, recorded, and makes whether the
//! domain serves any other API unknown, never "not served".

mod support;

use serde_json::Value;
use support::proxy;
use support::{moto_url, seed};

const REGION: &str = "ca-central-1";

/// `GetDomainNames` (REST API reference, DomainName): one regional domain routed by rules.
const DOMAINS: &str = r#"{"item":[{"domainName":"api.example.com","domainNameStatus":"AVAILABLE",
  "endpointConfiguration":{"types":["REGIONAL"],"ipAddressType":"ipv4"},
  "regionalDomainName":"d-abc123.execute-api.ca-central-1.amazonaws.com",
  "securityPolicy":"TLS_1_2","routingMode":"ROUTING_RULE_ONLY"}]}"#;

#[test]
fn a_rest_api_reached_only_through_a_routing_rule_is_served_by_the_domain() {
    let moto = moto_url();
    let seeded = seed(&moto, REGION, &["--rest", "2", "--http", "0"]);
    let api_id = seeded["rest"][0].as_str().unwrap().to_string();
    let other_id = seeded["rest"][1].as_str().unwrap().to_string();
    // ListRoutingRules (HTTP API reference, RoutingRules): one rule on a base path, and one
    // whose action is of a kind AWS may add (the SDK drops the key it does not know).
    let rules: &'static str = Box::leak(
        format!(
            r#"{{"routingRules":[{{"routingRuleId":"rr01",
              "routingRuleArn":"arn:aws:apigateway:{REGION}:123456789012:/domainnames/api.example.com/routingrules/rr01",
              "priority":50,
              "conditions":[{{"matchBasePaths":{{"anyOf":["orders"]}}}},
                            {{"matchHeaders":{{"anyOf":[{{"header":"x-version","valueGlob":"2*"}}]}}}}],
              "actions":[{{"invokeApi":{{"apiId":"{api_id}","stage":"prod","stripBasePath":true}}}}]}},
              {{"routingRuleId":"rr02",
              "routingRuleArn":"arn:aws:apigateway:{REGION}:123456789012:/domainnames/api.example.com/routingrules/rr02",
              "priority":60,
              "conditions":[{{"matchBasePaths":{{"anyOf":["beta"]}}}}],
              "actions":[{{"invokeFunction":{{"functionArn":"arn:aws:lambda:{REGION}:123456789012:function:f"}}}}]}}]}}"#
        )
        .into_boxed_str(),
    );
    let mut config = proxy::answering(&[
        ("/domainnames", "/domainnames", DOMAINS),
        (
            "/domainnames/api.example.com",
            "/basepathmappings",
            r#"{"item":[]}"#,
        ),
        (
            "/v2/domainnames/api.example.com",
            "/apimappings",
            r#"{"items":[]}"#,
        ),
        ("/v2/domainnames/api.example.com", "/routingrules", rules),
    ]);
    // No private domain is shared with the account.
    config.faults.insert(
        0,
        proxy::answering_when(
            "/domainnames",
            "/domainnames",
            &["resourceOwner=OTHER_ACCOUNTS"],
            r#"{"item":[]}"#,
        ),
    );
    let p = proxy::start(&moto, config);
    let snapshot = support::collect(&p.url, REGION);
    let domain = &snapshot["regions"][0]["domain_names"][0];
    assert_eq!(
        snapshot["regions"][0]["shared_domain_names"],
        serde_json::json!([])
    );
    // No private domain, owned or shared: no access association to list, no call spent.
    assert_eq!(
        snapshot["regions"][0]["domain_name_access_associations"],
        serde_json::json!([])
    );
    assert!(snapshot["collection_stats"]["api_calls"]
        .get("apigateway:GetDomainNameAccessAssociations")
        .is_none());
    assert_eq!(domain["routing_mode"], "ROUTING_RULE_ONLY", "{snapshot}");
    let rule = &domain["routing_rules"][0];
    assert_eq!(rule["routing_rule_id"], "rr01");
    assert_eq!(rule["priority"], 50);
    assert_eq!(rule["conditions"][0]["match_base_paths"][0], "orders");
    assert_eq!(
        rule["conditions"][1]["match_headers"][0]["value_glob"],
        "2*"
    );
    assert_eq!(rule["actions"][0]["invoke_api"]["api_id"], api_id.as_str());
    assert_eq!(rule["actions"][0]["invoke_api"]["strip_base_path"], true);
    // The rule with the unknown action is kept, with no action read, and recorded.
    let unknown = &domain["routing_rules"][1];
    assert_eq!(unknown["routing_rule_id"], "rr02");
    assert!(unknown["actions"][0]["invoke_api"].is_null(), "{unknown}");
    let errors: Vec<&Value> = snapshot["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["operation"] == "ListRoutingRules" || e["operation"] == "GetDomainNames")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["code"], "UnknownValue");
    assert!(errors[0]["resource"]
        .as_str()
        .unwrap()
        .ends_with("/domainnames/api.example.com"));
    assert!(errors[0]["message"].as_str().unwrap().contains("rr02"));

    // Offline: GW203 sees the API served by the domain through the rule alone.
    let report = support::scan_json(&snapshot, &["--rules", "GW203"]);
    let gw203: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["resource_arn"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/restapis/{api_id}"))
        })
        .collect();
    assert_eq!(gw203.len(), 1, "{report}");
    assert_eq!(gw203[0]["status"], "fail");
    assert!(gw203[0]["message"]
        .as_str()
        .unwrap()
        .contains("api.example.com"));
    // No known rule invokes the other API, but rr02 may: unknown, never "not served".
    let other: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["resource_arn"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/restapis/{other_id}"))
        })
        .collect();
    assert_eq!(other.len(), 1, "{report}");
    assert_eq!(other[0]["status"], "unknown");
    assert_eq!(other[0]["unknown_cause"], "not_determinable");
    assert!(other[0]["message"].as_str().unwrap().contains("rr02"));
}
