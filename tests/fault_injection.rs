//! Collection under faults, through a proxy in front of moto: a storm of 429s still yields the
//! complete snapshot; AccessDenied on one operation yields `unknown` for the rules that needed
//! it, naming the permission, and a complete rest; 5xx and garbage answers never panic.

mod support;

use serde_json::Value;
use support::proxy::{self, Action, Config, Fault};
use support::{gwaudit_live, moto_url, seed};

fn scan(endpoint: &str, region: &str) -> Value {
    let o = gwaudit_live(
        &[
            "scan",
            "--region",
            region,
            "--quiet",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        endpoint,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
    serde_json::from_slice(&o.stdout).unwrap()
}

fn errors_for<'a>(report: &'a Value, op: &str) -> Vec<&'a Value> {
    report["scan"]["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["operation"] == op)
        .collect()
}

#[test]
fn throttle_storm_still_yields_the_complete_snapshot() {
    let moto = moto_url();
    seed(
        &moto,
        "eu-west-3",
        &["--rest", "3", "--resources", "2", "--stages", "2"],
    );
    // Every API Gateway read is throttled four times before it is answered.
    let faults = [
        "/restapis",
        "/apis",
        "/domainnames",
        "/usageplans",
        "/apikeys",
        "/account",
    ]
    .iter()
    .map(|p| Fault {
        method: "GET",
        path_contains: p,
        path_suffix: "",
        request_contains: &[],
        action: Action::Throttle,
        hit: 4,
        of: 1000,
        per_request: true,
    })
    .collect();
    let p = proxy::start(
        &moto,
        Config {
            faults,
            ..Default::default()
        },
    );
    let report = scan(&p.url, "eu-west-3");
    assert!(p.stats.injected.load(std::sync::atomic::Ordering::Relaxed) >= 4 * 10);
    let throttled: Vec<&Value> = report["scan"]["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == "TooManyRequestsException")
        .collect();
    assert!(throttled.is_empty(), "throttling lost data: {throttled:?}");
    let gw101: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "GW101")
        .collect();
    assert_eq!(
        gw101.len(),
        3 * 2 * 2,
        "every method of every API evaluated"
    );
    assert!(gw101.iter().all(|f| f["status"] != "unknown"));
}

#[test]
fn access_denied_on_one_operation_makes_only_its_rules_unknown() {
    let moto = moto_url();
    seed(&moto, "eu-north-1", &["--rest", "2"]);
    let p = proxy::start(
        &moto,
        Config {
            faults: vec![Fault::always("GET", "/restapis/", "/stages", Action::Deny)],
            ..Default::default()
        },
    );
    let report = scan(&p.url, "eu-north-1");
    let denied = errors_for(&report, "GetStages");
    assert_eq!(denied.len(), 2);
    assert_eq!(denied[0]["code"], "AccessDeniedException");
    assert!(denied[0]["missing_permission"]
        .as_str()
        .unwrap()
        .starts_with("apigateway:GET on arn:aws:apigateway:eu-north-1::/restapis/"));
    assert_eq!(report["scan"]["complete"], false);
    let results = report["results"].as_array().unwrap();
    for rule in ["GW401", "GW410", "GW502"] {
        let of_rule: Vec<&Value> = results
            .iter()
            .filter(|f| {
                f["rule_id"] == rule && f["resource_arn"].as_str().unwrap().contains("/restapis/")
            })
            .collect();
        assert_eq!(of_rule.len(), 2, "{rule}");
        assert!(
            of_rule.iter().all(|f| f["status"] == "unknown"),
            "{rule}: {of_rule:?}"
        );
        assert!(
            of_rule[0]["message"]
                .as_str()
                .unwrap()
                .contains("apigateway:GET"),
            "{rule}"
        );
    }
    // Method data was collected: GW101 is still judged.
    assert!(results
        .iter()
        .any(|f| f["rule_id"] == "GW101" && f["status"] == "fail"));
    // SARIF is withheld for an incomplete scan.
    let o = gwaudit_live(
        &[
            "scan",
            "--region",
            "eu-north-1",
            "--quiet",
            "--format",
            "sarif",
        ],
        &p.url,
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(o.stdout.is_empty());
}

#[test]
fn server_errors_and_garbage_never_panic() {
    let moto = moto_url();
    seed(&moto, "ap-south-1", &["--rest", "2"]);
    let p = proxy::start(
        &moto,
        Config {
            faults: vec![
                Fault::always("GET", "/restapis/", "/resources", Action::Garbage),
                Fault::always("GET", "/restapis/", "/authorizers", Action::ServerError),
                Fault::always("GET", "/domainnames", "", Action::Garbage),
            ],
            ..Default::default()
        },
    );
    let report = scan(&p.url, "ap-south-1");
    assert_eq!(
        errors_for(&report, "GetResources").len(),
        2,
        "{:#?}",
        report["scan"]["collection_errors"]
    );
    // (moto itself lacks the v2 GetAuthorizers: count the REST ones.)
    let rest_authorizer_errors = errors_for(&report, "GetAuthorizers")
        .into_iter()
        .filter(|e| e["service"] == "apigateway")
        .count();
    assert_eq!(rest_authorizer_errors, 2);
    // Both listings of domain names got garbage: the account's own (a list call, no resource)
    // and the private domains shared with it (recorded against the collection).
    let domain_errors: Vec<Option<&str>> = errors_for(&report, "GetDomainNames")
        .iter()
        .map(|e| e["resource"].as_str())
        .collect();
    assert_eq!(
        domain_errors.len(),
        2,
        "{:#?}",
        report["scan"]["collection_errors"]
    );
    assert!(domain_errors.contains(&None));
    assert!(domain_errors.contains(&Some("arn:aws:apigateway:ap-south-1::/domainnames")));
    let results = report["results"].as_array().unwrap();
    let gw101: Vec<&Value> = results.iter().filter(|f| f["rule_id"] == "GW101").collect();
    assert_eq!(gw101.len(), 2);
    assert!(gw101.iter().all(|f| f["status"] == "unknown"));
    // Stages were readable: stage rules still pass or fail.
    assert!(results
        .iter()
        .any(|f| f["rule_id"] == "GW502" && f["status"] == "fail"));
}

/// Every 429 gwaudit retried is counted in the snapshot's stats (the progress line shows the
/// same counter), and each retry is an attempt of its own.
#[test]
fn retried_throttles_are_counted() {
    let moto = moto_url();
    seed(&moto, "eu-south-1", &["--rest", "1", "--http", "0"]);
    let p = proxy::start(
        &moto,
        Config {
            faults: vec![Fault {
                method: "GET",
                path_contains: "/restapis",
                path_suffix: "",
                request_contains: &[],
                action: Action::Throttle,
                hit: 2,
                of: 1000,
                per_request: true,
            }],
            ..Default::default()
        },
    );
    let snap = support::collect_document(&p.url, "eu-south-1");
    let injected = p.stats.injected.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        injected >= 2 * 4,
        "GetRestApis, GetResources, GetStages, GetAuthorizers"
    );
    let stats = &snap["collection_stats"];
    assert_eq!(stats["throttled"], injected, "{stats}");
    assert_eq!(
        snap["accounts"][0]["collection_stats"]["throttled"],
        injected
    );
    let calls: u64 = stats["api_calls"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(
        stats["attempts"].as_u64().unwrap() >= calls + injected,
        "{stats}"
    );
    let lost: Vec<&Value> = snap["accounts"][0]["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == "TooManyRequestsException")
        .collect();
    assert!(lost.is_empty(), "{lost:?}");
}
