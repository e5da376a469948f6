//! Text from a snapshot, a report or a configuration can be chosen by someone else (an API
//! name by whoever may create APIs; a report by whoever sent it). Every string field of the demo
//! snapshot gets terminal escape sequences, and no output format and no error path may pass an
//! ESC or BEL byte to standard output or standard error.
//!
//! Fields the loader validates (enums, ids with a format) reject the payload: each one is taken
//! out again after its error message has been checked, until the snapshot loads with the
//! payload in every field that still accepts it.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Set the window title, ring the bell, clear the screen.
const PAYLOAD: &str = "\u{1b}]0;x\u{7}\u{1b}[2J";

#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// The path as the loader names it: `regions[0].rest_apis[1].name`.
fn render(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn string_leaves(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::String(_) => out.push(path.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                string_leaves(item, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                path.push(Seg::Key(k.clone()));
                string_leaves(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn leaf_mut<'v>(v: &'v mut Value, path: &[Seg]) -> &'v mut Value {
    path.iter().fold(v, |v, seg| match seg {
        Seg::Key(k) => &mut v[k.as_str()],
        Seg::Index(i) => &mut v[*i],
    })
}

fn with_payload(demo: &Value, leaves: &[Vec<Seg>]) -> Value {
    let mut doc = demo.clone();
    for path in leaves {
        if let Value::String(s) = leaf_mut(&mut doc, path) {
            s.push_str(PAYLOAD);
        }
    }
    doc
}

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gwaudit"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run gwaudit")
}

/// No ESC (0x1b), BEL (0x07) or 8-bit CSI (U+009B) on either stream.
fn assert_clean(what: &str, o: &Output) {
    for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !bytes.contains(&0x1b) && !bytes.contains(&0x07) && !text.contains('\u{9b}'),
            "{what}: raw control character on {stream}:\n{}",
            text.escape_debug()
        );
    }
}

