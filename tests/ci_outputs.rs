//! What a CI job relies on: several reports from one scan, re-rendering a saved report, the
//! Markdown size limit, JUnit XML, mutes, baselines and the exit code contract.

mod common;

use std::path::{Path, PathBuf};

use common::{gwaudit, stderr, stdout};
use serde_json::Value;

const DEMO: &str = "fixtures/demo/demo-account.json";

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// A complete (no collection errors) copy of the demo.
fn complete_demo(dir: &Path) -> PathBuf {
    let mut snap = read_json(&common::demo_path());
    snap["collection_errors"] = Value::Array(vec![]);
    snap["regions"][1]["rest_apis"][0]["resources"] = serde_json::json!([]);
    snap["regions"][1]["domain_names"] = serde_json::json!([]);
    let p = dir.join("complete.json");
    std::fs::write(&p, snap.to_string()).unwrap();
    p
}

#[test]
fn one_scan_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n);
    let arg = |f: &str, n: &str| format!("{f}={}", path(n).display());
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        DEMO,
        "--allow-incomplete-sarif",
        "--output-to",
        "table=-",
        "--output-to",
        &arg("sarif", "out.sarif"),
        "--output-to",
        &arg("json", "out.json"),
        "--output-to",
        &arg("markdown", "summary.md"),
        "--output-to",
        &arg("junit", "junit.xml"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("Failing findings"));
    assert_eq!(read_json(&path("out.sarif"))["version"], "2.1.0");
    let json = read_json(&path("out.json"));
    assert_eq!(json["report_version"], 2);
    let failing = json["summary"]["by_status"]["fail"].as_u64().unwrap();
    assert!(failing > 0);
    let md = std::fs::read_to_string(path("summary.md")).unwrap();
    assert!(
        md.starts_with(&format!("## gwaudit: {failing} failing")),
        "the Markdown summary counts what the JSON report holds: {}",
        md.lines().next().unwrap_or_default()
    );
    let o = gwaudit(&["scan", "--demo", "--output-to", "yaml=x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown format"));
}

#[test]
fn convert_renders_a_saved_report_identically() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    gwaudit(&[
        "scan",
        "--snapshot",
        DEMO,
        "--format",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    for format in ["sarif", "markdown", "table", "junit"] {
        let direct = gwaudit(&[
            "scan",
            "--snapshot",
            DEMO,
            "--format",
            format,
            "--allow-incomplete-sarif",
        ]);
        let converted = gwaudit(&[
            "convert",
            json.to_str().unwrap(),
            "--format",
            format,
            "--allow-incomplete-sarif",
        ]);
        assert_eq!(converted.status.code(), Some(0), "{}", stderr(&converted));
        assert_eq!(stdout(&direct), stdout(&converted), "{format}");
    }
    let o = gwaudit(&["convert", json.to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "incomplete scans keep their SARIF guard"
    );
    std::fs::write(&json, "{\"report_version\": 9}").unwrap();
    let o = gwaudit(&["convert", json.to_str().unwrap(), "--format", "table"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("report_version 9"));
}

#[test]
fn markdown_stays_within_its_limit() {
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        DEMO,
        "--format",
        "markdown",
        "--markdown-limit",
        "4000",
    ]);
    let md = stdout(&o);
    assert!(md.len() <= 4000, "{} bytes", md.len());
    assert!(
        md.contains("Truncated to stay within 4000 bytes") && md.contains("failing findings"),
        "{md}"
    );
    let o = gwaudit(&["scan", "--snapshot", DEMO, "--format", "markdown"]);
    assert!(!stdout(&o).contains("Truncated"));
}

/// `--markdown-limit` is a hard cap: every limit from the smallest allowed up is kept, with all
/// four compliance views asked for, and a limit too small to say anything is refused.
#[test]
fn markdown_limit_is_a_hard_cap() {
    for limit in [1024, 1500, 3000, 8000, 20_000, 60_000] {
        let o = gwaudit(&[
            "scan",
            "--snapshot",
            DEMO,
            "--format",
            "markdown",
            "--fail-on",
            "none",
            "--compliance",
            "fsbp,cis-7.0,pci-dss-4.0,nist-800-53-r5",
            "--markdown-limit",
            &limit.to_string(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let md = stdout(&o);
        assert!(md.len() <= limit, "limit {limit}: {} bytes", md.len());
        assert!(md.starts_with("## gwaudit:"), "limit {limit}: {md}");
    }
    let o = gwaudit(&[
        "scan",
        "--demo",
        "--format",
        "markdown",
        "--markdown-limit",
        "100",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("at least 1024 bytes"), "{}", stderr(&o));
}

#[test]
fn junit_is_well_formed_with_one_case_per_rule() {
    let o = gwaudit(&["scan", "--snapshot", DEMO, "--format", "junit"]);
    let xml = stdout(&o);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), gwaudit::rules::registry::ALL.len());
    let failed = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    let root = doc.root_element();
    assert_eq!(
        root.attribute("failures"),
        Some(failed.to_string().as_str())
    );
    let gw101 = cases
        .iter()
        .find(|c| c.attribute("name").unwrap().starts_with("GW101"))
        .unwrap();
    let failure = gw101
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure
        .text()
        .unwrap()
        .contains("/restapis/a1b2c3d4e5/resources/tw7res01/methods/GET"));
}

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("gwaudit.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn mutes_flag_findings_and_leave_sarif_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let snap = complete_demo(dir.path());
    // Mute every high finding of the walkthrough API and of the eu API.
    let cfg = write_config(
        dir.path(),
        r#"
[[mute]]
rules = ["GW1", "GW2", "GW3", "GW4"]
resources = ["arn:aws:apigateway:*::/restapis/a1b2c3d4e5*", "arn:aws:apigateway:eu-west-1::/restapis/*"]
reason = "walkthrough API, deleted next sprint"
expires = 2999-12-31

[[mute]]
rules = ["GW103"]
tags = { team = "chat" }
reason = "matches nothing: the chat API has no tags"

[[mute]]
rules = ["GW401"]
reason = "expired acceptance"
expires = 2020-01-01
"#,
    );
    let sarif = dir.path().join("out.sarif");
    let json = dir.path().join("out.json");
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--output-to",
        &format!("sarif={}", sarif.display()),
        "--output-to",
        &format!("json={}", json.display()),
    ]);
    let err = stderr(&o);
    assert!(err.contains("expired on 2020-01-01"), "{err}");
    assert!(err.contains("matched no failing finding"), "{err}");
    let report = read_json(&json);
    let results = report["results"].as_array().unwrap();
    let muted: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("muted").is_some())
        .collect();
    assert!(!muted.is_empty());
    assert!(muted.iter().all(|r| r["status"] == "fail"));
    assert_eq!(report["summary"]["muted"], muted.len());
    assert_eq!(
        report["mutes"]["expired"][0]["reason"],
        "expired acceptance"
    );
    assert_eq!(
        report["mutes"]["stale"][0]["origin"]
            .as_str()
            .unwrap()
            .rsplit(':')
            .next(),
        Some("8")
    );
    let sarif = read_json(&sarif);
    let sarif_fps: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(!sarif_fps.is_empty());
    for m in &muted {
        assert!(
            !sarif_fps.contains(&m["fingerprint"].as_str().unwrap()),
            "muted finding in SARIF: {m}"
        );
    }
    // High findings of orders-prod and chat-ws remain: exit 1. Without them, 0.
    assert_eq!(o.status.code(), Some(1));
    let blocking: Vec<&Value> = results
        .iter()
        .filter(|r| r["status"] == "fail" && r.get("muted").is_none() && r["severity"] == "high")
        .collect();
    assert!(blocking
        .iter()
        .all(|r| !r["resource_arn"].as_str().unwrap().contains("a1b2c3d4e5")));
}

