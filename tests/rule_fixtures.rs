//! Every rule runs on its fixture of pass, fail and edge cases, and must produce exactly the
//! results the fixture expects: same resources, statuses and severities, nothing more.
//!
//! Each fixture is its own test named after the rule (libtest-mimic, `harness = false`), so
//! `cargo test --test rule_fixtures GW305` runs one and a failure names the rule.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use gwaudit::model::parse_snapshot;
use gwaudit::rules::{evaluate, registry, Finding, RuleParams, Selection, Status};
use libtest_mimic::{Arguments, Failed, Trial};
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

fn check_fixture(path: &Path) -> Result<(), String> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let fx: Fixture =
        serde_json::from_str(&text).map_err(|e| format!("{name}: bad fixture: {e}"))?;
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    if fx.rule != stem {
        return Err(format!(
            "{name}: `rule` is {:?}, must be the file name {stem:?}",
            fx.rule
        ));
    }
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

fn every_rule_has_exactly_one_fixture() -> Result<(), Failed> {
    let fixtures: BTreeSet<String> = common::rule_fixtures()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let rules: BTreeSet<String> = registry::rules()
        .iter()
        .map(|r| r.def.id.to_string())
        .collect();
    if fixtures != rules {
        return Err(format!(
            "fixtures/rules/<ID>.json must exist for each rule and only for rules\n  \
             without a fixture: {:?}\n  without a rule: {:?}",
            rules.difference(&fixtures).collect::<Vec<_>>(),
            fixtures.difference(&rules).collect::<Vec<_>>()
        )
        .into());
    }
    Ok(())
}

/// Copies `fixtures/rules/GW502.json` to a temporary `<file>`, edited by `edit`, and checks it.
fn check_edited_fixture(file: &str, edit: impl FnOnce(String) -> String) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let original = common::root().join("fixtures/rules/GW502.json");
    let broken = dir.path().join(file);
    std::fs::write(&broken, edit(std::fs::read_to_string(original).unwrap())).unwrap();
    check_fixture(&broken)
}

/// Checks that `result` is an error whose message contains `needle`.
fn expect_failure(result: Result<(), String>, needle: &str) -> Result<(), Failed> {
    match result {
        Ok(()) => Err(format!("the harness accepted a broken fixture (wanted `{needle}`)").into()),
        Err(e) if e.contains(needle) => Ok(()),
        Err(e) => Err(format!("expected an error containing `{needle}`, got:\n{e}").into()),
    }
}

/// The harness itself must catch a wrong expectation.
fn a_wrong_expectation_is_caught() -> Result<(), Failed> {
    let result = check_edited_fixture("GW502.json", |text| {
        text.replacen(
            "\"status\": \"pass\"",
            "\"status\": \"fail\", \"severity\": \"medium\"",
            1,
        )
    });
    expect_failure(result, "status Pass, expected Fail")
}

/// A fixture's `rule` must be its file name: GW502's fixture saved as GW503.json fails.
fn a_misnamed_fixture_is_caught() -> Result<(), Failed> {
    let result = check_edited_fixture("GW503.json", |text| text);
    expect_failure(result, "must be the file name \"GW503\"")
}

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = common::rule_fixtures()
        .into_iter()
        .map(|path| {
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            Trial::test(id, move || check_fixture(&path).map_err(Failed::from))
        })
        .collect();
    trials.extend([
        Trial::test(
            "every_rule_has_exactly_one_fixture",
            every_rule_has_exactly_one_fixture,
        ),
        Trial::test(
            "a_wrong_expectation_is_caught",
            a_wrong_expectation_is_caught,
        ),
        Trial::test("a_misnamed_fixture_is_caught", a_misnamed_fixture_is_caught),
    ]);
    libtest_mimic::run(&args, trials).exit();
}
