//! A value AWS sends that this version does not know, end to end through the real SDK client:
//! the proxy in front of moto answers GetRestApis with an endpoint type no SDK or gwaudit
//! knows. The API stays in the snapshot with the value as sent, a collection error names the
//! API and the field, the rules that need the endpoint type answer `unknown` (not
//! determinable) and the others still judge the API.

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
