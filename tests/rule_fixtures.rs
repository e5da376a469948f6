//! Every rule runs on its fixture of pass, fail and edge cases, and must produce exactly the
//! results the fixture expects: same resources, statuses and severities, nothing more.
//!
//! Each fixture is its own test named after the rule (libtest-mimic, `harness = false`), so
//! `cargo test --test rule_fixtures GW305` runs one and a failure names the rule.
//!
//! Every finding the rule produces on a fixture (main snapshot and variants) is also compared
//! with a golden file, `tests/snapshots/rules/<ID>.snap`: status, severity, region, resource,
//! its label, SARIF path and tags, an unknown's cause, message and evidence. Regenerate after an intended change with
//! `GWAUDIT_UPDATE_GOLDEN=1 cargo test --test rule_fixtures` and review the diff.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gwaudit::model::{parse_snapshot, UnknownCause};
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
    /// An unknown's cause, when the case is about it (`not_collected`, `not_determinable`):
    /// the cause decides whether SARIF is withheld and a rescan suggested.
    #[serde(default)]
    cause: Option<UnknownCause>,
    /// Needed only when the same resource path exists in several regions (`account`).
    #[serde(default)]
    region: Option<String>,
}

fn short(f: &Finding) -> &str {
    f.resource
        .arn
        .split_once("::/")
        .map_or(&f.resource.arn, |(_, r)| r)
}

/// Where the golden findings live, and whether to write them instead of comparing.
struct Goldens {
    dir: PathBuf,
    update: bool,
}

impl Goldens {
    /// `tests/snapshots/rules/`, written instead of compared when `GWAUDIT_UPDATE_GOLDEN` is set.
    fn project() -> Self {
        Goldens {
            dir: common::root().join("tests/snapshots/rules"),
            update: std::env::var_os("GWAUDIT_UPDATE_GOLDEN").is_some(),
        }
    }

    /// Writes `actual` as the golden of `rule`, or compares it with the golden on disk.
    fn check(&self, rule: &str, actual: &str) -> Result<(), String> {
        let path = self.dir.join(format!("{rule}.snap"));
        let shown = path.strip_prefix(common::root()).unwrap_or(&path).display();
        let regenerate = format!("GWAUDIT_UPDATE_GOLDEN=1 cargo test --test rule_fixtures {rule}");
        if self.update {
            std::fs::create_dir_all(&self.dir).map_err(|e| format!("{shown}: {e}"))?;
            return std::fs::write(&path, actual).map_err(|e| format!("{shown}: {e}"));
        }
        let expected = std::fs::read_to_string(&path)
            .map_err(|e| format!("golden {shown}: {e}; create it with `{regenerate}`"))?;
        if actual == expected {
            return Ok(());
        }
        let (actual, expected): (Vec<&str>, Vec<&str>) =
            (actual.lines().collect(), expected.lines().collect());
        let Some(line) =
            (0..actual.len().max(expected.len())).find(|&i| actual.get(i) != expected.get(i))
        else {
            return Err(format!(
                "golden {shown} differs from the findings only in line endings or the final \
                 newline; regenerate it with `{regenerate}`"
            ));
        };
        let shown_line = |lines: &[&str]| {
            lines
                .get(line)
                .map_or("<end of file>".to_string(), |l| format!("{l:?}"))
        };
        // Within a finding's block, the finding's first line.
        let finding = actual
            .get(line)
            .filter(|l| l.starts_with(' '))
            .and_then(|_| actual[..line].iter().rev().find(|l| !l.starts_with(' ')))
            .map_or(String::new(), |l| format!("\n    in:       {l}"));
        Err(format!(
            "the findings differ from golden {shown} at line {}:\n    \
             golden:   {}\n    actual:   {}{finding}\n  \
             if the change is intended, regenerate with `{regenerate}` and review the diff",
            line + 1,
            shown_line(&expected),
            shown_line(&actual),
        ))
    }
}