#[test]
fn no_output_or_error_passes_terminal_escapes_through() {
    let dir = tempfile::tempdir().unwrap();
    let demo: Value =
        serde_json::from_str(&std::fs::read_to_string(common::demo_path()).unwrap()).unwrap();
    let mut leaves = Vec::new();
    string_leaves(&demo, &mut Vec::new(), &mut leaves);
    let total = leaves.len();
    let snap = dir.path().join("hostile.json");
    let snap_arg = snap.to_str().unwrap();

    // Error paths first: every field the loader refuses the payload in.
    let mut refused = Vec::new();
    loop {
        std::fs::write(&snap, with_payload(&demo, &leaves).to_string()).unwrap();
        let o = run(
            &["scan", "--snapshot", snap_arg, "--fail-on", "none"],
            dir.path(),
        );
        assert_clean("scan of the hostile snapshot", &o);
        if o.status.code() != Some(2) {
            break;
        }
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        let named = err
            .split('`')
            .nth(1)
            .unwrap_or_else(|| panic!("the load error names no field: {err}"))
            .to_string();
        let before = leaves.len();
        leaves.retain(|p| render(p) != named);
        assert!(
            leaves.len() < before,
            "the load error names `{named}`, which is no string field: {err}"
        );
        refused.push(named);
    }
    assert!(!refused.is_empty(), "some field should refuse the payload");
    eprintln!(
        "{} of {total} string fields took the payload; {} refused it",
        leaves.len(),
        refused.len()
    );
    assert!(
        leaves.len() * 2 > total,
        "only {} of {total} string fields took the payload; refused: {refused:?}",
        leaves.len()
    );

    // Every format, with the payload in every field that takes it.
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    for format in ["table", "json", "sarif", "markdown", "junit"] {
        let o = run(
            &[
                "scan",
                "--snapshot",
                snap_arg,
                "--format",
                format,
                "--fail-on",
                "none",
                "--allow-incomplete-sarif",
                "--compliance",
                "fsbp,cis-7.0,pci-dss-4.0,nist-800-53-r5",
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{format}: {}", common::stderr(&o));
        assert_clean(format, &o);
    }
    // SARIF withheld: the message quotes the collection errors.
    let o = run(
        &["scan", "--snapshot", snap_arg, "--format", "sarif"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(3), "{}", common::stderr(&o));
    assert_clean("withheld SARIF", &o);

    // A report from elsewhere, rendered again.
    let report = out("report.json");
    let o = run(
        &[
            "scan",
            "--snapshot",
            snap_arg,
            "--format",
            "json",
            "--output",
            &report,
            "--fail-on",
            "none",
            "--compliance",
            "fsbp",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut foreign: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap())
        .expect("the report is JSON");
    let mut report_leaves = Vec::new();
    string_leaves(&foreign, &mut Vec::new(), &mut report_leaves);
    for path in &report_leaves {
        if let Value::String(s) = leaf_mut(&mut foreign, path) {
            s.push_str(PAYLOAD);
        }
    }
    let foreign_path = out("foreign.json");
    std::fs::write(&foreign_path, foreign.to_string()).unwrap();
    for format in ["table", "markdown", "junit", "sarif", "json"] {
        let o = run(
            &[
                "convert",
                &foreign_path,
                "--format",
                format,
                "--allow-incomplete-sarif",
            ],
            dir.path(),
        );
        assert_clean(&format!("convert --format {format}"), &o);
    }
    let o = run(&["scan", "--demo", "--baseline", &foreign_path], dir.path());
    assert_clean("a hostile baseline", &o);

    // Mute reasons and origins are echoed in warnings (an expired and a stale mute).
    let config = out("gwaudit.toml");
    std::fs::write(
        &config,
        "[[mute]]\nrules = [\"GW7\"]\nreason = \"expired \\u001b]0;x\\u0007\"\nexpires = 2000-01-01\n\n\
         [[mute]]\nrules = [\"GW101\"]\nresources = [\"arn:none\"]\nreason = \"stale \\u001b[2J\"\n",
    )
    .unwrap();
    let o = run(
        &["scan", "--snapshot", snap_arg, "--config", &config],
        dir.path(),
    );
    assert!(
        common::stderr(&o).contains("warning: mute"),
        "{}",
        common::stderr(&o)
    );
    assert_clean("mute warnings", &o);

    // Argument errors echo the value given.
    let hostile_arg = format!("high{PAYLOAD}");
    for args in [
        vec!["scan", "--demo", "--fail-on", hostile_arg.as_str()],
        vec!["explain", hostile_arg.as_str()],
        vec!["scan", "--demo", "--rules", hostile_arg.as_str()],
        vec!["scan", "--snapshot", hostile_arg.as_str()],
    ] {
        let o = run(&args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_clean(&format!("{args:?}"), &o);
    }
}

/// A 64 KB unbroken API name: the table and Markdown cut it with an ellipsis (a table's cost
/// grows with the square of an unbroken run), and the JSON report keeps it whole.
#[test]
fn long_names_are_cut_in_tables_and_kept_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut demo: Value =
        serde_json::from_str(&std::fs::read_to_string(common::demo_path()).unwrap()).unwrap();
    let name = "n".repeat(64 * 1024);
    demo["regions"][0]["rest_apis"][0]["name"] = Value::String(name.clone());
    let snap = dir.path().join("long.json");
    std::fs::write(&snap, demo.to_string()).unwrap();
    let snap = snap.to_str().unwrap();
    let scan = |format: &str| {
        let o = run(
            &[
                "scan",
                "--snapshot",
                snap,
                "--format",
                format,
                "--fail-on",
                "none",
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{format}: {}", common::stderr(&o));
        common::stdout(&o)
    };
    let table = scan("table");
    assert!(table.contains('…') && !table.contains(&name[..1000]));
    let markdown = scan("markdown");
    assert!(markdown.contains('…') && !markdown.contains(&name[..1000]));
    assert!(scan("json").contains(&name));
}

/// The account summaries print each result's account and region, which no table printed
/// before: a report from elsewhere with 64 KB unbroken values there is cut like any other cell,
/// and the JSON it was converted from keeps them whole.
#[test]
fn long_accounts_and_regions_are_cut_in_the_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let demo = common::demo_path();
    let o = run(
        &[
            "scan",
            "--snapshot",
            demo.to_str().unwrap(),
            "--format",
            "json",
            "--output",
            report.to_str().unwrap(),
            "--fail-on",
            "none",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let account = "1".repeat(64 * 1024);
    let region = "r".repeat(64 * 1024);
    for (i, result) in doc["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        // Two accounts, so the per-rule account counts and the account rows both see them.
        result["account_id"] = Value::String(format!("{account}{}", i % 2));
        result["region"] = Value::String(region.clone());
    }
    std::fs::write(&report, doc.to_string()).unwrap();
    for format in ["table", "markdown"] {
        let started = std::time::Instant::now();
        let o = run(
            &["convert", report.to_str().unwrap(), "--format", format],
            dir.path(),
        );
        assert!(o.status.success(), "{format}: {}", common::stderr(&o));
        let out = common::stdout(&o);
        assert!(out.contains('…'), "{format}: nothing was cut");
        assert!(
            !out.contains(&account[..1000]) && !out.contains(&region[..1000]),
            "{format}: a 64 KB value was printed whole"
        );
        // The report's own account and the two of its results.
        let accounts = match format {
            "table" => out.contains("Accounts (3: 1 incomplete)\n"),
            _ => out.contains("### Accounts (3: 1 incomplete)\n"),
        };
        assert!(accounts, "{format}: {out}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{format} took {:?}",
            started.elapsed()
        );
    }
}
