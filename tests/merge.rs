//! `gwaudit merge`: the reports of the shards of a scan, merged, are the report of the whole
//! scan; overlapping or foreign inputs are refused; the merge's own mutes, baseline, compliance
//! views, formats and exit codes apply. Every report comes from the real binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{gwaudit, stderr};
use serde_json::{json, Value};

/// Account ids in `fixtures/org/two-accounts.json`: the demo account, a copy of it with fewer
/// APIs and no failed call, and one whose role could not be assumed.
const DEMO: &str = "123456789012";
const COPY: &str = "210987654321";
const LOCKED: &str = "333333333333";

fn org_path() -> PathBuf {
    common::root().join("fixtures/org/two-accounts.json")
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn write(path: &Path, v: &Value) -> String {
    std::fs::write(path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

fn run(args: &[&str]) -> Output {
    let o = gwaudit(args);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    o
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// The two-account snapshot cut into single-account schema-2 documents, one per account of
/// `accounts` and one per account of `not_scanned`: the shards of an organization scan.
fn shard_snapshots(doc: &Value, dir: &Path) -> Vec<String> {
    let mut shards = Vec::new();
    let run_fields = |accounts: Value, not_scanned: Value| {
        json!({
            "schema_version": 2,
            "tool_version": doc["tool_version"],
            "collected_at": doc["collected_at"],
            "partition": doc["partition"],
            "accounts": accounts,
            "not_scanned": not_scanned,
        })
    };
    for a in doc["accounts"].as_array().unwrap() {
        let shard = run_fields(json!([a]), json!([]));
        let path = dir.join(format!(
            "snapshot-{}.json",
            a["account_id"].as_str().unwrap()
        ));
        shards.push(write(&path, &shard));
    }
    for n in doc["not_scanned"].as_array().unwrap() {
        let shard = run_fields(json!([]), json!([n]));
        let path = dir.join(format!(
            "snapshot-{}.json",
            n["account_id"].as_str().unwrap()
        ));
        shards.push(write(&path, &shard));
    }
    shards
}

/// `scan --snapshot SNAPSHOT --format json` written to `out`.
fn scan_to(snapshot: &str, out: &Path, extra: &[&str]) -> String {
    let out = out.to_str().unwrap().to_string();
    let mut args = vec![
        "scan",
        "--snapshot",
        snapshot,
        "--format",
        "json",
        "--output",
        &out,
        "--fail-on",
        "none",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    out
}

/// The shard reports of the two-account fixture, in `dir`: one per account, the not-scanned
/// one included. The demo account's comes from the demo's own schema-1 snapshot.
fn shard_reports(dir: &Path, extra: &[&str]) -> Vec<String> {
    let snapshots = shard_snapshots(&read(&org_path()), dir);
    snapshots
        .iter()
        .map(|s| {
            let snapshot = if s.contains(DEMO) {
                common::demo_path().to_str().unwrap().to_string()
            } else {
                s.clone()
            };
            let name = Path::new(s).file_name().unwrap().to_str().unwrap();
            scan_to(
                &snapshot,
                &dir.join(name.replace("snapshot", "shard")),
                extra,
            )
        })
        .collect()
}

fn merge_json(inputs: &[&str], extra: &[&str]) -> (Value, Output) {
    let mut args = vec!["merge"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["--format", "json"]);
    args.extend_from_slice(extra);
    let o = run(&args);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("merge wrote no JSON ({e}): {}", stderr(&o)));
    (v, o)
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn fingerprints(report: &Value) -> Vec<&str> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fingerprint"].as_str().unwrap())
        .collect()
}

#[test]
fn a_schema_1_and_a_schema_2_snapshot_load() {
    let demo = common::demo_report();
    assert_eq!(demo["scan"]["account_id"], DEMO);
    let dir = tempfile::tempdir().unwrap();
    let org = org_path();
    let report = read(Path::new(&scan_to(
        org.to_str().unwrap(),
        &dir.path().join("org.json"),
        &[],
    )));
    assert_eq!(report["scan"]["account_id"], "", "several accounts");
    let accounts: Vec<(&str, &str)> = report["scan"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account_id"].as_str().unwrap(),
                a["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        accounts,
        [
            (DEMO, "incomplete"),
            (COPY, "scanned"),
            (LOCKED, "not_scanned")
        ]
    );
    let in_copy = |r: &&Value| r["account_id"] == COPY;
    let results = report["results"].as_array().unwrap();
    assert!(results.iter().filter(in_copy).count() > 50);
    assert!(results.iter().any(|r| r["account_id"] == DEMO));
    // The copy is the demo with its own account id everywhere, us-east-1 only.
    assert!(results
        .iter()
        .filter(in_copy)
        .all(|r| r["region"] == "us-east-1" && !r.to_string().contains(DEMO)));
}

#[test]
fn merging_the_shards_of_a_scan_gives_that_scan() {
    let dir = tempfile::tempdir().unwrap();
    let whole = scan_to(
        org_path().to_str().unwrap(),
        &dir.path().join("whole.json"),
        &["--compliance", "fsbp"],
    );
    let whole = read(Path::new(&whole));
    let mut shards = shard_reports(dir.path(), &[]);
    assert_eq!(shards.len(), 3);
    // The order of the inputs does not matter.
    shards.reverse();
    let (merged, o) = merge_json(
        &strs(&shards),
        &["--fail-on", "none", "--compliance", "fsbp"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fingerprints(&merged), fingerprints(&whole));
    assert_eq!(merged["results"], whole["results"]);
    assert_eq!(merged["summary"], whole["summary"]);
    assert_eq!(merged["scan"], whole["scan"]);
    assert_eq!(merged["compliance"], whole["compliance"]);
    assert_eq!(merged["report_version"], whole["report_version"]);
    assert_eq!(merged["settings"]["source"], "merge");
    assert_eq!(merged["settings"]["merged"], json!(shards));
    let summary = stderr(&o);
    assert!(
        summary.contains("3 accounts: 1 scanned, 1 incomplete, 1 not scanned; 2 regions")
            && summary.contains("1 account not scanned"),
        "{summary}"
    );
    // A merged report merges again, and a report alone merges into itself.
    let again = write(&dir.path().join("merged.json"), &merged);
    let (twice, _) = merge_json(&[&again], &["--fail-on", "none", "--compliance", "fsbp"]);
    assert_eq!(twice["results"], whole["results"]);
    assert_eq!(twice["scan"], whole["scan"]);
}

#[test]
fn the_merged_report_matches_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let shards = shard_reports(dir.path(), &[]);
    let (merged, _) = merge_json(&strs(&shards), &["--fail-on", "none"]);
    let (schemas, index) = common::schema("gwaudit-report.schema.json");
    if let Err(e) = schemas.validate(&merged, index) {
        panic!("the merged report does not match the schema: {e:#}");
    }
}

fn expect_refusal(args: &[&str], needles: &[&str]) {
    let o = run(args);
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "{err}");
    for n in needles {
        assert!(err.contains(n), "the error must name `{n}`: {err}");
    }
    assert!(o.stdout.is_empty(), "no report on a refusal");
}

#[test]
fn overlapping_foreign_and_mismatched_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let shards = shard_reports(dir.path(), &[]);
    let whole = scan_to(
        org_path().to_str().unwrap(),
        &dir.path().join("whole.json"),
        &[],
    );
    let demo_shard = shards.iter().find(|s| s.contains(DEMO)).unwrap();
    let copy_shard = shards.iter().find(|s| s.contains(COPY)).unwrap();
    let locked_shard = shards.iter().find(|s| s.contains(LOCKED)).unwrap();
    // The same account-region in two inputs: both files and the account-region named.
    expect_refusal(
        &["merge", copy_shard, &whole],
        &[copy_shard, &whole, COPY, "us-east-1"],
    );
    // An account not scanned in one input and present in another.
    expect_refusal(
        &["merge", &whole, locked_shard],
        &[&whole, locked_shard, LOCKED],
    );
    // The same file twice, also under another spelling of its path.
    expect_refusal(&["merge", copy_shard, copy_shard], &[copy_shard, "twice"]);
    let other_spelling = dir.path().join(".").join("shard-210987654321.json");
    expect_refusal(
        &["merge", copy_shard, other_spelling.to_str().unwrap()],
        &[copy_shard],
    );
    // Another report version: a version-1 report (this is how version 1 differs from 2).
    let mut old = read(Path::new(demo_shard));
    old["report_version"] = json!(1);
    old["scan"].as_object_mut().unwrap().remove("accounts");
    for e in old["scan"]["collection_errors"].as_array_mut().unwrap() {
        e.as_object_mut().unwrap().remove("account_id");
    }
    let old = write(&dir.path().join("v1.json"), &old);
    expect_refusal(
        &["merge", copy_shard, &old],
        &[&old, copy_shard, "version-1", "version-2"],
    );
    expect_refusal(&["merge", &old], &[&old, "version-1", "again"]);
    // A future version.
    let mut future = read(Path::new(copy_shard));
    future["report_version"] = json!(3);
    let future = write(&dir.path().join("v3.json"), &future);
    expect_refusal(
        &["merge", demo_shard, &future],
        &[&future, "report_version 3"],
    );
    // Not a gwaudit report: a snapshot, a SARIF file, invalid JSON, a JSON array.
    let snapshot = org_path();
    let snapshot = snapshot.to_str().unwrap();
    expect_refusal(
        &["merge", copy_shard, snapshot],
        &[snapshot, "not a gwaudit JSON report"],
    );
    let sarif = dir.path().join("x.sarif");
    std::fs::write(&sarif, r#"{"version": "2.1.0", "runs": []}"#).unwrap();
    let sarif = sarif.to_str().unwrap();
    expect_refusal(&["merge", sarif], &[sarif, "not a gwaudit JSON report"]);
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"report_version\": 2, \"results\": [").unwrap();
    let broken = broken.to_str().unwrap();
    expect_refusal(
        &["merge", copy_shard, broken],
        &[broken, "not a JSON document"],
    );
    let array = dir.path().join("array.json");
    std::fs::write(&array, "[2]").unwrap();
    let array = array.to_str().unwrap();
    expect_refusal(&["merge", array], &[array, "not a gwaudit JSON report"]);
    let missing = dir.path().join("missing.json");
    let missing = missing.to_str().unwrap();
    expect_refusal(&["merge", copy_shard, missing], &[missing]);
    // Other rules evaluated: the merged report would claim GW5 ran in the copy.
    let narrow = scan_to(
        &shard_snapshots(&read(&org_path()), dir.path())[1],
        &dir.path().join("narrow.json"),
        &["--rules", "GW1"],
    );
    expect_refusal(
        &["merge", demo_shard, &narrow],
        &[demo_shard, &narrow, "different rules", "GW501"],
    );
    // Another partition.
    let mut china = read(Path::new(copy_shard));
    china["scan"]["partition"] = json!("aws-cn");
    let china = write(&dir.path().join("cn.json"), &china);
    expect_refusal(
        &["merge", demo_shard, &china],
        &[demo_shard, &china, "aws-cn"],
    );
    // An edited report: a result of an account-region the report does not list.
    let mut edited = read(Path::new(copy_shard));
    edited["results"][0]["region"] = json!("ap-south-1");
    let edited = write(&dir.path().join("edited.json"), &edited);
    expect_refusal(&["merge", demo_shard, &edited], &[&edited, "ap-south-1"]);
    // No input at all is a usage error.
    expect_refusal(&["merge"], &["REPORT.json"]);
}

#[test]
fn the_same_account_in_two_runs_of_different_regions_merges() {
    let dir = tempfile::tempdir().unwrap();
    let demo = read(&common::demo_path());
    let mut by_region = Vec::new();
    for region in ["us-east-1", "eu-west-1"] {
        let mut part = demo.clone();
        part["regions"] = json!(demo["regions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["region"] == region)
            .collect::<Vec<_>>());
        part["collection_errors"] = json!(demo["collection_errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["region"] == region || e["region"].is_null())
            .collect::<Vec<_>>());
        let snapshot = write(&dir.path().join(format!("demo-{region}.json")), &part);
        by_region.push(scan_to(
            &snapshot,
            &dir.path().join(format!("report-{region}.json")),
            &[],
        ));
    }
    let whole = common::demo_report();
    let (merged, o) = merge_json(&strs(&by_region), &["--fail-on", "none"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Every result is its run's, unchanged, in the order of a scan of both regions.
    assert_eq!(fingerprints(&merged), fingerprints(&whole));
    let runs: Vec<Value> = by_region.iter().map(|r| read(Path::new(r))).collect();
    for r in merged["results"].as_array().unwrap() {
        let run = &runs[usize::from(r["region"] == "eu-west-1")];
        assert!(run["results"].as_array().unwrap().contains(r), "{r}");
    }
    assert_eq!(merged["scan"]["account_id"], DEMO);
    assert_eq!(merged["scan"]["regions"], whole["scan"]["regions"]);
    assert_eq!(merged["scan"]["complete"], false);
    assert_eq!(
        merged["scan"]["collection_errors"],
        whole["scan"]["collection_errors"]
    );
    let account = &merged["scan"]["accounts"];
    assert_eq!(account.as_array().unwrap().len(), 1);
    assert_eq!(account[0]["status"], "incomplete");
    assert_eq!(account[0]["regions"][0]["status"], "scanned");
    assert_eq!(account[0]["regions"][1]["status"], "incomplete");
    // A rule that looks across regions judged from what its run saw: the eu-west-1 run did
    // not see the multi-Region trail homed in us-east-1. The merge keeps that verdict (the
    // README says so); a scan of both regions at once sees the trail.
    let gw601 = |report: &Value| {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule_id"] == "GW601" && r["region"] == "eu-west-1")
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(gw601(&merged), "fail");
    assert_eq!(gw601(&whole), "pass");
}

#[test]
fn fail_on_and_strict_decide_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let shards = shard_reports(dir.path(), &[]);
    let all = strs(&shards);
    let exit = |extra: &[&str], inputs: &[&str]| {
        let mut args = vec!["merge"];
        args.extend_from_slice(inputs);
        args.extend_from_slice(&["--format", "json", "--output"]);
        let out = dir.path().join("out.json");
        args.push(out.to_str().unwrap());
        args.extend_from_slice(extra);
        code(&run(&args))
    };
    assert_eq!(
        exit(&[], &all),
        1,
        "high findings fail at the default --fail-on high"
    );
    assert_eq!(exit(&["--fail-on", "none"], &all), 0);
    assert_eq!(
        exit(&["--fail-on", "critical"], &all),
        0,
        "no critical finding"
    );
    // Incomplete: the demo's failed calls and an account not scanned. 3 beats 1.
    assert_eq!(exit(&["--strict"], &all), 3);
    assert_eq!(exit(&["--strict", "--fail-on", "none"], &all), 3);
    // The copy alone is complete.
    let copy = shards.iter().find(|s| s.contains(COPY)).unwrap();
    assert_eq!(exit(&["--strict", "--fail-on", "none"], &[copy]), 0);
    assert_eq!(exit(&["--strict"], &[copy]), 1);
    // SARIF of an incomplete merge is withheld as a scan's is.
    let o = run(&[
        "merge",
        copy,
        shards[0].as_str(),
        "--output-to",
        &format!("sarif={}/s.sarif", dir.path().display()),
        "--fail-on",
        "none",
    ]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("no SARIF written"));
}

#[test]
fn the_merge_applies_its_own_mutes_not_the_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("gwaudit.toml");
    std::fs::write(
        &config,
        format!(
            "[[mute]]\nrules = [\"GW101\"]\naccounts = [\"{COPY}\"]\nreason = \"copy is a sandbox\"\n"
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    // The shards were scanned with the mute: the merge without it drops their marks.
    let shards = shard_reports(dir.path(), &["--config", config]);
    let muted_in_shards: usize = shards
        .iter()
        .map(|s| read(Path::new(s))["summary"]["muted"].as_u64().unwrap() as usize)
        .sum();
    assert!(muted_in_shards > 0);
    let (plain, _) = merge_json(&strs(&shards), &["--fail-on", "none"]);
    assert_eq!(plain["summary"]["muted"], 0);
    assert!(plain.get("mutes").is_none());
    assert!(plain["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.get("muted").is_none()));
    let (muted, o) = merge_json(&strs(&shards), &["--fail-on", "none", "--config", config]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let gw101 = |account: &str| -> Vec<&Value> {
        muted["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                r["rule_id"] == "GW101" && r["status"] == "fail" && r["account_id"] == account
            })
            .collect()
    };
    assert!(!gw101(COPY).is_empty());
    assert!(gw101(COPY)
        .iter()
        .all(|r| r["muted"]["reason"] == "copy is a sandbox"));
    assert!(gw101(DEMO).iter().all(|r| r.get("muted").is_none()));
    assert_eq!(muted["mutes"]["applied"], json!(gw101(COPY).len()));
    assert_eq!(muted["summary"]["muted"], json!(gw101(COPY).len()));
    assert_eq!(muted["settings"]["config"], config);
    // The fingerprints and statuses are the same with or without the mute.
    assert_eq!(fingerprints(&muted), fingerprints(&plain));
}

/// The fixture with the locked account scanned: a copy of the copy under its id. The report
/// of it is what a previous night's scan would have seen.
fn previous_night(dir: &Path) -> String {
    let mut doc = read(&org_path());
    let copy = doc["accounts"][1].to_string().replace(COPY, LOCKED);
    let locked: Value = serde_json::from_str(&copy).unwrap();
    doc["accounts"].as_array_mut().unwrap().push(locked);
    doc["not_scanned"] = json!([]);
    let snapshot = write(&dir.join("previous-snapshot.json"), &doc);
    scan_to(&snapshot, &dir.join("previous.json"), &[])
}

#[test]
fn the_baseline_applies_across_the_merged_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let previous = previous_night(dir.path());
    let shards = shard_reports(dir.path(), &[]);
    let org = org_path();
    let whole = read(Path::new(&scan_to(
        org.to_str().unwrap(),
        &dir.path().join("whole.json"),
        &["--baseline", &previous],
    )));
    let (merged, o) = merge_json(&strs(&shards), &["--baseline", &previous]);
    // Nothing is new: every failing finding was there last night.
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(merged["baseline"]["new"], 0);
    // The locked account's failing findings of last night are kept open.
    let carried = merged["baseline"]["carried_forward"].as_u64().unwrap();
    let locked_failing = read(Path::new(&previous))["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["account_id"] == LOCKED && r["status"] == "fail")
        .count() as u64;
    assert!(locked_failing > 0);
    assert!(carried >= locked_failing, "{carried} < {locked_failing}");
    // Exactly what the scan of the whole organization carries forward.
    assert_eq!(merged["baseline"], {
        let mut b = whole["baseline"].clone();
        b["file"] = merged["baseline"]["file"].clone();
        b
    });
    assert_eq!(merged["results"], whole["results"]);
    assert_eq!(merged["summary"], whole["summary"]);
    assert_eq!(merged["scan"], whole["scan"]);

    // Shards scanned against the baseline keep their carried-forward results as they are;
    // their baseline marks are dropped without a baseline of the merge's own.
    let dir2 = tempfile::tempdir().unwrap();
    let shards = shard_reports(dir2.path(), &["--baseline", &previous]);
    let (kept, _) = merge_json(&strs(&shards), &["--fail-on", "none"]);
    let results = kept["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r.get("baseline").is_none()));
    assert!(kept.get("baseline").is_none());
    let carried_results: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("carried_forward").is_some())
        .collect();
    assert_eq!(carried_results.len() as u64, carried);
    let strip = |r: &Value| {
        let mut r = r.clone();
        r.as_object_mut().unwrap().remove("baseline");
        r
    };
    let whole_carried: Vec<Value> = whole["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("carried_forward").is_some())
        .map(strip)
        .collect();
    let kept_carried: Vec<Value> = carried_results.into_iter().map(strip).collect();
    assert_eq!(kept_carried, whole_carried);
}

#[test]
fn every_format_renders_and_sarif_is_one_file_per_account() {
    let dir = tempfile::tempdir().unwrap();
    let shards = shard_reports(dir.path(), &[]);
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let mut args = vec!["merge".to_string()];
    args.extend(shards.iter().cloned());
    for target in [
        format!("table={}", out("table.txt")),
        format!("json={}", out("merged.json")),
        format!("sarif={}/", out("sarif")),
        format!("markdown={}", out("summary.md")),
        format!("junit={}", out("junit.xml")),
    ] {
        args.push("--output-to".into());
        args.push(target);
    }
    args.extend(["--allow-incomplete-sarif", "--fail-on", "high"].map(String::from));
    let o = run(&strs(&args));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = |name: &str| std::fs::read_to_string(out(name)).unwrap();
    let table = text("table.txt");
    assert!(table.contains(DEMO) && table.contains(COPY), "{table}");
    let markdown = text("summary.md");
    assert!(markdown.contains(DEMO) && markdown.contains(COPY));
    let junit = text("junit.xml");
    roxmltree::Document::parse(&junit).expect("JUnit XML parses");
    let json = read(Path::new(&out("merged.json")));
    assert_eq!(json["settings"]["source"], "merge");
    let mut files: Vec<String> = std::fs::read_dir(out("sarif"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_str().unwrap().to_string())
        .collect();
    files.sort();
    // The locked account has no result: no file, as in a scan.
    assert_eq!(files, [format!("{DEMO}.sarif"), format!("{COPY}.sarif")]);
    for (account, file) in [(DEMO, &files[0]), (COPY, &files[1])] {
        let sarif = read(&Path::new(&out("sarif")).join(file));
        let runs = sarif["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(
            runs[0]["automationDetails"]["id"],
            format!("gwaudit/{account}/")
        );
        let results = runs[0]["results"].as_array().unwrap();
        assert!(!results.is_empty());
        assert!(results.iter().all(|r| r.to_string().contains(account)));
    }
}
