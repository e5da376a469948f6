//! SARIF stays within GitHub code scanning's limits at any size: 25,000 results per run, 20 runs
//! per file, 10 MB gzipped per file. Each case is built at its boundary from the demo's JSON
//! report, grown to the size needed, and rendered with `gwaudit convert`.

mod common;

use std::io::Write;
use std::path::Path;

use common::{demo_report, gwaudit, results, stderr, template, write_report};
use serde_json::{json, Value};

const MAX_RESULTS: usize = 25_000;
const MAX_GZIPPED: usize = 10_000_000;

fn convert(report: &Path, target: &str) -> std::process::Output {
    gwaudit(&[
        "convert",
        report.to_str().unwrap(),
        "--output-to",
        target,
        "--allow-incomplete-sarif",
    ])
}

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn notifications(run: &Value) -> Vec<String> {
    run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| n["message"]["text"].as_str().unwrap().to_string())
        .collect()
}

fn gzipped_len(path: &Path) -> usize {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&std::fs::read(path).unwrap()).unwrap();
    gz.finish().unwrap().len()
}

#[test]
fn a_run_holds_25000_results_and_the_next_one_is_cut_least_severe_first_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let report = demo_report();
    let t = template(&report);

    let full = results(&t, "123456789012", MAX_RESULTS, "high", "h");
    let path = write_report(dir.path(), report.clone(), full.clone());
    let out = dir.path().join("full.sarif");
    let o = convert(&path, &format!("sarif={}", out.display()));
    assert!(o.status.success(), "{}", stderr(&o));
    let log = read(&out);
    assert_eq!(
        log["runs"][0]["results"].as_array().unwrap().len(),
        MAX_RESULTS
    );
    assert!(!stderr(&o).contains("left out"), "{}", stderr(&o));
    assert!(notifications(&log["runs"][0])
        .iter()
        .all(|n| !n.contains("left out")));

    // One more, and the least severe: it is the one cut, and it is named.
    let mut over = full;
    over.extend(results(&t, "123456789012", 1, "low", "l"));
    let path = write_report(dir.path(), report, over);
    let out = dir.path().join("over.sarif");
    let o = convert(&path, &format!("sarif={}", out.display()));
    assert!(o.status.success(), "{}", stderr(&o));
    let log = read(&out);
    let run = &log["runs"][0];
    let kept = run["results"].as_array().unwrap();
    assert_eq!(kept.len(), MAX_RESULTS);
    assert!(kept.iter().all(|r| r["properties"]["severity"] == "high"));
    let rule = t["rule_id"].as_str().unwrap();
    let named = "1 results of account 123456789012 were left out";
    let notes = notifications(run);
    assert!(
        notes
            .iter()
            .any(|n| n.contains(named) && n.contains(&format!("{rule} (low) 1"))),
        "{notes:?}"
    );
    assert!(stderr(&o).contains(named), "{}", stderr(&o));
}

#[test]
fn a_file_holds_20_accounts_and_21_point_to_the_directory_form() {
    let dir = tempfile::tempdir().unwrap();
    let report = demo_report();
    let t = template(&report);
    let accounts: Vec<String> = (0..21)
        .map(|i| format!("{:012}", 100_000_000_000u64 + i))
        .collect();
    let some = |n: usize| -> Vec<Value> {
        accounts[..n]
            .iter()
            .flat_map(|a| results(&t, a, 2, "high", "a"))
            .collect()
    };
    // The demo's own account is one of the runs too, so 19 more make 20.
    let path = write_report(dir.path(), report.clone(), some(19));
    let out = dir.path().join("twenty.sarif");
    let o = convert(&path, &format!("sarif={}", out.display()));
    assert!(o.status.success(), "{}", stderr(&o));
    let log = read(&out);
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 20);
    let categories: std::collections::BTreeSet<&str> = runs
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(categories.len(), 20, "each run its own category");
    assert!(categories.contains("gwaudit/100000000000/"));

    let path = write_report(dir.path(), report, some(20));
    let out = dir.path().join("twentyone.sarif");
    let o = convert(&path, &format!("sarif={}", out.display()));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("21 accounts"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--output-to sarif=DIR/"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing is written");
}

/// Text that gzip cannot shrink much: hex digits of a pseudo-random sequence.
fn noise(seed: u64, len: usize) -> String {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            char::from_digit(((x >> 33) % 16) as u32, 16).unwrap()
        })
        .collect()
}

fn noisy(t: &Value, n: usize) -> Vec<Value> {
    let mut v = results(t, "123456789012", n, "high", "n");
    for (i, r) in v.iter_mut().enumerate() {
        r["message"] = json!(noise(i as u64, 20_000));
    }
    v
}

