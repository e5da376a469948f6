//! The command line end to end: exit codes, bad input, rule listing.

mod common;

use common::{gwaudit, stderr, stdout};

#[test]
fn demo_scan_fails_at_default_threshold_and_passes_with_none() {
    let demo = common::demo_path();
    let demo = demo.to_str().unwrap();
    let o = gwaudit(&["scan", "--snapshot", demo]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("Failing findings"));
    let o = gwaudit(&["scan", "--snapshot", demo, "--fail-on", "none"]);
    assert_eq!(o.status.code(), Some(0));
    let o = gwaudit(&["scan", "--snapshot", demo, "--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(0), "the demo has no critical finding");
    let o = gwaudit(&["scan", "--demo", "--fail-on", "medium", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn embedded_demo_equals_the_fixture() {
    let a = gwaudit(&["scan", "--demo", "--format", "json"]);
    let b = gwaudit(&[
        "scan",
        "--snapshot",
        "fixtures/demo/demo-account.json",
        "--format",
        "json",
    ]);
    let strip = |o: &std::process::Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["settings"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn rule_selection_limits_the_scan() {
    let o = gwaudit(&[
        "scan",
        "--demo",
        "--format",
        "json",
        "--rules",
        "GW5",
        "--skip-rules",
        "GW502",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["scan"]["rules_evaluated"],
        serde_json::json!(["GW501", "GW503", "GW504", "GW505", "GW506", "GW507"])
    );
    let o = gwaudit(&["scan", "--demo", "--rules", "GW999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("GW999"));
}

fn expect_input_error(file_text: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.json");
    std::fs::write(&path, file_text).unwrap();
    let o = gwaudit(&["scan", "--snapshot", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("input.json"),
        "error must name the file: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "error must mention `{n}`: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn malformed_json_names_file_and_line() {
    expect_input_error("{\"schema_version\": 1, \"account_id\": ", &["line 1"]);
}

#[test]
fn truncated_snapshot_is_an_error() {
    let demo = std::fs::read_to_string(common::demo_path()).unwrap();
    expect_input_error(
        &demo[..demo.len() / 2],
        &["not a valid snapshot JSON document", "EOF"],
    );
}

#[test]
fn unknown_schema_version_is_an_error() {
    expect_input_error(
        r#"{"schema_version": 7, "account_id": "1"}"#,
        &["unsupported snapshot schema_version 7"],
    );
    expect_input_error(r#"{"account_id": "1"}"#, &["missing `schema_version`"]);
}

/// A value of AWS's enum shape this version does not know loads (the collector keeps such
/// values; the rules that need them answer unknown); a value no AWS enum can have does not.
#[test]
fn malformed_enum_value_names_the_place() {
    let demo = std::fs::read_to_string(common::demo_path()).unwrap();
    let bad = demo.replacen("\"REGIONAL\"", "\"DUALSTACK REGIONAL\"", 1);
    expect_input_error(
        &bad,
        &[
            "regions[0].rest_apis[0].endpoint_types[0]",
            "did not match any variant",
        ],
    );
    let newer = demo.replacen("\"REGIONAL\"", "\"DUALSTACK_REGIONAL\"", 1);
    let file = std::env::temp_dir().join(format!("gwaudit-newer-enum-{}.json", std::process::id()));
    std::fs::write(&file, newer).unwrap();
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        file.to_str().unwrap(),
        "--fail-on",
        "none",
    ]);
    std::fs::remove_file(&file).ok();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn unknown_field_is_an_error() {
    expect_input_error(
        r#"{"schema_version": 1, "account_id": "1", "regions": [{"region": "us-east-1", "api_keys": [{"id": "k", "value": "s3cr3t"}]}]}"#,
        &["regions[0].api_keys[0]", "unknown field `value`"],
    );
}

#[test]
fn missing_file_and_missing_source_are_errors() {
    let o = gwaudit(&["scan", "--snapshot", "does/not/exist.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does/not/exist.json"));
    // Without credentials a live scan is a credential error: exit 2, never a panic.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gwaudit"))
        .args([
            "scan",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ])
        .env_clear()
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot identify the AWS account"),
        "{}",
        stderr(&o)
    );
    let o = gwaudit(&["scan", "--demo", "--fail-on", "severe"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rules_and_explain() {
    let o = gwaudit(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for id in [
        "GW101", "GW102", "GW103", "GW201", "GW202", "GW301", "GW302", "GW401", "GW410", "GW501",
        "GW502",
    ] {
        assert!(out.contains(id), "{id} missing from `gwaudit rules`");
    }
    let o = gwaudit(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v.as_array().unwrap().len(),
        gwaudit::rules::registry::ALL.len()
    );
    let o = gwaudit(&["explain", "gw102"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("## GW102 "), "{out}");
    assert!(
        out.contains("### Remediation") && out.contains("```hcl"),
        "{out}"
    );
    let o = gwaudit(&["explain", "GW000"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn output_file_and_summary_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.sarif");
    let path = out.to_str().unwrap();
    let o = gwaudit(&[
        "scan",
        "--demo",
        "--format",
        "sarif",
        "--allow-incomplete-sarif",
        "-o",
        path,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("failing"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
}

/// Code scanning closes every alert missing from an upload: an incomplete scan must not
/// produce SARIF unless asked to.
#[test]
fn incomplete_scan_withholds_sarif_and_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.sarif");
    let o = gwaudit(&[
        "scan",
        "--demo",
        "--format",
        "sarif",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(!out.exists());
    let err = stderr(&o);
    assert!(
        err.contains("no SARIF written") && err.contains("GetDomainNames"),
        "{err}"
    );
    assert!(err.contains("--allow-incomplete-sarif"), "{err}");
}

/// A snapshot written by hand (or by an older gwaudit) may hold secrets in clear: loading
/// redacts them, so no report in any format shows them, and GW307 still names them.
#[test]
fn secrets_in_a_loaded_snapshot_reach_no_output() {
    // Every credential of the GW307 fixture, plus a chunk of each (a truncated value leaks too).
    let secrets = [
        "AKIAIOSFODNN7EXAMPLE",
        "hunter2",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "postgres://app:s3cr3t-Pa55@db.internal:5432/catalog",
        "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        "sk_test_FAKEFAKEFAKEFAKEFAKE1234",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        // A credential inside an integration URI (GW205 still sees the scheme and host).
        "Sup3rSecretPw",
    ];
    let fixture = common::root().join("fixtures/rules/GW307.json");
    let text = std::fs::read_to_string(&fixture).unwrap();
    let mut needles = Vec::new();
    for s in secrets {
        assert!(text.contains(s), "the fixture no longer holds `{s}`");
        needles.push(s.to_string());
        if s.len() > 16 {
            needles.push(s[s.len() / 2 - 6..s.len() / 2 + 6].to_string());
        }
    }
    needles.push("s3cr3t-Pa55".into());
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture_snapshot(&fixture, dir.path());
    let path = path.to_str().unwrap();
    let mut outputs = Vec::new();
    for format in ["table", "json", "sarif", "markdown", "junit"] {
        let o = gwaudit(&[
            "scan",
            "--snapshot",
            path,
            "--format",
            format,
            "--allow-incomplete-sarif",
        ]);
        assert!(
            matches!(o.status.code(), Some(1 | 3)),
            "{format}: {}",
            stderr(&o)
        );
        outputs.push((format.to_string(), stdout(&o) + &stderr(&o)));
    }
    let o = gwaudit(&["explain", "GW307"]);
    outputs.push(("explain".into(), stdout(&o)));
    for (what, out) in &outputs {
        for n in &needles {
            assert!(!out.contains(n.as_str()), "{what} output shows `{n}`");
        }
    }
    let json = &outputs[1].1;
    assert!(
        json.contains("backendAccessKey (aws-access-key-id)")
            && json.contains("<redacted by gwaudit: jwt>"),
        "GW307 names the variable and the marker"
    );
    let loaded = gwaudit::model::load_snapshot_file(std::path::Path::new(path)).unwrap();
    let vars = &loaded.accounts[0].regions[0].rest_apis.as_ref().unwrap()[0]
        .stages
        .as_ref()
        .unwrap()[0]
        .variables;
    assert_eq!(
        gwaudit::secrets::parse_marker(&vars["backendAccessKey"]),
        Some(Some(gwaudit::secrets::SecretKind::AwsAccessKeyId))
    );
}

/// `--compliance` adds the per-requirement view to the table and the Markdown report, and an
/// unknown framework is a usage error.
#[test]
fn compliance_view_in_table_and_markdown() {
    let o = gwaudit(&[
        "scan",
        "--demo",
        "--compliance",
        "fsbp",
        "--fail-on",
        "none",
    ]);
    let table = stdout(&o);
    assert!(
        table.contains("Compliance: AWS Foundational Security Best Practices"),
        "{table}"
    );
    assert!(table.contains("APIGateway.1") && table.contains("CloudTrail.4"));
    let o = gwaudit(&[
        "scan",
        "--demo",
        "--compliance",
        "pci-dss-4.0,nist-800-53-r5",
        "--format",
        "markdown",
        "--fail-on",
        "none",
    ]);
    let md = stdout(&o);
    assert!(md.contains("### Compliance: [PCI DSS 4.0]"), "{md}");
    assert!(md.contains("### Compliance: [NIST SP 800-53 Revision 5]"));
    assert!(md.contains("| 8.6.2 Passwords/passphrases"));
    let o = gwaudit(&["scan", "--demo", "--compliance", "sox"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("fsbp, cis-7.0, pci-dss-4.0, nist-800-53-r5"));
}

/// `[parameters]` in gwaudit.toml reaches the rules: `require_private` turns GW204's inventory
/// into failures.
#[test]
fn config_parameters_reach_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let count_fails = |config: &str| {
        let path = dir.path().join("gwaudit.toml");
        std::fs::write(&path, config).unwrap();
        let o = gwaudit(&[
            "scan",
            "--demo",
            "--rules",
            "GW204",
            "--format",
            "json",
            "--fail-on",
            "none",
            "--config",
            path.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["summary"]["by_status"]["fail"].as_u64().unwrap()
    };
    assert_eq!(count_fails(""), 0);
    assert!(count_fails("[parameters]\nrequire_private = true\n") > 0);
}

/// `collected_at` decides every age and expiry: a value that does not parse is an input error
/// naming the field, never a silent "today".
#[test]
fn unparsable_collected_at_is_an_error() {
    let demo = std::fs::read_to_string(common::demo_path()).unwrap();
    for bad in [
        "2026/11/20",
        "20261120",
        "Fri, 20 Nov 2026 06:00:00 GMT",
        "\u{ff12}\u{ff10}\u{ff12}\u{ff16}-11-20",
        "2026-11-20x",
        "2026-11-20T25:00:00Z",
    ] {
        let text = demo.replacen("2026-11-20T06:00:00Z", bad, 1);
        expect_input_error(&text, &["collected_at", "RFC 3339"]);
    }
}

/// Mutes expire at the snapshot's `collected_at`, like key ages and certificate expiries, so a
/// rescan of a stored snapshot gives the same answer on any day.
#[test]
fn mutes_expire_at_the_snapshot_date() {
    let dir = tempfile::tempdir().unwrap();
    let run = |expires: &str| {
        let path = dir.path().join("gwaudit.toml");
        std::fs::write(
            &path,
            format!(
                "[[mute]]\nrules = [\"GW504\"]\nreason = \"tracing later\"\nexpires = {expires}\n"
            ),
        )
        .unwrap();
        let o = gwaudit(&[
            "scan",
            "--demo",
            "--format",
            "json",
            "--fail-on",
            "none",
            "--config",
            path.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (v["mutes"]["applied"].as_u64().unwrap(), stderr(&o))
    };
    // The demo was collected on 2026-11-20.
    let (applied, err) = run("2026-11-25");
    assert!(applied > 0 && !err.contains("expired"), "{err}");
    let (applied, err) = run("2026-11-19");
    assert!(
        applied == 0 && err.contains("expired on 2026-11-19"),
        "{err}"
    );
}

/// JSON lets an object repeat a key and keeps the last value; a repeated stage variable or tag
/// would silently replace another, so it is an input error naming the map and the key.
#[test]
fn a_repeated_map_key_is_an_error() {
    let demo = std::fs::read_to_string(common::demo_path()).unwrap();
    let bad = demo.replacen(
        "\"backendHost\": \"payments-staging.internal.twtech.example\",",
        "\"backendHost\": \"payments-staging.internal.twtech.example\",\n\"backendHost\": \"x\",",
        1,
    );
    assert_ne!(bad, demo);
    expect_input_error(&bad, &["variables", "duplicate key `backendHost`"]);
}

/// The table and Markdown show the first 50 of the demo's 55 failing findings and say how to
/// see the rest; `--details` shows every one, on `scan` and on `convert`.
#[test]
fn details_lists_every_row() {
    let demo = common::demo_path();
    let demo = demo.to_str().unwrap();
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "--snapshot", demo, "--fail-on", "none"];
        args.extend_from_slice(extra);
        let o = gwaudit(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    // GW309 (info) sorts last: its summary row is always there, its two findings only in full.
    let info_rows = |table: &str| table.lines().filter(|l| l.starts_with("│ INFO ")).count();

    let capped = scan(&[]);
    assert!(
        capped.contains("Failing findings (55; the first 50)\n"),
        "{capped}"
    );
    assert!(
        capped.contains("5 more failing findings not shown: add --details to list them"),
        "{capped}"
    );
    assert_eq!(info_rows(&capped), 1, "{capped}");

    let all = scan(&["--details"]);
    assert!(all.contains("Failing findings (55)\n"), "{all}");
    assert!(!all.contains("not shown"), "{all}");
    assert_eq!(info_rows(&all), 3, "{all}");

    let md_rows = |md: &str| {
        md.lines()
            .filter(|l| l.starts_with("| info | GW309 |"))
            .count()
    };
    assert_eq!(md_rows(&scan(&["--format", "markdown"])), 0);
    assert_eq!(md_rows(&scan(&["--format", "markdown", "--details"])), 2);

    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    scan(&["--format", "json", "--output", json.to_str().unwrap()]);
    let o = gwaudit(&["convert", json.to_str().unwrap(), "--details"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(info_rows(&stdout(&o)), 3, "{}", stdout(&o));
}

/// The `--details` help names the caps the reports apply.
#[test]
fn details_help_names_the_caps() {
    use gwaudit::report::overview::{ACCOUNT_ROWS, DETAIL_ROWS};
    let help = stdout(&gwaudit(&["scan", "--help"]));
    let expected = format!(
        "the first {DETAIL_ROWS} failing and {DETAIL_ROWS} unknown results and the \
         {ACCOUNT_ROWS} worst accounts"
    );
    assert!(help.contains(&expected), "{help}");
}
