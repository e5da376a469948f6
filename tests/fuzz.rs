//! A standing property-based harness over the inputs gwaudit takes from others: snapshots,
//! configurations and JSON reports. Each case mutates a valid document (the demo snapshot, a
//! configuration with mutes, the demo's JSON report) with a few random edits: strings replaced
//! by hostile text (terminal escapes, long runs, Unicode, credentials), numbers by extremes,
//! keys removed, values nulled or retyped, array entries duplicated. Whatever goes in:
//!
//! - nothing panics (in-process, through the library, and in the binary);
//! - the binary exits 0, 1, 2 or 3;
//! - no credential planted in a stage variable reaches any output;
//! - no raw control character reaches the table, Markdown or standard error.
//!
//! `GWAUDIT_FUZZ_CASES` sets the number of cases (default 48, which keeps the suite fast);
//! a longer run: `GWAUDIT_FUZZ_CASES=2000 cargo test --release --test fuzz`.

mod common;

use std::process::Command;

use gwaudit::cli::{ColorChoice, Format, OutputArgs};
use gwaudit::config;
use gwaudit::model::parse_snapshot;
use gwaudit::report::{self, ScanReport};
use gwaudit::scan::{self, ScanSettings, Source};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

fn cases() -> u32 {
    std::env::var("GWAUDIT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

/// Credentials planted in stage variables: gwaudit redacts them when a snapshot is loaded.
fn planted() -> Vec<String> {
    vec![
        format!("AKIA{}", "Z7QX4LM2PQ8RT5WY"),
        format!("ghp_{}", "Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5"),
        format!("sk_{}_{}", "live", "9fHq2LmZ7xTb4Kc8Wd1Rs6Vn"),
    ]
}

/// Hostile text a field can be set to.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\u{1b}]0;x\u{7}\u{1b}[2J".to_string()),
        Just("\u{9b}31m\u{0}\r\u{7f}".to_string()),
        Just("\u{202e}rtl\u{200d}zw 👩‍💻".to_string()),
        Just(String::new()),
        Just("n".repeat(20_000)),
        Just("arn:aws:apigateway:us-east-1::/restapis/x".to_string()),
        Just("*".to_string()),
        Just("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"".to_string()),
        "[ -~]{0,40}",
        "\\PC{0,24}",
    ]
}

#[derive(Debug, Clone)]
enum Edit {
    SetString(usize, String),
    SetNumber(usize, i64),
    Remove(usize),
    Null(usize),
    Retype(usize),
    Duplicate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    prop_oneof![
        4 => (at, hostile_string()).prop_map(|(i, s)| Edit::SetString(i, s)),
        1 => (at, prop_oneof![Just(i64::MIN), Just(-1i64), Just(0i64), Just(i64::MAX), any::<i64>()])
            .prop_map(|(i, n)| Edit::SetNumber(i, n)),
        1 => at.prop_map(Edit::Remove),
        1 => at.prop_map(Edit::Null),
        1 => at.prop_map(Edit::Retype),
        1 => at.prop_map(Edit::Duplicate),
    ]
}

/// Paths to every node of a JSON document, parents before children.
fn nodes(v: &Value, path: &mut Vec<PathSeg>, out: &mut Vec<Vec<PathSeg>>) {
    out.push(path.clone());
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathSeg::Index(i));
                nodes(item, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                path.push(PathSeg::Key(k.clone()));
                nodes(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathSeg {
    Key(String),
    Index(usize),
}

fn node_mut<'v>(v: &'v mut Value, path: &[PathSeg]) -> Option<&'v mut Value> {
    let mut v = v;
    for seg in path {
        v = match seg {
            PathSeg::Key(k) => v.get_mut(k.as_str())?,
            PathSeg::Index(i) => v.get_mut(*i)?,
        };
    }
    Some(v)
}

fn apply(doc: &mut Value, edits: &[Edit]) {
    for e in edits {
        let mut all = Vec::new();
        nodes(doc, &mut Vec::new(), &mut all);
        let pick = |i: usize| all[i % all.len()].clone();
        match e {
            Edit::SetString(i, s) => {
                if let Some(n) = node_mut(doc, &pick(*i)) {
                    *n = Value::String(s.clone());
                }
            }
            Edit::SetNumber(i, x) => {
                if let Some(n) = node_mut(doc, &pick(*i)) {
                    *n = Value::from(*x);
                }
            }
            Edit::Null(i) => {
                if let Some(n) = node_mut(doc, &pick(*i)) {
                    *n = Value::Null;
                }
            }
            Edit::Retype(i) => {
                if let Some(n) = node_mut(doc, &pick(*i)) {
                    *n = match n {
                        Value::String(_) => Value::from(7),
                        Value::Array(_) => Value::from("list"),
                        Value::Object(_) => Value::Array(vec![]),
                        _ => Value::Object(Default::default()),
                    };
                }
            }
            Edit::Remove(i) | Edit::Duplicate(i) => {
                let path = pick(*i);
                let Some((last, parent)) = path.split_last() else {
                    continue;
                };
                let Some(parent) = node_mut(doc, parent) else {
                    continue;
                };
                match (parent, last, e) {
                    (Value::Object(m), PathSeg::Key(k), Edit::Remove(_)) => {
                        m.remove(k);
                    }
                    (Value::Array(a), PathSeg::Index(i), Edit::Remove(_)) if *i < a.len() => {
                        a.remove(*i);
                    }
                    (Value::Array(a), PathSeg::Index(i), Edit::Duplicate(_)) if *i < a.len() => {
                        let copy = a[*i].clone();
                        a.push(copy);
                    }
                    _ => {}
                }
            }
        }
    }
}

fn demo_with_planted_secrets() -> Value {
    let mut demo: Value =
        serde_json::from_str(&std::fs::read_to_string(common::demo_path()).unwrap()).unwrap();
    let stage = demo["regions"][0]["rest_apis"][0]["stages"][0]
        .as_object_mut()
        .expect("the demo's first API has a stage");
    let vars = stage
        .entry("variables")
        .or_insert_with(|| Value::Object(Default::default()));
    for (i, secret) in planted().into_iter().enumerate() {
        vars[format!("fuzzSecret{i}")] = Value::String(secret);
    }
    demo
}

fn output_args() -> OutputArgs {
    OutputArgs {
        format: None,
        output: None,
        output_to: vec![],
        sarif_category: None,
        allow_incomplete_sarif: true,
        markdown_limit: 64 * 1024,
        details: false,
        color: ColorChoice::Never,
    }
}

/// Every format of a report; the table and Markdown must hold no raw control character, and no
/// output may hold a planted credential.
fn check_renders(report: &ScanReport) -> Result<(), TestCaseError> {
    for format in [
        Format::Table,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Junit,
    ] {
        let text = gwaudit::cli::render(report, format, &output_args(), false);
        if matches!(format, Format::Table | Format::Markdown) {
            prop_assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{format:?} holds a control character"
            );
        }
        for secret in planted() {
            prop_assert!(!text.contains(&secret), "{format:?} holds a planted secret");
        }
        if format == Format::Markdown {
            prop_assert!(text.len() <= 64 * 1024);
        }
    }
    Ok(())
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn mutated_snapshots_never_panic_leak_or_print_control_characters() {
    let demo = demo_with_planted_secrets();
    runner()
        .run(&prop::collection::vec(edit(), 1..6), |edits| {
            let mut doc = demo.clone();
            apply(&mut doc, &edits);
            let text = doc.to_string();
            let Ok(snapshot) = parse_snapshot(&text, "fuzz.json") else {
                return Ok(()); // rejected with an error: the CLI test below checks its exit code
            };
            let settings = ScanSettings {
                compliance: vec!["fsbp".into(), "pci-dss-4.0".into()],
                ..ScanSettings::default()
            };
            let report = scan::run(&snapshot, Source::Snapshot("fuzz.json".into()), &settings);
            check_renders(&report)
        })
        .unwrap();
}

#[test]
fn mutated_configs_and_reports_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_with_planted_secrets();
    let snapshot = parse_snapshot(&demo.to_string(), "demo").unwrap();
    let base = scan::run(&snapshot, Source::Demo, &ScanSettings::default());
    let report_json: Value = serde_json::from_str(&report::json::render(&base)).unwrap();
    let config_text = "[rules]\nselect = [\"GW1\", \"GW5\"]\nskip = [\"GW102\"]\n\n\
        [parameters]\nmax_key_age_days = 90\n\n\
        [[mute]]\nrules = [\"GW401\"]\nresources = [\"arn:aws:apigateway:*::/restapis/*\"]\n\
        reason = \"sandbox\"\nexpires = 2026-12-31\ntags = { env = \"dev\" }\n";
    runner()
        .run(
            &(
                prop::collection::vec(edit(), 1..5),
                "\\PC{0,12}",
                hostile_string(),
            ),
            |(edits, config_noise, reason)| {
                // A configuration: hostile values in a valid shape, and noise spliced into it.
                let hostile = format!(
                    "{config_text}\n[[mute]]\nrules = [\"GW5\"]\nreason = {}\n",
                    toml_string(&reason)
                );
                if let Ok(cfg) = config::parse(&hostile, "fuzz.toml") {
                    let settings = ScanSettings::from_config(&cfg, &[], &[]);
                    check_renders(&scan::run(&snapshot, Source::Demo, &settings))?;
                }
                let cut = config_noise.len() % config_text.len().max(1);
                let spliced = format!(
                    "{}{config_noise}{}",
                    &config_text[..config_text.floor_char_boundary(cut)],
                    &config_text[config_text.floor_char_boundary(cut)..]
                );
                let _ = config::parse(&spliced, "fuzz.toml");

                // A report from elsewhere, rendered again and used as a baseline.
                let mut doc = report_json.clone();
                apply(&mut doc, &edits);
                let path = dir.path().join("report.json");
                std::fs::write(&path, doc.to_string()).unwrap();
                if let Ok(foreign) = report::json::load(&path) {
                    check_renders(&foreign)?;
                    let settings = ScanSettings {
                        baseline: Some(scan::baseline_of(&foreign, "fuzz.json")),
                        ..ScanSettings::default()
                    };
                    check_renders(&scan::run(&snapshot, Source::Demo, &settings))?;
                }
                Ok(())
            },
        )
        .unwrap();
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The binary itself on a smaller number of mutated snapshots: exit codes stay in 0–3 and
/// standard error holds no raw control character.
#[test]
fn the_binary_exits_0_to_3_on_mutated_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_with_planted_secrets();
    let mut runner = TestRunner::new(Config {
        cases: (cases() / 4).max(8),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&prop::collection::vec(edit(), 1..6), |edits| {
            let mut doc = demo.clone();
            apply(&mut doc, &edits);
            let path = dir.path().join("case.json");
            std::fs::write(&path, doc.to_string()).unwrap();
            let o = Command::new(env!("CARGO_BIN_EXE_gwaudit"))
                .args(["scan", "--snapshot", path.to_str().unwrap()])
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let code = o.status.code();
            prop_assert!(matches!(code, Some(0..=3)), "exit {code:?}");
            for bytes in [&o.stdout, &o.stderr] {
                prop_assert!(!bytes.contains(&0x1b) && !bytes.contains(&0x07));
                let text = String::from_utf8_lossy(bytes);
                for secret in planted() {
                    prop_assert!(!text.contains(&secret));
                }
            }
            Ok(())
        })
        .unwrap();
}
