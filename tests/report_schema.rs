//! The JSON report validates against `reports/gwaudit-report.schema.json`, for the demo and for
//! every rule fixture (so every evidence shape and status is exercised).

mod common;

use serde_json::Value;

fn validator() -> (boon::Schemas, boon::SchemaIndex) {
    common::schema("gwaudit-report.schema.json")
}

fn report_for(snapshot: &str) -> Value {
    let o = common::gwaudit(&[
        "scan",
        "--snapshot",
        snapshot,
        "--format",
        "json",
        "--fail-on",
        "none",
        "--compliance",
        "fsbp,cis-7.0,pci-dss-4.0,nist-800-53-r5",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn reports_match_the_schema() {
    let (schemas, index) = validator();
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = vec![common::demo_path()];
    inputs.extend(
        common::rule_fixtures()
            .iter()
            .map(|f| common::fixture_snapshot(f, dir.path())),
    );
    for input in inputs {
        let report = report_for(input.to_str().unwrap());
        if let Err(e) = schemas.validate(&report, index) {
            panic!(
                "{}: report does not match the schema:\n{e:#}",
                input.display()
            );
        }
    }
}

#[test]
fn schema_rejects_a_broken_report() {
    let (schemas, index) = validator();
    let mut report = report_for(common::demo_path().to_str().unwrap());
    report["results"][0]["status"] = Value::from("maybe");
    assert!(schemas.validate(&report, index).is_err());
    let mut report = report_for(common::demo_path().to_str().unwrap());
    report["scan"].as_object_mut().unwrap().remove("complete");
    assert!(schemas.validate(&report, index).is_err());
}

#[test]
fn report_summary_is_consistent() {
    let report = report_for(common::demo_path().to_str().unwrap());
    let results = report["results"].as_array().unwrap();
    assert_eq!(report["summary"]["total"], results.len());
    for status in ["pass", "fail", "unknown"] {
        let n = results.iter().filter(|r| r["status"] == status).count();
        assert_eq!(report["summary"]["by_status"][status], n, "{status}");
    }
    assert_eq!(
        report["scan"]["complete"], false,
        "the demo records collection errors"
    );
    let fps: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), results.len(), "fingerprints must be unique");
    // Each compliance requirement counts exactly the results of its rules.
    let views = report["compliance"].as_array().unwrap();
    assert_eq!(views.len(), 4);
    for view in views {
        for req in view["requirements"].as_array().unwrap() {
            let rules: Vec<&Value> = req["rules"].as_array().unwrap().iter().collect();
            for status in ["pass", "fail", "unknown"] {
                let n = results
                    .iter()
                    .filter(|r| rules.contains(&&r["rule_id"]) && r["status"] == status)
                    .count();
                assert_eq!(req[status], n, "{} {status}", req["id"]);
            }
            let expected = if req["fail"] != 0 {
                "fail"
            } else if req["unknown"] != 0 {
                "unknown"
            } else if req["pass"] != 0 {
                "pass"
            } else {
                "not_applicable"
            };
            assert_eq!(req["status"], expected, "{}", req["id"]);
        }
    }
}

/// The snapshot schema (`reports/gwaudit-snapshot.schema.json`) documents both versions: the
/// demo (schema 1), every rule fixture, and what `collect` writes (schema 2, built here by
/// loading and writing back) all match it; a document of an unknown version does not.
#[test]
fn snapshots_match_the_snapshot_schema() {
    let (schemas, index) = common::schema("gwaudit-snapshot.schema.json");
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = vec![common::demo_path()];
    inputs.extend(
        common::rule_fixtures()
            .iter()
            .map(|f| common::fixture_snapshot(f, dir.path())),
    );
    for input in inputs {
        let text = std::fs::read_to_string(&input).unwrap();
        let v1: Value = serde_json::from_str(&text).unwrap();
        let loaded = gwaudit::model::parse_snapshot(&text, "input").unwrap();
        let v2 = serde_json::to_value(&loaded).unwrap();
        assert_eq!(v2["schema_version"], 2);
        for doc in [v1, v2] {
            if let Err(e) = schemas.validate(&doc, index) {
                panic!(
                    "{}: does not match the snapshot schema:\n{e:#}",
                    input.display()
                );
            }
        }
    }
    let mut v3: Value =
        serde_json::from_str(&std::fs::read_to_string(common::demo_path()).unwrap()).unwrap();
    v3["schema_version"] = Value::from(3);
    assert!(schemas.validate(&v3, index).is_err());
}
