//! Every rule runs on its fixture of pass, fail and edge cases, and must produce exactly the
//! results the fixture expects: same resources, statuses and severities, nothing more.

mod common;

use std::collections::BTreeSet;

use gwaudit::model::parse_snapshot;
use gwaudit::rules::{evaluate, registry, Finding, RuleParams, Selection, Status};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    rule: String,
    description: String,
    expect: Vec<Expectation>,
    /// Rule parameters as in `gwaudit.toml` `[parameters]`; the defaults when absent.
    #[serde(default)]
    params: RuleParams,
    snapshot: serde_json::Value,
    /// More snapshots for verdicts one snapshot cannot show side by side (an account-wide
    /// verdict such as GW601's is the same in every region of one snapshot).
    #[serde(default)]
    variants: Vec<Variant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Variant {
    description: String,
    expect: Vec<Expectation>,
    #[serde(default)]
    params: RuleParams,
    snapshot: serde_json::Value,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Expectation {
    /// The ARN after `::/`, e.g. `restapis/abc/stages/dev`.
    resource: String,
    status: Status,
    #[serde(default)]
    severity: Option<String>,
    case: String,
    #[serde(default)]
    message_contains: Option<String>,
    /// Needed only when the same resource path exists in several regions (`account`).
    #[serde(default)]
    region: Option<String>,
}

fn short(f: &Finding) -> &str {
    f.resource_arn
        .split_once("::/")
        .map_or(&f.resource_arn, |(_, r)| r)
}

fn check_fixture(path: &std::path::Path) -> Result<(), String> {
    let name = path.display().to_string();
    let fx: Fixture = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .map_err(|e| format!("{name}: bad fixture: {e}"))?;
    let mut cases = vec![(&fx.description, &fx.expect, &fx.params, &fx.snapshot)];
    cases.extend(
        fx.variants
            .iter()
            .map(|v| (&v.description, &v.expect, &v.params, &v.snapshot)),
    );
    let mut errors = Vec::new();
    for (i, (description, expect, params, snapshot)) in cases.into_iter().enumerate() {
        let label = if i == 0 {
            name.clone()
        } else {
            format!("{name} variant {i}")
        };
        if description.trim().is_empty() {
            errors.push(format!("{label}: empty description"));
        }
        errors.extend(check_case(&fx.rule, &label, expect, params, snapshot)?);
    }
    let all: Vec<&Expectation> = fx
        .expect
        .iter()
        .chain(fx.variants.iter().flat_map(|v| &v.expect))
        .collect();
    for status in [Status::Pass, Status::Fail, Status::Unknown] {
        if !all.iter().any(|e| e.status == status) {
            errors.push(format!("fixture has no {status:?} case"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{name} ({}):\n  {}", fx.rule, errors.join("\n  ")))
    }
}

/// Evaluates one snapshot and compares the rule's results with the expectations.
fn check_case(
    rule: &str,
    name: &str,
    expect: &[Expectation],
    params: &RuleParams,
    snapshot: &serde_json::Value,
) -> Result<Vec<String>, String> {
    let snapshot = parse_snapshot(&snapshot.to_string(), name).map_err(|e| e.to_string())?;
    let selection = Selection {
        include: vec![rule.to_string()],
        exclude: vec![],
    };
    let findings: Vec<Finding> = evaluate(&snapshot, &selection, params)
        .into_iter()
        .filter(|f| f.rule_id == rule)
        .collect();
    let mut errors = Vec::new();
    let mut matched = BTreeSet::new();
    for exp in expect {
        if exp.case.trim().is_empty() {
            errors.push(format!(
                "expectation for {} has no case description",
                exp.resource
            ));
        }
        let found: Vec<(usize, &Finding)> = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                short(f) == exp.resource && exp.region.as_ref().is_none_or(|r| *r == f.region)
            })
            .collect();
        let [(i, f)] = found.as_slice() else {
            errors.push(format!(
                "{} ({}): expected one result, got {}",
                exp.resource,
                exp.case,
                found.len()
            ));
            continue;
        };
        matched.insert(*i);
        if f.status != exp.status {
            errors.push(format!(
                "{} ({}): status {:?}, expected {:?}: {}",
                exp.resource, exp.case, f.status, exp.status, f.message
            ));
        }
        if let Some(sev) = &exp.severity {
            if f.severity.as_str() != sev {
                errors.push(format!(
                    "{} ({}): severity {}, expected {sev}: {}",
                    exp.resource, exp.case, f.severity, f.message
                ));
            }
        } else if exp.status == Status::Fail {
            errors.push(format!(
                "{}: a fail expectation must name its severity",
                exp.resource
            ));
        }
        if let Some(needle) = &exp.message_contains {
            if !f.message.contains(needle.as_str()) {
                errors.push(format!(
                    "{} ({}): message lacks `{needle}`: {}",
                    exp.resource, exp.case, f.message
                ));
            }
        }
        if f.status == Status::Fail && f.evidence.is_empty() {
            errors.push(format!(
                "{}: a failing result carries no evidence",
                exp.resource
            ));
        }
    }
    for (i, f) in findings.iter().enumerate() {
        if !matched.contains(&i) {
            errors.push(format!(
                "unexpected result {} {:?} {}: {}",
                short(f),
                f.status,
                f.severity,
                f.message
            ));
        }
    }
    Ok(errors)
}

#[test]
fn every_rule_matches_its_fixture() {
    // GWAUDIT_FIXTURE=GW106 runs one fixture while a rule is being written.
    let only = std::env::var("GWAUDIT_FIXTURE").ok();
    let failures: Vec<String> = common::rule_fixtures()
        .iter()
        .filter(|p| {
            only.as_deref()
                .is_none_or(|id| p.file_stem().is_some_and(|s| s == id))
        })
        .filter_map(|p| check_fixture(p).err())
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_rule_has_exactly_one_fixture() {
    let fixtures: BTreeSet<String> = common::rule_fixtures()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let rules: BTreeSet<String> = registry::rules()
        .iter()
        .map(|r| r.def.id.to_string())
        .collect();
    assert_eq!(
        fixtures, rules,
        "fixtures/rules/<ID>.json must exist for each rule and only for rules"
    );
}

/// The harness itself must catch a wrong expectation.
#[test]
fn a_wrong_expectation_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let original = common::root().join("fixtures/rules/GW502.json");
    let text = std::fs::read_to_string(&original).unwrap().replacen(
        "\"status\": \"pass\"",
        "\"status\": \"fail\", \"severity\": \"medium\"",
        1,
    );
    let broken = dir.path().join("GW502.json");
    std::fs::write(&broken, text).unwrap();
    let err = check_fixture(&broken).expect_err("a flipped expectation must fail");
    assert!(err.contains("status Pass, expected Fail"), "{err}");
}
