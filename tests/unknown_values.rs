//! A value AWS sends that this version does not know, end to end through the real SDK client:
//! the proxy in front of moto rewrites moto's answers (or answers as the API reference
//! documents, for fields moto leaves empty) with enum values no SDK or gwaudit knows. The
//! resource stays in the snapshot with the value as sent, a collection error names the
//! resource and the field, the rules that need the value answer `unknown` (not determinable)
//! and the others still judge the resource.

mod support;

use std::sync::atomic::Ordering;

use serde_json::Value;
use support::proxy::{self, Action, Config, Fault};
use support::{moto_url, seed};

const REGION: &str = "ap-northeast-3";

#[test]
fn an_unknown_endpoint_type_is_kept_and_only_its_rules_are_unknown() {
    let moto = moto_url();
    seed(&moto, REGION, &["--rest", "1", "--http", "0"]);
    let p = proxy::start(
        &moto,
        Config {
            // moto creates the API REGIONAL; AWS may one day answer a type this version
            // does not know.
            faults: vec![Fault::always(
                "GET",
                "/restapis",
                "/restapis",
                Action::Rewrite {
                    from: "\"REGIONAL\"",
                    to: "\"QUANTUM\"",
                },
            )],
            ..Default::default()
        },
    );
    let document = support::collect_document(&p.url, REGION);
    let snapshot = &document["accounts"][0];
    assert!(p.stats.injected.load(Ordering::Relaxed) > 0);

    // The API is kept, with the value as AWS sent it.
    let apis = snapshot["regions"][0]["rest_apis"].as_array().unwrap();
    assert_eq!(apis.len(), 1, "{snapshot}");
    assert_eq!(apis[0]["endpoint_types"], serde_json::json!(["QUANTUM"]));
    let api_id = apis[0]["id"].as_str().unwrap();

    // A collection error names the API and the field.
    let errors: Vec<&Value> = snapshot["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == "UnknownValue")
        .collect();
    assert_eq!(errors.len(), 1, "{snapshot}");
    assert_eq!(errors[0]["operation"], "GetRestApis");
    assert!(errors[0]["resource"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/restapis/{api_id}")));
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("endpointConfiguration.types") && message.contains("QUANTUM"),
        "{message}"
    );

    // Offline evaluation of that snapshot: what needs the type is unknown, the rest judged.
    let report = support::scan_json(&document, &[]);
    let results = report["results"].as_array().unwrap();
    let of = |rule: &str| -> Vec<&Value> {
        results
            .iter()
            .filter(|r| {
                r["rule_id"] == rule
                    && r["resource_arn"]
                        .as_str()
                        .unwrap()
                        .contains(&format!("/restapis/{api_id}"))
            })
            .collect()
    };
    for rule in ["GW201", "GW202"] {
        let found = of(rule);
        assert_eq!(found.len(), 1, "{rule}: {found:?}");
        assert_eq!(found[0]["status"], "unknown", "{rule}");
        assert_eq!(found[0]["unknown_cause"], "not_determinable", "{rule}");
        assert!(
            found[0]["message"].as_str().unwrap().contains("QUANTUM"),
            "{rule}"
        );
    }
    // Method authorization does not depend on the endpoint type: still judged (the seeded
    // API has an open method).
    let gw101 = of("GW101");
    assert!(!gw101.is_empty(), "{results:?}");
    assert!(gw101.iter().all(|r| r["status"] != "unknown"), "{gw101:?}");
}

/// Leaks a formatted canned answer: the proxy's faults hold `&'static str`.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The collection errors of code `UnknownValue`, each as (resource, message).
fn unknown_values(snapshot: &Value) -> Vec<(String, String)> {
    snapshot["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == "UnknownValue")
        .map(|e| {
            let resource = e["resource"].as_str().unwrap_or_default().to_string();
            (resource, e["message"].as_str().unwrap().to_string())
        })
        .collect()
}

/// Asserts one `UnknownValue` error about a resource ending in `suffix` whose message names
/// `field` and `value`.
fn assert_recorded(errors: &[(String, String)], suffix: &str, field: &str, value: &str) {
    let found = errors
        .iter()
        .any(|(r, m)| r.ends_with(suffix) && m.contains(field) && m.contains(value));
    assert!(
        found,
        "no UnknownValue error for {suffix} ({field} = {value}): {errors:?}"
    );
}

/// The results of `rule` for the resource whose ARN ends with `suffix`.
fn results<'r>(report: &'r Value, rule: &str, suffix: &str) -> Vec<&'r Value> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule_id"] == rule && r["resource_arn"].as_str().unwrap().ends_with(suffix))
        .collect()
}

/// The one result of `rule` for the resource ending in `suffix`, with its status.
fn status_of(report: &Value, rule: &str, suffix: &str) -> String {
    let found = results(report, rule, suffix);
    assert_eq!(found.len(), 1, "{rule} {suffix}: {found:?}");
    if found[0]["status"] == "unknown" {
        assert_eq!(
            found[0]["unknown_cause"], "not_determinable",
            "{rule} {suffix}"
        );
    }
    found[0]["status"].as_str().unwrap().to_string()
}

/// REST APIs: a method authorization type and an integration type moto cannot send (the
/// proxy rewrites its GetResources answers), and a stage logging level and an authorizer type
/// answered as the API reference documents them. Every one is kept raw and recorded against
/// its method, stage or authorizer; the other methods and both APIs are still collected and
/// judged.
#[test]
fn unknown_rest_enum_values_are_kept_and_only_their_rules_are_unknown() {
    const REGION: &str = "ap-southeast-3";
    let moto = moto_url();
    let seeded = seed(&moto, REGION, &["--rest", "2", "--http", "0"]);
    let (a, b) = (
        seeded["rest"][0].as_str().unwrap().to_string(),
        seeded["rest"][1].as_str().unwrap().to_string(),
    );
    let stages = r#"{"item":[{"stageName":"prod","deploymentId":"d1","methodSettings":{"*/*":
      {"metricsEnabled":false,"loggingLevel":"DEBUG","dataTraceEnabled":false,
       "throttlingBurstLimit":5000,"throttlingRateLimit":10000.0,"cachingEnabled":false,
       "cacheTtlInSeconds":300,"cacheDataEncrypted":false,
       "requireAuthorizationForCacheControl":true,
       "unauthorizedCacheControlHeaderStrategy":"SUCCEED_WITH_RESPONSE_HEADER"}},
      "tracingEnabled":false,"cacheClusterEnabled":false}]}"#;
    let authorizers = r#"{"item":[{"id":"au1","name":"stream-auth","type":"STREAMING_REQUEST",
      "identitySource":"method.request.header.Authorization",
      "authorizerResultTtlInSeconds":300}]}"#;
    let (path_a, path_b) = (
        leak(format!("/restapis/{a}/")),
        leak(format!("/restapis/{b}/")),
    );
    let p = proxy::start(
        &moto,
        Config {
            faults: vec![
                // moto seeds GET with NONE and POST with AWS_IAM on every resource.
                Fault::always(
                    "GET",
                    path_a,
                    "/resources",
                    Action::Rewrite {
                        from: r#""authorizationType": "AWS_IAM""#,
                        to: r#""authorizationType": "AWS_QUANTUM""#,
                    },
                ),
                Fault::always("GET", path_a, "/stages", Action::Respond(stages)),
                Fault::always("GET", path_a, "/authorizers", Action::Respond(authorizers)),
                Fault::always(
                    "GET",
                    path_b,
                    "/resources",
                    Action::Rewrite {
                        from: r#""type": "HTTP_PROXY""#,
                        to: r#""type": "HTTP_STREAM""#,
                    },
                ),
            ],
            ..Default::default()
        },
    );
    let snapshot = support::collect(&p.url, REGION);
    let apis = snapshot["regions"][0]["rest_apis"].as_array().unwrap();
    let api = |id: &str| apis.iter().find(|x| x["id"] == id).expect("API kept");
    let methods = |id: &str| -> Vec<Value> {
        (api(id)["resources"]
            .as_array()
            .expect("resources collected")
            .iter())
        .flat_map(|r| r["methods"].as_array().unwrap().clone())
        .collect()
    };

    // Kept as sent, next to the known values of the same API.
    let ma = methods(&a);
    assert_eq!(ma.len(), 4, "{ma:?}");
    for m in &ma {
        let expected = if m["http_method"] == "GET" {
            "NONE"
        } else {
            "AWS_QUANTUM"
        };
        assert_eq!(m["authorization_type"], expected, "{m}");
    }
    assert_eq!(
        api(&a)["stages"][0]["method_settings"]["*/*"]["logging_level"],
        "DEBUG"
    );
    assert_eq!(api(&a)["authorizers"][0]["type"], "STREAMING_REQUEST");
    let mb = methods(&b);
    assert_eq!(mb.len(), 4, "{mb:?}");
    assert!(
        mb.iter().all(|m| m["integration"]["type"] == "HTTP_STREAM"),
        "{mb:?}"
    );
    assert!(mb.iter().all(|m| m["authorization_type"] != "AWS_QUANTUM"));

    // One error per value, naming the method, stage or authorizer and the field.
    let errors = unknown_values(&snapshot);
    assert_eq!(errors.len(), 2 + 1 + 1 + 4, "{errors:?}");
    assert_recorded(&errors, "/methods/POST", "authorizationType", "AWS_QUANTUM");
    assert_recorded(&errors, "/stages/prod", "loggingLevel", "DEBUG");
    assert_recorded(&errors, "/authorizers/au1", "type", "STREAMING_REQUEST");
    assert_recorded(
        &errors,
        "/methods/GET",
        "methodIntegration.type",
        "HTTP_STREAM",
    );
    assert!(errors.iter().all(|(r, _)| r.contains(&a) || r.contains(&b)));

    // Offline: what needs the value is unknown, the rest judged.
    let report = support::scan_json(&snapshot, &[]);
    let method_of = |id: &str, verb: &str| -> String {
        let m = (api(id)["resources"].as_array().unwrap().iter())
            .find(|r| r["path"] == "/res0")
            .unwrap();
        format!(
            "/restapis/{id}/resources/{}/methods/{verb}",
            m["id"].as_str().unwrap()
        )
    };
    assert_eq!(
        status_of(&report, "GW101", &method_of(&a, "POST")),
        "unknown"
    );
    assert_eq!(status_of(&report, "GW101", &method_of(&a, "GET")), "fail");
    assert_eq!(status_of(&report, "GW205", &method_of(&a, "GET")), "fail");
    assert_eq!(
        status_of(&report, "GW205", &method_of(&b, "GET")),
        "unknown"
    );
    assert_eq!(status_of(&report, "GW101", &method_of(&b, "GET")), "fail");
    assert_eq!(
        status_of(&report, "GW501", &format!("/restapis/{a}/stages/prod")),
        "unknown"
    );
    assert_eq!(
        status_of(&report, "GW106", &format!("/restapis/{a}/authorizers/au1")),
        "unknown"
    );
    for id in [&a, &b] {
        assert_ne!(
            status_of(&report, "GW204", &format!("/restapis/{id}")),
            "unknown"
        );
    }
}