#[test]
fn config_errors_exit_2_and_point_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), "[[mute]]\nrules = [\"GW401\"]\n");
    let o = gwaudit(&["scan", "--demo", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("gwaudit.toml:1:1: mute #1 (line 1) has no `reason`"),
        "{}",
        stderr(&o)
    );
    let o = gwaudit(&["scan", "--demo", "--config", "missing.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn baseline_fails_only_on_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let snap = complete_demo(dir.path());
    let base = dir.path().join("base.json");
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        base.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    // Same account again: nothing new.
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["baseline"]["new"], 0);
    assert!(r["baseline"]["unchanged"].as_u64().unwrap() > 0);
    // Fix one finding, add a new open method.
    let mut s = read_json(&snap);
    s["regions"][0]["rest_apis"][1]["resources"][1]["methods"][0]["authorization_type"] =
        "AWS_IAM".into();
    s["regions"][0]["rest_apis"][0]["resources"][1]["methods"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"http_method": "DELETE", "authorization_type": "NONE"}));
    let changed = dir.path().join("changed.json");
    std::fs::write(&changed, s.to_string()).unwrap();
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        changed.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let new: Vec<&Value> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baseline"] == "new")
        .collect();
    assert!(new.iter().any(|f| f["resource_arn"]
        .as_str()
        .unwrap()
        .ends_with("/methods/DELETE")));
    assert!(r["baseline"]["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["resource_arn"]
            .as_str()
            .unwrap()
            .ends_with("/restapis/p9q8r7s6t5/resources/health1/methods/GET")));
}

#[test]
fn fingerprints_do_not_depend_on_region_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = read_json(&common::demo_path());
    s["regions"].as_array_mut().unwrap().reverse();
    let reversed = dir.path().join("reversed.json");
    std::fs::write(&reversed, s.to_string()).unwrap();
    let fps = |p: &str| -> std::collections::BTreeSet<String> {
        let o = gwaudit(&["scan", "--snapshot", p, "--format", "json"]);
        let r: Value = serde_json::from_slice(&o.stdout).unwrap();
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(fps(DEMO), fps(reversed.to_str().unwrap()));
}

#[test]
fn strict_exits_3_on_incomplete_scans_only() {
    let dir = tempfile::tempdir().unwrap();
    let o = gwaudit(&["scan", "--snapshot", DEMO, "--strict", "--fail-on", "none"]);
    assert_eq!(o.status.code(), Some(3));
    let snap = complete_demo(dir.path());
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--strict",
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn sarif_category_sets_automation_details() {
    let dir = tempfile::tempdir().unwrap();
    let snap = complete_demo(dir.path());
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--format",
        "sarif",
        "--sarif-category",
        "prod/eu",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["runs"][0]["automationDetails"]["id"], "prod/eu/");
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--format",
        "sarif",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["runs"][0]["automationDetails"]["id"],
        "gwaudit/123456789012/"
    );
}