fn check_fixture(path: &Path, goldens: &Goldens) -> Result<(), String> {
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
    let mut golden = golden_header(&fx.rule);
    for (i, (description, expect, params, snapshot)) in cases.into_iter().enumerate() {
        let (label, section) = if i == 0 {
            (name.clone(), "snapshot".to_string())
        } else {
            (format!("{name} variant {i}"), format!("variant {i}"))
        };
        if description.trim().is_empty() {
            errors.push(format!("{label}: empty description"));
        }
        let findings = run_case(&fx.rule, &label, params, snapshot)?;
        errors.extend(check_expectations(expect, &findings));
        render_section(&mut golden, &section, &findings);
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
    if let Err(e) = goldens.check(&fx.rule, &golden) {
        errors.push(e);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{name} ({}):\n  {}", fx.rule, errors.join("\n  ")))
    }
}

/// Evaluates one snapshot and returns the rule's findings in the engine's order.
fn run_case(
    rule: &str,
    name: &str,
    params: &RuleParams,
    snapshot: &serde_json::Value,
) -> Result<Vec<Finding>, String> {
    let snapshot = parse_snapshot(&snapshot.to_string(), name).map_err(|e| e.to_string())?;
    let selection = Selection {
        include: vec![rule.to_string()],
        exclude: vec![],
    };
    Ok(evaluate(&snapshot, &selection, params)
        .into_iter()
        .filter(|f| f.rule.id == rule)
        .collect())
}

fn golden_header(rule: &str) -> String {
    format!(
        "# {rule}: every finding of the rule on fixtures/rules/{rule}.json, in the engine's order.\n\
         # Generated: GWAUDIT_UPDATE_GOLDEN=1 cargo test --test rule_fixtures {rule}\n"
    )
}

/// One finding per block: `<status> <severity> <region> <resource>` (the resource is the part
/// of the ARN after `::/` when the ARN is `arn:aws:apigateway:<region>::/...`, else the whole
/// ARN), then the message and one line per evidence key with its value as JSON, keys sorted.
fn render_section(out: &mut String, section: &str, findings: &[Finding]) {
    let plural = if findings.len() == 1 { "" } else { "s" };
    let _ = writeln!(out, "\n## {section}: {} finding{plural}", findings.len());
    for f in findings {
        let prefix = format!("arn:aws:apigateway:{}::/", f.place.region);
        let resource = f
            .resource
            .arn
            .strip_prefix(&prefix)
            .unwrap_or(&f.resource.arn);
        let _ = writeln!(
            out,
            "\n{} {} {} {resource}",
            f.status.as_str(),
            f.severity.as_str(),
            f.place.region
        );
        let _ = writeln!(out, "  label: {}", one_line(&f.resource.label));
        let _ = writeln!(out, "  path: {}", one_line(&f.resource.path));
        if !f.resource.tags.is_empty() {
            let tags = serde_json::to_string(&f.resource.tags).expect("tags serialize");
            let _ = writeln!(out, "  tags: {tags}");
        }
        if let Some(cause) = f.unknown_cause {
            let _ = writeln!(out, "  cause: {}", cause.as_str());
        }
        let _ = writeln!(out, "  message: {}", one_line(&f.message));
        if f.evidence.is_empty() {
            let _ = writeln!(out, "  evidence: {{}}");
        }
        for (key, value) in f.evidence.entries() {
            let _ = writeln!(out, "  evidence.{}: {}", one_line(&key), sorted(&value));
        }
    }
}

/// `s` itself when it fits on one line, else as a JSON string.
fn one_line(s: &str) -> String {
    if s.chars().any(char::is_control) {
        serde_json::to_string(s).unwrap()
    } else {
        s.to_string()
    }
}

/// `value` as compact JSON with the keys of every object sorted.
fn sorted(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Compares the rule's findings on one snapshot with the expectations.
fn check_expectations(expect: &[Expectation], findings: &[Finding]) -> Vec<String> {
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
                short(f) == exp.resource && exp.region.as_ref().is_none_or(|r| f.place.region == *r)
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
        if let Some(cause) = exp.cause {
            if exp.status != Status::Unknown {
                errors.push(format!(
                    "{} ({}): only an unknown expectation names a cause",
                    exp.resource, exp.case
                ));
            } else if f.unknown_cause != Some(cause) {
                errors.push(format!(
                    "{} ({}): cause {:?}, expected {cause:?}: {}",
                    exp.resource, exp.case, f.unknown_cause, f.message
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
    errors
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

/// Every golden belongs to a fixture: a rule removed or renamed leaves no stale golden behind.
fn every_golden_has_a_fixture() -> Result<(), Failed> {
    let fixtures: BTreeSet<String> = common::rule_fixtures()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let dir = Goldens::project().dir;
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(()); // none yet: each fixture's test says how to create its golden
    };
    let mut stale = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        if path.extension().is_none_or(|e| e != "snap") || !fixtures.contains(stem.as_ref()) {
            stale.push(path.display().to_string());
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "files without a rule fixture, delete them:\n  {}",
            stale.join("\n  ")
        )
        .into())
    }
}

/// Copies `fixtures/rules/GW502.json` to a temporary `<file>`, edited by `edit`, and checks it
/// with its golden written to a temporary directory, so only the expectations are judged.
fn check_edited_fixture(file: &str, edit: impl FnOnce(String) -> String) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let original = common::root().join("fixtures/rules/GW502.json");
    let broken = dir.path().join(file);
    std::fs::write(&broken, edit(std::fs::read_to_string(original).unwrap())).unwrap();
    let goldens = Goldens {
        dir: dir.path().join("snapshots"),
        update: true,
    };
    check_fixture(&broken, &goldens)
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

/// The harness must catch a finding that differs from its golden, and a missing golden.
fn a_changed_golden_is_caught() -> Result<(), Failed> {
    let dir = tempfile::tempdir().unwrap();
    let fixture = common::root().join("fixtures/rules/GW502.json");
    let mut goldens = Goldens {
        dir: dir.path().to_path_buf(),
        update: false,
    };
    expect_failure(
        check_fixture(&fixture, &goldens),
        "create it with `GWAUDIT_UPDATE_GOLDEN=1 cargo test --test rule_fixtures GW502`",
    )?;
    goldens.update = true;
    check_fixture(&fixture, &goldens)?;
    goldens.update = false;
    check_fixture(&fixture, &goldens)?;
    let golden = dir.path().join("GW502.snap");
    let text = std::fs::read_to_string(&golden).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("  message: "))
        .unwrap();
    let edited: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                format!("{l}!\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&golden, edited).unwrap();
    expect_failure(
        check_fixture(&fixture, &goldens),
        &format!("GW502.snap at line {}:", line + 1),
    )
}

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = common::rule_fixtures()
        .into_iter()
        .map(|path| {
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            Trial::test(id, move || {
                check_fixture(&path, &Goldens::project()).map_err(Failed::from)
            })
        })
        .collect();
    trials.extend([
        Trial::test(
            "every_rule_has_exactly_one_fixture",
            every_rule_has_exactly_one_fixture,
        ),
        Trial::test("every_golden_has_a_fixture", every_golden_has_a_fixture),
        Trial::test(
            "a_wrong_expectation_is_caught",
            a_wrong_expectation_is_caught,
        ),
        Trial::test("a_misnamed_fixture_is_caught", a_misnamed_fixture_is_caught),
        Trial::test("a_changed_golden_is_caught", a_changed_golden_is_caught),
    ]);
    libtest_mimic::run(&args, trials).exit();
}
