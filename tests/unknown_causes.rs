//! Unknown results carry their cause, and only `not_collected` ones hold SARIF back: an account
//! whose only unknowns are things the AWS API cannot tell gets SARIF, and with `--baseline` a
//! gap left by a failed call carries the baseline's failing findings forward, so no open alert
//! is closed and SARIF is written.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{gwaudit, stderr, stdout};
use serde_json::Value;

fn demo() -> Value {
    serde_json::from_str(&std::fs::read_to_string(common::demo_path()).unwrap()).unwrap()
}

/// The demo with its two failed calls answered: GetResources of the EU API (one open method)
/// and GetDomainNames in eu-west-1 (none).
fn complete_demo() -> Value {
    let mut d = demo();
    d["collection_errors"] = Value::Array(vec![]);
    let eu = &mut d["regions"][1];
    assert_eq!(eu["region"], "eu-west-1");
    eu["rest_apis"][0]["resources"] = serde_json::json!([{
        "id": "root1",
        "path": "/",
        "methods": [{"http_method": "GET", "authorization_type": "NONE"}]
    }]);
    eu["domain_names"] = Value::Array(vec![]);
    d
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path.to_str().unwrap().to_string()
}

fn json_report(snapshot: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "scan",
        "--snapshot",
        snapshot,
        "--format",
        "json",
        "--fail-on",
        "none",
    ];
    args.extend_from_slice(extra);
    let o = gwaudit(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn every_unknown_names_its_cause_and_the_summary_counts_them() {
    let report = json_report(common::demo_path().to_str().unwrap(), &[]);
    let unknown: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "unknown")
        .collect();
    assert!(!unknown.is_empty());
    for r in &unknown {
        assert!(
            r["unknown_cause"] == "not_collected" || r["unknown_cause"] == "not_determinable",
            "{r}"
        );
    }
    let by_cause = &report["summary"]["unknown_by_cause"];
    let total = by_cause["not_collected"].as_u64().unwrap()
        + by_cause["not_determinable"].as_u64().unwrap();
    assert_eq!(total, unknown.len() as u64);
    for r in report["results"].as_array().unwrap() {
        if r["status"] != "unknown" {
            assert!(r.get("unknown_cause").is_none(), "{r}");
        }
    }
}

#[test]
fn sarif_is_written_when_only_not_determinable_unknowns_remain() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = complete_demo();
    // A resource policy that does not parse: no rescan can evaluate it.
    d["regions"][0]["rest_apis"][0]["policy"] = Value::from("{\"Version\": \"2012-10-17\"");
    let snap = write(dir.path(), "complete.json", &d);

    let report = json_report(&snap, &[]);
    assert_eq!(report["scan"]["complete"], true);
    let by_cause = &report["summary"]["unknown_by_cause"];
    assert_eq!(by_cause["not_collected"], 0, "{by_cause}");
    assert!(
        by_cause["not_determinable"].as_u64().unwrap() > 0,
        "{by_cause}"
    );

    let sarif = dir.path().join("out.sarif");
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        &snap,
        "--fail-on",
        "none",
        "--output-to",
        &format!("sarif={}", sarif.display()),
        "--output-to",
        "table=-",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notes.contains("(not determinable)"), "{notes}");
    assert!(stdout(&o).contains("not determinable"), "{}", stdout(&o));

    // The demo itself has not_collected unknowns: still withheld.
    let o = gwaudit(&["scan", "--demo", "--format", "sarif", "--fail-on", "none"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("--baseline"), "{}", stderr(&o));
}

fn fingerprints(results: &Value, status: &str) -> BTreeSet<String> {
    results
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == status && r.get("muted").is_none())
        .map(|r| r["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

fn sarif_log(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every alert of a SARIF log by fingerprint, with the (rule, ARN) of each resource it stands
/// for: its related locations when it groups methods, else its location.
fn alerts(log: &Value) -> std::collections::BTreeMap<String, Vec<(String, String)>> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let rule = r["ruleId"].as_str().unwrap().to_string();
            let locations = r
                .get("relatedLocations")
                .unwrap_or(&r["locations"])
                .as_array()
                .unwrap();
            let members = locations
                .iter()
                .map(|l| {
                    let arn = l["logicalLocations"][0]["fullyQualifiedName"]
                        .as_str()
                        .unwrap();
                    (rule.clone(), arn.to_string())
                })
                .collect();
            let fp = r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap();
            (fp.to_string(), members)
        })
        .collect()
}

