//! Every SARIF log gwaudit writes passes Microsoft's SARIF multitool `validate` with its GitHub
//! ingestion rules (`--rule-kind Gh;Sarif`) with zero errors. `scripts/test.sh` installs the
//! pinned validator and points `GWAUDIT_SARIF_MULTITOOL` at it; without it this test fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn multitool() -> PathBuf {
    let path = std::env::var_os("GWAUDIT_SARIF_MULTITOOL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            common::root()
                .join(".tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
        });
    assert!(
        path.is_file(),
        "the SARIF multitool is required and was not found at {}.\n\
         Run scripts/test.sh (it installs @microsoft/sarif-multitool from npm into .tools/), \
         or set GWAUDIT_SARIF_MULTITOOL to the Sarif.Multitool executable.",
        path.display()
    );
    path
}

/// Validates one log; returns the error-level messages.
fn validate(sarif: &Path, out_dir: &Path) -> Vec<String> {
    validate_all(&[sarif.to_path_buf()], out_dir)
}

/// Validates logs in one multitool run (it starts slowly); returns the error-level messages,
/// each prefixed with the file it is about.
fn validate_all(sarifs: &[PathBuf], out_dir: &Path) -> Vec<String> {
    let out = out_dir.join("validation.sarif");
    let o = Command::new(multitool())
        .args([
            "validate",
            "--rule-kind",
            "Gh;Sarif",
            "--log",
            "ForceOverwrite",
            "-o",
        ])
        .arg(&out)
        .args(sarifs)
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .output()
        .expect("run the SARIF multitool");
    assert!(
        o.status.success() && out.is_file(),
        "multitool failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let run = &log["runs"][0];
    assert_eq!(
        run["invocations"][0]["executionSuccessful"], true,
        "validation run failed"
    );
    run["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["level"] == "error")
        .map(|r| {
            format!(
                "{}: {}: {}",
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["ruleId"],
                r["message"]["text"]
            )
        })
        .collect()
}

fn write_sarif(snapshot: &Path, dir: &Path) -> PathBuf {
    let out = dir.join(format!(
        "{}.sarif",
        snapshot.file_stem().unwrap().to_string_lossy()
    ));
    let o = common::gwaudit(&[
        "scan",
        "--snapshot",
        snapshot.to_str().unwrap(),
        "--format",
        "sarif",
        "--fail-on",
        "none",
        "--allow-incomplete-sarif",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    out
}

#[test]
fn every_sarif_output_passes_the_github_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut snapshots = vec![common::demo_path()];
    snapshots.extend(
        common::rule_fixtures()
            .iter()
            .map(|f| common::fixture_snapshot(f, dir.path())),
    );
    // A clean account: `results` must be present and empty.
    let clean = dir.path().join("clean.json");
    std::fs::write(&clean, r#"{"schema_version":1,"account_id":"111122223333","regions":[{"region":"us-east-1","rest_apis":[],"v2_apis":[],"domain_names":[]}]}"#).unwrap();
    snapshots.push(clean);
    // No account at all (an empty shard): GitHub refuses a file without runs.
    let nobody = dir.path().join("nobody.json");
    std::fs::write(&nobody, r#"{"schema_version":2,"tool_version":"0.1.0","partition":"aws","accounts":[],"not_scanned":[]}"#).unwrap();
    snapshots.push(nobody);
    let sarifs: Vec<PathBuf> = snapshots
        .iter()
        .map(|s| write_sarif(s, dir.path()))
        .collect();
    let errors = validate_all(&sarifs, dir.path());
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let clean: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("clean.sarif")).unwrap())
            .unwrap();
    assert_eq!(clean["runs"][0]["results"], serde_json::json!([]));
    let nobody: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("nobody.sarif")).unwrap())
            .unwrap();
    let runs = nobody["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "{nobody}");
    assert_eq!(runs[0]["results"], serde_json::json!([]));
    // Its own category: it closes no account's alerts.
    assert_eq!(runs[0]["automationDetails"]["id"], "gwaudit/no-accounts/");
}

/// Proves the GitHub rules are on: a result without locations is a GitHub ingestion error.
#[test]
fn validator_rejects_what_github_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = write_sarif(&common::demo_path(), dir.path());
    let mut log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    log["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("locations");
    let broken = dir.path().join("broken.sarif");
    std::fs::write(&broken, serde_json::to_string(&log).unwrap()).unwrap();
    let errors = validate(&broken, dir.path());
    assert!(errors.iter().any(|e| e.contains("GH")), "{errors:?}");
}

#[test]
fn sarif_follows_the_location_and_fingerprint_scheme() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = write_sarif(&common::demo_path(), dir.path());
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("### Remediation"));
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&Value::from("security")));
        let sev: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!([9.5, 8.0, 5.5, 2.0, 0.0].contains(&sev));
    }
    for result in run["results"].as_array().unwrap() {
        let loc = &result["locations"][0];
        let uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("aws/123456789012/"), "{uri}");
        assert!(!uri.contains("arn:"), "{uri}");
        assert_eq!(loc["physicalLocation"]["region"]["startLine"], 1);
        let arn = loc["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap();
        assert!(arn.starts_with("arn:aws:"), "{arn}");
        assert_eq!(
            result["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
    }
}

/// `--output-to sarif=DIR/` writes one file per account, each with its own category and only
/// its own results, and every file passes the GitHub rules; so does one file of several runs.
#[test]
fn one_file_per_account_in_the_directory_form_and_several_runs_in_one_file_pass() {
    let dir = tempfile::tempdir().unwrap();
    let report = common::demo_report();
    let t = common::template(&report);
    let mut results = report["results"].as_array().unwrap().clone();
    for account in ["210987654321", "333344445555"] {
        results.extend(common::results(&t, account, 3, "high", "x"));
    }
    let path = common::write_report(dir.path(), report, results);
    let out = dir.path().join("sarif/");
    let single = dir.path().join("all.sarif");
    let o = common::gwaudit(&[
        "convert",
        path.to_str().unwrap(),
        "--allow-incomplete-sarif",
        "--output-to",
        &format!("sarif={}/", out.display()),
        "--output-to",
        &format!("sarif={}", single.display()),
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "123456789012.sarif",
            "210987654321.sarif",
            "333344445555.sarif"
        ]
    );
    for file in &files {
        let account = file.file_stem().unwrap().to_str().unwrap();
        let log: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(
            runs[0]["automationDetails"]["id"],
            format!("gwaudit/{account}/")
        );
        let results = runs[0]["results"].as_array().unwrap();
        assert!(!results.is_empty());
        assert!(results
            .iter()
            .all(|r| r["properties"]["account"] == account));
    }
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&single).unwrap()).unwrap();
    assert_eq!(log["runs"].as_array().unwrap().len(), 3);
    files.push(single);
    let errors = validate_all(&files, dir.path());
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
