//! Test support for live collection: the moto server started by scripts/test.sh, seeding
//! through boto3 (all mutating calls stay in Python test code), and a fault-injecting proxy.
#![allow(dead_code)]

pub mod proxy;

use std::path::PathBuf;
use std::process::Command;

/// The moto server scripts/test.sh started, e.g. `http://127.0.0.1:5000`.
pub fn moto_url() -> String {
    std::env::var("GWAUDIT_MOTO_URL").unwrap_or_else(|_| {
        panic!(
            "GWAUDIT_MOTO_URL is not set: the live collection tests need the moto server that \
             scripts/test.sh installs (PyPI, pinned, into .venv) and starts on 127.0.0.1. Run \
             scripts/test.sh, or start `moto_server -H 127.0.0.1 -p PORT` and export \
             GWAUDIT_MOTO_URL=http://127.0.0.1:PORT and GWAUDIT_PYTHON=path/to/venv/python."
        )
    })
}

fn python() -> PathBuf {
    std::env::var_os("GWAUDIT_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"))
}

/// Seeds one region of the moto server (each test uses its own region, so tests running in
/// parallel on one server do not see each other's resources). Returns the seed summary.
pub fn seed(endpoint: &str, region: &str, args: &[&str]) -> serde_json::Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/moto/seed.py");
    let out = Command::new(python())
        .arg(script)
        .args(["--endpoint", endpoint, "--region", region])
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e} (run scripts/test.sh)",
                python().display()
            )
        });
    assert!(
        out.status.success(),
        "seeding moto failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("seed summary")
}

/// Seeds the organization of tests/moto/seed_org.py (idempotent); returns its summary.
pub fn seed_org(endpoint: &str, region: &str) -> serde_json::Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/moto/seed_org.py");
    let out = Command::new(python())
        .arg(script)
        .args(["--endpoint", endpoint, "--region", region])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e} (run scripts/test.sh)",
                python().display()
            )
        });
    assert!(
        out.status.success(),
        "seeding moto's organization failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("seed summary")
}

/// Runs gwaudit with fake credentials against `endpoint`.
pub fn gwaudit_live(args: &[&str], endpoint: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gwaudit"))
        .args(args)
        .args(["--endpoint-url", endpoint])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .output()
        .expect("run gwaudit")
}

/// `gwaudit collect` into a temporary file; returns its one account as a schema-1 snapshot
/// (`one_account`).
pub fn collect(endpoint: &str, region: &str) -> serde_json::Value {
    one_account(&collect_document(endpoint, region))
}

/// `gwaudit collect` into a temporary file; returns the snapshot document (schema 2: the one
/// account is `accounts[0]`).
pub fn collect_document(endpoint: &str, region: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snapshot.json");
    let o = gwaudit_live(
        &[
            "collect",
            "--region",
            region,
            "--quiet",
            "-o",
            path.to_str().unwrap(),
        ],
        endpoint,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The one account of a schema-2 snapshot, with the run's fields (`collected_at`,
/// `partition`, ...) beside its own: a schema-1 snapshot of that account, which is what the
/// single-account tests read (and may write back for `scan --snapshot`).
pub fn one_account(doc: &serde_json::Value) -> serde_json::Value {
    assert_eq!(doc["schema_version"], 2, "collect writes schema 2: {doc}");
    let accounts = doc["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), 1, "one account collected: {doc}");
    let mut account = accounts[0].clone();
    for (k, v) in doc.as_object().unwrap() {
        if k != "accounts" && k != "not_scanned" {
            account
                .as_object_mut()
                .unwrap()
                .entry(k.clone())
                .or_insert(v.clone());
        }
    }
    account["schema_version"] = 1.into();
    account
}

/// Evaluates `snapshot` (a snapshot document) offline with `extra` arguments and returns the
/// JSON report; the scan must exit 0 (`--fail-on none` is passed).
pub fn scan_json(snapshot: &serde_json::Value, extra: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snapshot.json");
    std::fs::write(&file, snapshot.to_string()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_gwaudit"))
        .args(["scan", "--snapshot", file.to_str().unwrap()])
        .args(["--format", "json", "--fail-on", "none"])
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}
