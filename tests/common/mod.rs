//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn demo_path() -> PathBuf {
    root().join("fixtures/demo/demo-account.json")
}

/// Runs the built binary from the crate root with colors off.
pub fn gwaudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gwaudit"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run gwaudit")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The rule fixtures: `fixtures/rules/<ID>.json`.
pub fn rule_fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/rules"))
        .expect("fixtures/rules")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

/// Writes the `snapshot` member of a rule fixture to `dir` and returns its path.
pub fn fixture_snapshot(fixture: &Path, dir: &Path) -> PathBuf {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let out = dir.join(fixture.file_name().unwrap());
    std::fs::write(&out, serde_json::to_string(&doc["snapshot"]).unwrap()).unwrap();
    out
}

/// The demo's JSON report (`scan --format json`).
pub fn demo_report() -> serde_json::Value {
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        demo_path().to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A failing result of a whole resource (not a method or route, which SARIF groups per API).
pub fn template(report: &serde_json::Value) -> serde_json::Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            let arn = r["resource_arn"].as_str().unwrap();
            r["status"] == "fail" && !arn.contains("/resources/") && !arn.contains("/routes/")
        })
        .unwrap()
        .clone()
}

/// `n` distinct failing results of `severity` in `account`.
pub fn results(
    template: &serde_json::Value,
    account: &str,
    n: usize,
    severity: &str,
    tag: &str,
) -> Vec<serde_json::Value> {
    (0..n)
        .map(|i| {
            let mut r = template.clone();
            let id = format!("{tag}{i:07}");
            r["account_id"] = serde_json::json!(account);
            r["severity"] = serde_json::json!(severity);
            r["resource_arn"] =
                serde_json::json!(format!("arn:aws:apigateway:us-east-1::/restapis/{id}"));
            r["resource_path"] =
                serde_json::json!(format!("aws/{account}/us-east-1/apigateway/restapis/{id}"));
            r["resource_label"] = serde_json::json!(format!("api {id}"));
            r["fingerprint"] =
                serde_json::json!(format!("{:032x}", fnv(&format!("{account}/{id}"))));
            r
        })
        .collect()
}

fn fnv(s: &str) -> u128 {
    s.bytes().fold(0x6c62272e07bb014262b821756295c58d, |h, b| {
        (h ^ u128::from(b)).wrapping_mul(0x0000000001000000000000000000013B)
    })
}

/// Writes `report` with `results` in place of its own.
pub fn write_report(
    dir: &Path,
    mut report: serde_json::Value,
    results: Vec<serde_json::Value>,
) -> PathBuf {
    report["results"] = serde_json::Value::Array(results);
    let path = dir.join("report.json");
    std::fs::write(&path, serde_json::to_vec(&report).unwrap()).unwrap();
    path
}

/// The JSON Schema `reports/<name>`, compiled for validating documents.
pub fn schema(name: &str) -> (boon::Schemas, boon::SchemaIndex) {
    let path = root().join("reports").join(name);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource(name, schema).unwrap();
    let index = compiler
        .compile(name, &mut schemas)
        .unwrap_or_else(|e| panic!("{name} does not compile: {e}"));
    (schemas, index)
}