#[test]
fn a_file_stays_under_10_mb_gzipped_and_names_what_did_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let report = demo_report();
    let t = template(&report);

    // About 8 MB gzipped: under the limit, everything is kept.
    let path = write_report(dir.path(), report.clone(), noisy(&t, 700));
    let under = dir.path().join("under.sarif");
    let o = convert(&path, &format!("sarif={}", under.display()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read(&under)["runs"][0]["results"].as_array().unwrap().len(),
        700
    );
    let size = gzipped_len(&under);
    assert!(size > 7_000_000 && size <= MAX_GZIPPED, "{size}");

    // About 20 MB gzipped: cut at the limit, with the cut named.
    let path = write_report(dir.path(), report, noisy(&t, 2000));
    let over = dir.path().join("over.sarif");
    let o = convert(&path, &format!("sarif={}", over.display()));
    assert!(o.status.success(), "{}", stderr(&o));
    let size = gzipped_len(&over);
    assert!(size <= MAX_GZIPPED, "{size} bytes gzipped");
    assert!(size > 8_000_000, "the limit is used, not wasted: {size}");
    let log = read(&over);
    let kept = log["runs"][0]["results"].as_array().unwrap().len();
    assert!(kept < 2000 && kept > 600, "{kept}");
    let left = format!(
        "{} results of account 123456789012 were left out",
        2000 - kept
    );
    assert!(
        notifications(&log["runs"][0])
            .iter()
            .any(|n| n.contains(&left)),
        "{left}"
    );
    assert!(stderr(&o).contains(&left), "{}", stderr(&o));
}

/// Methods of one API are one alert whose fingerprint does not depend on how many fail.
#[test]
fn failing_methods_of_an_api_are_one_alert_with_a_stable_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let report = demo_report();
    let method = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["status"] == "fail" && r["resource_arn"].as_str().unwrap().contains("/methods/")
        })
        .unwrap()
        .clone();
    let alert = |results: Vec<Value>| -> Value {
        let path = write_report(dir.path(), report.clone(), results);
        let out = dir.path().join("methods.sarif");
        let o = convert(&path, &format!("sarif={}", out.display()));
        assert!(o.status.success(), "{}", stderr(&o));
        let log = read(&out);
        let results = log["runs"][0]["results"].as_array().unwrap().clone();
        assert_eq!(results.len(), 1);
        results[0].clone()
    };
    let one = alert(vec![method.clone()]);
    let mut second = method.clone();
    let (api_resource, _) = method["resource_arn"]
        .as_str()
        .unwrap()
        .rsplit_once('/')
        .unwrap();
    second["resource_arn"] = json!(format!("{api_resource}/PURGE"));
    second["resource_label"] = json!("second method");
    second["fingerprint"] = json!("0".repeat(32));
    let two = alert(vec![method, second]);
    assert_eq!(
        one["partialFingerprints"], two["partialFingerprints"],
        "the alert keeps its identity when a second method fails"
    );
    assert_eq!(two["relatedLocations"].as_array().unwrap().len(), 2);
    assert_eq!(two["properties"]["failing"], 2);
    assert!(
        !two["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .contains("/methods/")
    );
}

/// The size limit is shared fairly: one account's bulk of low alerts cannot push another
/// account's critical alert out of the file, and one result larger than the limit is cut.
#[test]
fn every_account_keeps_its_share_and_an_oversized_result_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let report = demo_report();
    let t = template(&report);
    let mut all = results(&t, "123456789012", 1500, "info", "n");
    for (i, r) in all.iter_mut().enumerate() {
        r["message"] = json!(noise(i as u64, 20_000));
    }
    let others: Vec<String> = (0..19)
        .map(|i| format!("{:012}", 200_000_000_000u64 + i))
        .collect();
    for a in &others {
        all.extend(results(&t, a, 1, "critical", "c"));
    }
    let mut huge = results(&t, "123456789012", 1, "critical", "h").remove(0);
    huge["message"] = json!(noise(7, 12_000_000));
    all.push(huge);
    let path = write_report(dir.path(), report, all);
    let out = dir.path().join("shared.sarif");
    let o = convert(&path, &format!("sarif={}", out.display()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(gzipped_len(&out) <= MAX_GZIPPED, "{}", gzipped_len(&out));
    let log = read(&out);
    for run in log["runs"].as_array().unwrap() {
        let account = run["properties"]["account"].as_str().unwrap();
        if others.iter().any(|a| a == account) {
            let kept = run["results"].as_array().unwrap();
            assert_eq!(kept.len(), 1, "{account} keeps its critical alert");
            assert_eq!(kept[0]["properties"]["severity"], "critical");
        } else {
            assert!(run["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["properties"]["severity"] != "critical"));
            assert!(notifications(run)
                .iter()
                .any(|n| n.contains("(critical) 1") && n.contains("left out")));
        }
    }
}

#[test]
fn account_ids_that_cannot_name_a_file_stop_the_directory_form_before_any_file() {
    let dir = tempfile::tempdir().unwrap();
    let report = demo_report();
    let t = template(&report);
    let mut all = results(&t, "000000000001", 1, "high", "a");
    all.extend(results(&t, "../../evil", 1, "high", "b"));
    let path = write_report(dir.path(), report, all);
    let out = dir.path().join("sarif");
    let o = convert(&path, &format!("sarif={}/", out.display()));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not 12 digits"), "{}", stderr(&o));
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
}
