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
