//! JUnit XML for CI test views (GitLab, Jenkins, Azure Pipelines): one test case per rule,
//! failing when the rule has failing findings that count (not muted, not in the baseline).
//! A rule that could not evaluate some resources and has no failure is an error.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::text::xml;
use super::ScanReport;
use crate::rules::{registry, Status};
use crate::triage::Triaged;

pub fn render(report: &ScanReport) -> String {
    let mut by_rule: BTreeMap<&str, Vec<&Triaged>> = BTreeMap::new();
    for id in &report.scan.rules_evaluated {
        by_rule.entry(id.as_str()).or_default();
    }
    for f in &report.results {
        by_rule.entry(f.rule.id.as_str()).or_default().push(f);
    }
    let mut cases = String::new();
    let (mut failures, mut errors) = (0, 0);
    for (rule_id, findings) in &by_rule {
        let title = registry::find(rule_id).map_or("", |r| r.meta.title.as_str());
        let category = registry::find(rule_id).map_or("other", |r| r.meta.category().dir());
        let failing: Vec<&&Triaged> = findings.iter().filter(|f| f.is_actionable()).collect();
        let unknown: Vec<&&Triaged> = findings
            .iter()
            .filter(|f| f.status == Status::Unknown)
            .collect();
        let accepted = findings
            .iter()
            .filter(|f| f.status == Status::Fail && !f.is_actionable())
            .count();
        let _ = writeln!(
            cases,
            "    <testcase classname=\"gwaudit.{category}\" name=\"{} {}\">",
            xml(rule_id),
            xml(title)
        );
        let lines = |list: &[&&Triaged]| {
            list.iter()
                .map(|f| format!("[{}] {}: {}", f.severity, f.resource.arn, f.message))
                .collect::<Vec<_>>()
                .join("\n")
        };
        if !failing.is_empty() {
            failures += 1;
            let worst = failing.iter().map(|f| f.severity).max().expect("non-empty");
            let _ = writeln!(
                cases,
                "      <failure message=\"{} failing finding(s), worst {worst}\" type=\"{worst}\">{}</failure>",
                failing.len(),
                xml(&lines(&failing))
            );
        } else if !unknown.is_empty() {
            errors += 1;
            let _ = writeln!(
                cases,
                "      <error message=\"{} resource(s) could not be evaluated\" type=\"unknown\">{}</error>",
                unknown.len(),
                xml(&lines(&unknown))
            );
        }
        if accepted > 0 {
            let _ = writeln!(
                cases,
                "      <system-out>{accepted} failing finding(s) muted or already in the baseline</system-out>"
            );
        }
        cases.push_str("    </testcase>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"gwaudit\" tests=\"{n}\" failures=\"{failures}\" errors=\"{errors}\">\n  \
         <testsuite name=\"gwaudit {account}\" tests=\"{n}\" failures=\"{failures}\" errors=\"{errors}\">\n\
         {cases}  </testsuite>\n</testsuites>\n",
        n = by_rule.len(),
        account = xml(&report.scan.account_id),
    )
}
