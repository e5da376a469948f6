//! Snapshot values with a format (account id, partition, regions, ARNs) are checked at load
//! time: a bad one is an input error (exit 2) that names its place, instead of a report that
//! copies it into every result (issue 12: a 1.3 MB `account_id` made 890 MB of JSON).

mod common;

use common::{gwaudit, stderr};

fn demo() -> String {
    std::fs::read_to_string(common::demo_path()).unwrap()
}

/// Scans `snapshot` and expects exit 2 with an error naming the file and each of `needles`.
fn expect_rejected(snapshot: &str, needles: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.json");
    std::fs::write(&path, snapshot).unwrap();
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(o.stdout.is_empty(), "no report for a rejected snapshot");
    assert!(
        err.contains("input.json"),
        "error must name the file: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "error must mention `{n}`: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn huge_account_id_is_rejected_without_repeating_it() {
    let account = "1".repeat(1_300_000);
    let bad = demo().replacen(
        r#""account_id": "123456789012""#,
        &format!(r#""account_id": "{account}""#),
        1,
    );
    let err = expect_rejected(
        &bad,
        &["`account_id`", "12-digit AWS account id", "1300000 bytes"],
    );
    assert!(
        err.len() < 1_000,
        "the error quotes the value short: {} bytes",
        err.len()
    );
}

#[test]
fn malformed_account_partition_and_region_are_rejected() {
    let demo = demo();
    expect_rejected(
        &demo.replacen(
            r#""account_id": "123456789012""#,
            r#""account_id": "1234""#,
            1,
        ),
        &["`account_id`", "`1234`"],
    );
    expect_rejected(
        &demo.replacen(r#""partition": "aws""#, r#""partition": "aws-moon""#, 1),
        &["`partition`", "`aws-moon`", "aws-us-gov"],
    );
    expect_rejected(
        &demo.replacen(r#""region": "us-east-1""#, r#""region": "US East""#, 1),
        &["`regions[0].region`", "AWS region name"],
    );
}

#[test]
fn duplicate_region_is_rejected() {
    let demo = demo();
    let v: serde_json::Value = serde_json::from_str(&demo).unwrap();
    let second = v["regions"][1]["region"].as_str().unwrap().to_string();
    let bad = demo.replacen(
        r#""region": "us-east-1""#,
        &format!(r#""region": "{second}""#),
        1,
    );
    expect_rejected(&bad, &["`regions[1].region`", "listed twice", "regions[0]"]);
}

#[test]
fn malformed_arn_names_its_field() {
    let demo = demo();
    let mut v: serde_json::Value = serde_json::from_str(&demo).unwrap();
    let stage = &mut v["regions"][0]["rest_apis"][0]["stages"][0];
    assert!(stage["stage_name"].is_string());
    stage["web_acl_arn"] = "webacl/orders-prod-acl".into();
    expect_rejected(
        &v.to_string(),
        &[
            "`regions[0].rest_apis[0].stages[0].web_acl_arn`",
            "is not an ARN",
        ],
    );
    // Firewall Manager's group references are checked as the ACL's own are.
    let mut v: serde_json::Value = serde_json::from_str(&demo).unwrap();
    v["regions"][0]["web_acls"][0]["post_process_firewall_manager_rule_groups"] = serde_json::json!([{
        "name": "POSTFMTeamRules",
        "override_action": "NONE",
        "statement": {"type": "rule_group_reference", "arn": "rulegroup/team"}
    }]);
    expect_rejected(
        &v.to_string(),
        &["`regions[0].web_acls[0].post_process_firewall_manager_rule_groups[0].statement.arn`"],
    );
    let mut v: serde_json::Value = serde_json::from_str(&demo).unwrap();
    v["regions"][0]["account_settings"]["cloudwatch_role_arn"] =
        "arn:aws-mars:iam::123456789012:role/x".into();
    expect_rejected(
        &v.to_string(),
        &["`regions[0].account_settings.cloudwatch_role_arn`"],
    );
}

#[test]
fn demo_and_rule_fixtures_still_load() {
    let o = gwaudit(&["scan", "--demo", "--fail-on", "none"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    for fixture in common::rule_fixtures() {
        let snap = common::fixture_snapshot(&fixture, dir.path());
        let o = gwaudit(&[
            "scan",
            "--snapshot",
            snap.to_str().unwrap(),
            "--fail-on",
            "none",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            fixture.display(),
            stderr(&o)
        );
    }
}

/// A snapshot of a newer gwaudit (or AWS) may hold enum values this version does not know:
/// they load and are reported as unknown. A value no AWS enum could have is still an input
/// error naming its place.
#[test]
fn unknown_enum_values_load_and_malformed_ones_are_rejected() {
    let newer = demo()
        .replacen(
            r#""authorization_type": "NONE""#,
            r#""authorization_type": "AWS_QUANTUM""#,
            1,
        )
        .replacen(
            r#""protocol_type": "HTTP""#,
            r#""protocol_type": "GRPC""#,
            1,
        )
        .replacen(
            r#""logging_level": "INFO""#,
            r#""logging_level": "DEBUG""#,
            1,
        );
    assert!(newer.contains("AWS_QUANTUM") && newer.contains("GRPC") && newer.contains("DEBUG"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.json");
    std::fs::write(&path, &newer).unwrap();
    let o = gwaudit(&[
        "scan",
        "--snapshot",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = String::from_utf8_lossy(&o.stdout);
    for value in ["AWS_QUANTUM", "GRPC", "DEBUG"] {
        assert!(
            report.contains(&format!("`{value}`")),
            "{value} named by an unknown result"
        );
    }

    let bad = demo().replacen(
        r#""authorization_type": "NONE""#,
        r#""authorization_type": "NONE OR IAM""#,
        1,
    );
    // serde names the enum, the place says which field.
    expect_rejected(&bad, &[".authorization_type`", "AuthorizationType"]);
}