/// HTTP APIs: a protocol type, route authorization type, stage logging level, integration
/// and connection type and authorizer type this version does not know. The API of an unknown
/// protocol is kept with its routes; each value is kept raw and recorded against its
/// resource, and both APIs are still judged by the rules that do not need the value.
#[test]
fn unknown_v2_enum_values_are_kept_and_only_their_rules_are_unknown() {
    const REGION: &str = "me-central-1";
    let moto = moto_url();
    let seeded = seed(&moto, REGION, &["--rest", "0", "--http", "2"]);
    let (a, b) = (
        seeded["http"][0].as_str().unwrap().to_string(),
        seeded["http"][1].as_str().unwrap().to_string(),
    );
    let stages = r#"{"items":[{"stageName":"prod","autoDeploy":true,
      "defaultRouteSettings":{"detailedMetricsEnabled":false,"loggingLevel":"DEBUG"},
      "routeSettings":{},"stageVariables":{},"tags":{}}]}"#;
    let integrations = r#"{"items":[{"integrationId":"i1","integrationType":"HTTP_STREAM",
      "integrationUri":"https://stream.example.com","integrationMethod":"GET",
      "connectionType":"VPC_LATTICE","payloadFormatVersion":"1.0"}]}"#;
    let authorizers = r#"{"items":[{"authorizerId":"au1","name":"oidc","authorizerType":"OIDC",
      "identitySource":["$request.header.Authorization"]}]}"#;
    let path_a = leak(format!("/v2/apis/{a}/"));
    let p = proxy::start(
        &moto,
        Config {
            faults: vec![
                // The second seeded API (moto: `"name": "http-1", "protocolType": "HTTP"`).
                Fault::always(
                    "GET",
                    "/v2/apis",
                    "/v2/apis",
                    Action::Rewrite {
                        from: r#""name": "http-1", "protocolType": "HTTP""#,
                        to: r#""name": "http-1", "protocolType": "GRPC""#,
                    },
                ),
                Fault::always(
                    "GET",
                    path_a,
                    "/routes",
                    Action::Rewrite {
                        from: r#""authorizationType": "NONE""#,
                        to: r#""authorizationType": "AWS_QUANTUM""#,
                    },
                ),
                Fault::always("GET", path_a, "/stages", Action::Respond(stages)),
                Fault::always(
                    "GET",
                    path_a,
                    "/integrations",
                    Action::Respond(integrations),
                ),
                Fault::always("GET", path_a, "/authorizers", Action::Respond(authorizers)),
            ],
            ..Default::default()
        },
    );
    let snapshot = support::collect(&p.url, REGION);
    let apis = snapshot["regions"][0]["v2_apis"].as_array().unwrap();
    assert_eq!(apis.len(), 2, "{apis:?}");
    let api = |id: &str| apis.iter().find(|x| x["api_id"] == id).expect("API kept");

    // The API of an unknown protocol is kept, with its routes.
    assert_eq!(api(&b)["protocol_type"], "GRPC");
    assert_eq!(api(&b)["routes"][0]["authorization_type"], "NONE");
    assert_eq!(api(&a)["protocol_type"], "HTTP");
    assert_eq!(api(&a)["routes"][0]["authorization_type"], "AWS_QUANTUM");
    let stage = &api(&a)["stages"][0];
    assert_eq!(stage["default_route_settings"]["logging_level"], "DEBUG");
    let integration = &api(&a)["integrations"][0];
    assert_eq!(integration["integration_type"], "HTTP_STREAM");
    assert_eq!(integration["connection_type"], "VPC_LATTICE");
    assert_eq!(api(&a)["authorizers"][0]["authorizer_type"], "OIDC");

    let errors = unknown_values(&snapshot);
    assert_eq!(errors.len(), 6, "{errors:?}");
    assert_recorded(&errors, &format!("/apis/{b}"), "protocolType", "GRPC");
    let route = api(&a)["routes"][0]["route_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_recorded(
        &errors,
        &format!("/apis/{a}/routes/{route}"),
        "authorizationType",
        "AWS_QUANTUM",
    );
    assert_recorded(
        &errors,
        "/stages/prod",
        "defaultRouteSettings.loggingLevel",
        "DEBUG",
    );
    assert_recorded(
        &errors,
        "/integrations/i1",
        "integrationType",
        "HTTP_STREAM",
    );
    assert_recorded(&errors, "/integrations/i1", "connectionType", "VPC_LATTICE");
    assert_recorded(&errors, "/authorizers/au1", "authorizerType", "OIDC");

    let report = support::scan_json(&snapshot, &[]);
    let route_of = |id: &str| {
        let r = api(id)["routes"][0]["route_id"]
            .as_str()
            .unwrap()
            .to_string();
        format!("/apis/{id}/routes/{r}")
    };
    for (rule, path) in [
        ("GW103", route_of(&a)),
        ("GW103", format!("/apis/{b}")),
        ("GW406", format!("/apis/{b}")),
        ("GW406", format!("/apis/{a}")),
        ("GW105", format!("/apis/{a}/authorizers/au1")),
        ("GW205", format!("/apis/{a}/integrations/i1")),
    ] {
        assert_eq!(status_of(&report, rule, &path), "unknown", "{rule} {path}");
    }
    // Exposure needs none of these values: both APIs are judged.
    for id in [&a, &b] {
        assert_eq!(status_of(&report, "GW204", &format!("/apis/{id}")), "pass");
    }
}