#[test]
fn a_baseline_carries_failing_findings_across_a_collection_gap() {
    let dir = tempfile::tempdir().unwrap();
    // Last week every call succeeded.
    let complete = write(dir.path(), "complete.json", &complete_demo());
    let baseline = json_report(&complete, &[]);
    let baseline_path = write(dir.path(), "baseline.json", &baseline);
    let was_failing = fingerprints(&baseline["results"], "fail");

    // Today GetResources and GetDomainNames are denied in eu-west-1 (the demo as it is).
    let demo_path = common::demo_path();
    let demo = demo_path.to_str().unwrap();
    let today = json_report(demo, &["--baseline", &baseline_path]);
    let carried: Vec<&Value> = today["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("carried_forward").is_some())
        .collect();
    assert!(
        carried.iter().any(|r| r["rule_id"] == "GW101"),
        "the EU API's open method is carried forward: {carried:?}"
    );
    for r in &carried {
        assert_eq!(r["status"], "fail", "{r}");
        assert_eq!(r["region"], "eu-west-1", "{r}");
        assert_eq!(r["baseline"], "unchanged", "{r}");
        assert_eq!(
            r["carried_forward"]["scanned_at"], baseline["scan"]["collected_at"],
            "{r}"
        );
        assert!(was_failing.contains(r["fingerprint"].as_str().unwrap()));
    }
    assert_eq!(
        today["baseline"]["carried_forward"].as_u64().unwrap(),
        carried.len() as u64
    );

    // SARIF is written without --allow-incomplete-sarif, and every alert that was open stays.
    let sarif = dir.path().join("today.sarif");
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        demo,
        "--baseline",
        &baseline_path,
        "--fail-on",
        "none",
        "--output-to",
        &format!("sarif={}", sarif.display()),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let uploaded: BTreeSet<String> = alerts(&sarif_log(&sarif)).into_keys().collect();
    // Last week's alerts, each with the resources it stands for (an API's failing methods are
    // one alert): one may close only when every resource it stands for passes today.
    let last_week = dir.path().join("last-week.sarif");
    let o = gwaudit(&[
        "convert",
        &baseline_path,
        "--output-to",
        &format!("sarif={}", last_week.display()),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let passing: BTreeSet<(String, String)> = today["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "pass")
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap().into(),
                r["resource_arn"].as_str().unwrap().into(),
            )
        })
        .collect();
    let closed_without_fix: Vec<(String, Vec<(String, String)>)> = alerts(&sarif_log(&last_week))
        .into_iter()
        .filter(|(fp, members)| {
            !uploaded.contains(fp) && !members.iter().all(|m| passing.contains(m))
        })
        .collect();
    assert!(
        closed_without_fix.is_empty(),
        "alerts closed by the gap: {closed_without_fix:?}"
    );

    // A baseline of another account covers nothing: SARIF is withheld.
    let mut other = baseline.clone();
    other["scan"]["account_id"] = Value::from("210987654321");
    // What a version-2 report scanned is its status view.
    other["scan"]["accounts"][0]["account_id"] = Value::from("210987654321");
    let other_path = write(dir.path(), "other.json", &other);
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        demo,
        "--baseline",
        &other_path,
        "--format",
        "sarif",
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

/// A baseline vouches for a gap only if it knew every open alert: its own scan had no gap (or
/// was covered in turn), it ran every rule run now and scanned the regions with gaps.
#[test]
fn only_a_baseline_that_knew_every_alert_unlocks_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let demo_path = common::demo_path();
    let demo = demo_path.to_str().unwrap();
    let sarif_exit = |baseline: &str| {
        gwaudit(&[
            "scan",
            "--snapshot",
            demo,
            "--baseline",
            baseline,
            "--format",
            "sarif",
            "--fail-on",
            "none",
        ])
        .status
        .code()
    };
    // Yesterday's scan had the same gap and no baseline: it never saw the EU API's methods.
    let gappy = json_report(demo, &[]);
    assert_eq!(
        sarif_exit(&write(dir.path(), "gappy.json", &gappy)),
        Some(3)
    );
    // A complete scan of fewer rules does not know the other rules' alerts.
    let complete = write(dir.path(), "complete.json", &complete_demo());
    let partial = json_report(&complete, &["--rules", "GW102"]);
    assert_eq!(
        sarif_exit(&write(dir.path(), "partial.json", &partial)),
        Some(3)
    );
    // A complete scan of every rule does.
    let full = json_report(&complete, &[]);
    assert_eq!(sarif_exit(&write(dir.path(), "full.json", &full)), Some(0));
    // And a run it covered can vouch in turn, keeping when the finding was last evaluated.
    let mut later = demo_with_date("2026-11-21T06:00:00Z");
    let later_path = write(dir.path(), "later.json", &later);
    let covered = json_report(
        &later_path,
        &["--baseline", &write(dir.path(), "full2.json", &full)],
    );
    assert_eq!(covered["baseline"]["covers_gaps"], true);
    later["collected_at"] = Value::from("2026-11-22T06:00:00Z");
    let third_path = write(dir.path(), "third.json", &later);
    let covered_path = write(dir.path(), "covered.json", &covered);
    let third = json_report(&third_path, &["--baseline", &covered_path]);
    assert_eq!(third["baseline"]["covers_gaps"], true);
    let carried: Vec<&Value> = third["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("carried_forward").is_some())
        .collect();
    assert!(!carried.is_empty());
    for r in carried {
        assert_eq!(
            r["carried_forward"]["scanned_at"], "2026-11-20T06:00:00Z",
            "{r}"
        );
    }
}

fn demo_with_date(collected_at: &str) -> Value {
    let mut d = demo();
    d["collected_at"] = Value::from(collected_at);
    d
}

/// A finding that is missing now is carried forward only when its own rule had a gap in its
/// region: a deleted API is fixed, even while an unrelated call fails there.
#[test]
fn a_deleted_resource_is_not_carried_forward_by_an_unrelated_gap() {
    let dir = tempfile::tempdir().unwrap();
    let complete = write(dir.path(), "complete.json", &complete_demo());
    let baseline = json_report(&complete, &[]);
    let baseline_path = write(dir.path(), "baseline.json", &baseline);
    assert!(baseline["results"].as_array().unwrap().iter().any(|r| {
        r["rule_id"] == "GW101" && r["status"] == "fail" && r["region"] == "eu-west-1"
    }));

    // Today the EU API is gone, and listing usage plans in eu-west-1 was throttled.
    let mut today = complete_demo();
    let eu = &mut today["regions"][1];
    eu["rest_apis"] = Value::Array(vec![]);
    eu.as_object_mut().unwrap().remove("usage_plans");
    today["collection_errors"] = serde_json::json!([{
        "service": "apigateway",
        "operation": "GetUsagePlans",
        "region": "eu-west-1",
        "code": "TooManyRequestsException",
        "message": "Rate exceeded"
    }]);
    let today_path = write(dir.path(), "today.json", &today);
    let report = json_report(&today_path, &["--baseline", &baseline_path]);
    for r in report["results"].as_array().unwrap() {
        if r.get("carried_forward").is_some() {
            assert_ne!(
                r["rule_id"], "GW101",
                "a deleted method was carried forward: {r}"
            );
        }
    }
    // Fixed, not carried: the deleted method's finding is gone from today's results.
    let gw101_fp = baseline["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_id"] == "GW101" && r["status"] == "fail" && r["region"] == "eu-west-1")
        .unwrap()["fingerprint"]
        .clone();
    assert!(!report["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["fingerprint"] == gw101_fp));
}

/// An account whose role could not be assumed is a gap over everything it had: with a baseline
/// that scanned it, its failing findings are carried forward (its alerts stay open) and SARIF
/// may be written; without one, the scan is incomplete and SARIF is withheld.
#[test]
fn an_account_not_scanned_carries_its_baseline_findings_forward() {
    use gwaudit::model::parse_snapshot;
    use gwaudit::scan::{self, ScanSettings, Source};
    let demo: Value =
        serde_json::from_str(&std::fs::read_to_string(common::demo_path()).unwrap()).unwrap();
    // us-east-1 of the demo, where GW101 and GW201 can decide everything: the only gap is
    // the account that could not be entered.
    let account = |id: &str| serde_json::json!({"account_id": id, "regions": [demo["regions"][0]], "iam": demo["iam"]});
    let selection = || gwaudit::rules::Selection {
        include: vec!["GW101".into(), "GW201".into()],
        exclude: vec![],
    };
    let doc = |accounts: Vec<Value>, not_scanned: Value| {
        let text = serde_json::json!({"schema_version": 2, "collected_at": demo["collected_at"],
            "accounts": accounts, "not_scanned": not_scanned})
        .to_string();
        parse_snapshot(&text, "org").unwrap()
    };
    let both = doc(
        vec![account("111111111111"), account("222222222222")],
        serde_json::json!([]),
    );
    let last_week = scan::run(
        &both,
        Source::Demo,
        &ScanSettings {
            selection: selection(),
            ..Default::default()
        },
    );
    assert!(last_week.scan.complete && !last_week.sarif_could_close_alerts());
    let failing_in = |report: &gwaudit::report::ScanReport, id: &str| {
        report
            .results
            .iter()
            .filter(|f| &*f.place.account_id == id && f.status == gwaudit::rules::Status::Fail)
            .map(|f| f.fingerprint)
            .collect::<BTreeSet<_>>()
    };
    let was = failing_in(&last_week, "222222222222");
    assert!(!was.is_empty());

    let one_denied = doc(
        vec![account("111111111111")],
        serde_json::json!([{"account_id": "222222222222", "code": "AccessDenied",
            "message": "not authorized", "role_arn": "arn:aws:iam::222222222222:role/R"}]),
    );
    let alone = scan::run(
        &one_denied,
        Source::Demo,
        &ScanSettings {
            selection: selection(),
            ..Default::default()
        },
    );
    assert!(!alone.scan.complete);
    assert!(alone.sarif_could_close_alerts());
    assert!(failing_in(&alone, "222222222222").is_empty());

    let settings = ScanSettings {
        baseline: Some(scan::baseline_of(&last_week, "last-week.json")),
        selection: selection(),
        ..Default::default()
    };
    let today = scan::run(&one_denied, Source::Demo, &settings);
    assert_eq!(failing_in(&today, "222222222222"), was);
    for f in today
        .results
        .iter()
        .filter(|f| &*f.place.account_id == "222222222222")
    {
        let carried = f.carried_forward.as_ref().expect("carried forward");
        assert!(carried
            .because
            .contains("account 222222222222 could not be scanned"));
    }
    assert!(!today.sarif_could_close_alerts());
    assert_eq!(
        failing_in(&today, "111111111111"),
        failing_in(&last_week, "111111111111")
    );
}

/// In the directory form each account's file is its own upload: an account with a gap is
/// withheld (named on stderr, exit 3) and every complete account's file is still written.
#[test]
fn the_directory_form_withholds_only_the_accounts_with_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let demo: Value =
        serde_json::from_str(&std::fs::read_to_string(common::demo_path()).unwrap()).unwrap();
    let doc = serde_json::json!({"schema_version": 2, "collected_at": demo["collected_at"],
    "accounts": [
        {"account_id": "111111111111", "regions": demo["regions"], "iam": demo["iam"],
         "collection_errors": demo["collection_errors"]},
        {"account_id": "222222222222", "regions": [demo["regions"][0]], "iam": demo["iam"]}
    ]});
    let snapshot = write(dir.path(), "org.json", &doc);
    let out = dir.path().join("sarif");
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "--snapshot",
            &snapshot,
            "--rules",
            "GW101,GW201",
            "--fail-on",
            "none",
        ];
        let target = format!("sarif={}/", out.display());
        args.extend(["--output-to", &target]);
        args.extend(extra);
        gwaudit(&args)
    };
    let o = scan(&[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(out.join("222222222222.sarif").exists());
    assert!(!out.join("111111111111.sarif").exists());
    let err = stderr(&o);
    assert!(
        err.contains("111111111111.sarif") && err.contains("of account 111111111111"),
        "{err}"
    );
    assert!(!err.contains("222222222222"), "{err}");

    let o = scan(&["--allow-incomplete-sarif"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("111111111111.sarif").exists());
}
