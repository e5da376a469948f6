//! What the table and Markdown reports lead with, computed once so the two agree: failing and
//! unknown results counted per rule and per account, and how many detail rows to show. A large
//! account has hundreds of thousands of results; people read the counts, then a few rows, and
//! tools read the JSON report.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use super::status::{AccountStatus, ScanState};
use super::ScanReport;
use crate::model::UnknownCause;
use crate::rules::Severity;
use crate::triage::Triaged;

/// Detail rows of failing, and of unknown, results shown without `--details`: a few screens
/// of the table, and a Markdown report that stays a fraction of a step summary. The `--details`
/// help and the README name this number.
pub const DETAIL_ROWS: usize = 50;

/// Account rows shown without `--details`, worst first: an organization has thousands. Named in
/// the `--details` help and the README too.
pub const ACCOUNT_ROWS: usize = 20;

/// Resources named per rule; the rest are counted ("+N more").
pub const EXAMPLES: usize = 3;

/// One rule's failing (or unknown) results.
#[derive(Debug)]
pub struct RuleRow<'a> {
    pub rule_id: &'a str,
    pub title: &'a str,
    /// The highest among the rule's results: evidence raises a rule's severity per resource.
    pub severity: Severity,
    pub count: usize,
    /// Distinct accounts: one report can hold a whole organization.
    pub accounts: usize,
    /// Up to [`EXAMPLES`] distinct resource labels, most severe first, then by name.
    pub examples: Vec<&'a str>,
    /// Results not named in `examples`.
    pub more: usize,
    /// Unknown results by cause; empty for failing results.
    pub causes: BTreeMap<UnknownCause, usize>,
}

/// One account's results.
#[derive(Debug)]
pub struct AccountRow<'a> {
    pub account_id: &'a str,
    /// What the scan of the account came to; `None` for an account only results name (a
    /// converted report of an older version).
    pub status: Option<&'a AccountStatus>,
    pub regions: Vec<&'a str>,
    /// Failing results that are not muted, by severity (every severity present).
    pub failing: BTreeMap<Severity, usize>,
    pub unknown: usize,
}

impl<'a> AccountRow<'a> {
    fn empty(account_id: &'a str) -> Self {
        AccountRow {
            account_id,
            status: None,
            regions: Vec::new(),
            failing: Severity::ALL.iter().map(|s| (*s, 0)).collect(),
            unknown: 0,
        }
    }

    pub fn failing(&self, severity: Severity) -> usize {
        self.failing.get(&severity).copied().unwrap_or(0)
    }

    /// "scanned, 6 APIs", "incomplete, 6 APIs", "not scanned".
    pub fn state(&self) -> String {
        match self.status {
            None => String::new(),
            Some(s) if s.status == ScanState::NotScanned => "not scanned".into(),
            Some(s) if s.status == ScanState::Skipped => "skipped".into(),
            Some(s) => format!(
                "{}, {} API{}",
                s.status.as_str(),
                s.apis(),
                if s.apis() == 1 { "" } else { "s" }
            ),
        }
    }

    /// [`Self::region_lines`] as one text: a line per region and per failed call for a table
    /// cell (`lines`), or one line for a Markdown cell.
    pub fn regions_text(&self, lines: bool) -> String {
        let (between, missing, close, calls_between) = if lines {
            ("\n", ", missing:\n", "", "\n")
        } else {
            ("; ", " (missing ", ")", ", ")
        };
        self.region_lines()
            .into_iter()
            .map(|(region, calls)| match calls.as_slice() {
                [] => region,
                calls => format!("{region}{missing}{}{close}", calls.join(calls_between)),
            })
            .collect::<Vec<_>>()
            .join(between)
    }

    /// The regions, each with the calls that failed there (empty when it was scanned whole),
    /// then the account-wide failed calls; or why the account was not scanned.
    fn region_lines(&self) -> Vec<(String, Vec<&'a str>)> {
        let Some(status) = self.status else {
            return self
                .regions
                .iter()
                .map(|r| (r.to_string(), Vec::new()))
                .collect();
        };
        if let Some(reason) = &status.reason {
            return vec![(reason.clone(), Vec::new())];
        }
        let calls = |m: &'a BTreeMap<String, usize>| m.keys().map(String::as_str).collect();
        let mut lines: Vec<(String, Vec<&str>)> = status
            .regions
            .iter()
            .map(|r| (r.region.clone(), calls(&r.missing)))
            .collect();
        if !status.missing.is_empty() {
            lines.push(("account-wide".into(), calls(&status.missing)));
        }
        // Regions only the results name (carried forward from a baseline) follow.
        let scanned: BTreeSet<&str> = status.regions.iter().map(|r| r.region.as_str()).collect();
        lines.extend(
            self.regions
                .iter()
                .filter(|r| !scanned.contains(*r))
                .map(|r| (r.to_string(), Vec::new())),
        );
        lines
    }
}

/// The rows behind the summaries and details of a report.
pub struct Overview<'a> {
    /// Most severe first, then the most results, then by id.
    pub failing_rules: Vec<RuleRow<'a>>,
    /// The most results first, then by id: an unknown result has no severity of its own.
    pub unknown_rules: Vec<RuleRow<'a>>,
    pub accounts: Vec<AccountRow<'a>>,
    /// Failing results that are not muted, most severe first (the detail rows).
    pub failing: Vec<&'a Triaged>,
    pub unknown: Vec<&'a Triaged>,
}

impl<'a> Overview<'a> {
    pub fn of(report: &'a ScanReport) -> Self {
        let failing: Vec<&Triaged> = report
            .failing()
            .into_iter()
            .filter(|f| f.muted.is_none())
            .collect();
        let unknown = report.unknown();
        let mut failing_rules = by_rule(&failing);
        // Stable: within a severity, the most results first, as `by_rule` left them.
        failing_rules.sort_by_key(|r| Reverse(r.severity));
        Overview {
            failing_rules,
            unknown_rules: by_rule(&unknown),
            accounts: by_account(report),
            failing,
            unknown,
        }
    }
}

/// The rows to show and how many are left out: all of them with `details`, else at most `cap`.
pub fn capped<T>(rows: &[T], details: bool, cap: usize) -> (&[T], usize) {
    let n = if details {
        rows.len()
    } else {
        rows.len().min(cap)
    };
    (&rows[..n], rows.len() - n)
}

/// "a, b, c, +4 more": the examples of a rule row, for either report to escape.
pub fn examples_text(row: &RuleRow) -> String {
    let mut parts: Vec<String> = row.examples.iter().map(|e| e.to_string()).collect();
    if row.more > 0 {
        parts.push(format!("+{} more", row.more));
    }
    parts.join(", ")
}

/// The account summaries' column for failing results of severity `s`.
pub fn severity_column(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

/// "16 not collected, 2 not determinable".
pub fn causes_text(row: &RuleRow) -> String {
    let parts: Vec<String> = row
        .causes
        .iter()
        .map(|(c, n)| format!("{n} {}", c.describe()))
        .collect();
    parts.join(", ")
}

/// Rows with the most results first, then by id.
fn by_rule<'a>(results: &[&'a Triaged]) -> Vec<RuleRow<'a>> {
    let mut rules: BTreeMap<&str, (RuleRow<'a>, BTreeSet<&str>, Examples<'a>)> = BTreeMap::new();
    for &f in results {
        let id: &'a str = &f.rule.id;
        let (row, accounts, examples) = rules.entry(id).or_insert_with(|| {
            let row = RuleRow {
                rule_id: id,
                title: &f.rule.title,
                severity: f.severity,
                count: 0,
                accounts: 0,
                examples: Vec::new(),
                more: 0,
                causes: BTreeMap::new(),
            };
            (row, BTreeSet::new(), Examples::default())
        });
        row.severity = row.severity.max(f.severity);
        row.count += 1;
        if let Some(cause) = f.unknown_cause {
            *row.causes.entry(cause).or_default() += 1;
        }
        accounts.insert(&f.place.account_id);
        examples.offer(f.severity, &f.resource.label);
    }
    let mut rows: Vec<RuleRow> = rules
        .into_values()
        .map(|(mut row, accounts, examples)| {
            row.accounts = accounts.len();
            row.examples = examples.labels();
            row.more = row.count - row.examples.len();
            row
        })
        .collect();
    rows.sort_by_key(|r| (Reverse(r.count), r.rule_id));
    rows
}

/// The best [`EXAMPLES`] distinct labels seen so far, whatever order results come in: the same
/// report always names the same examples.
#[derive(Default)]
struct Examples<'a>(Vec<(Reverse<Severity>, &'a str)>);

impl<'a> Examples<'a> {
    fn offer(&mut self, severity: Severity, label: &'a str) {
        let key = (Reverse(severity), label);
        match self.0.iter_mut().find(|(_, l)| *l == label) {
            Some(seen) => *seen = (*seen).min(key),
            None => self.0.push(key),
        }
        self.0.sort();
        self.0.truncate(EXAMPLES);
    }

    fn labels(self) -> Vec<&'a str> {
        self.0.into_iter().map(|(_, l)| l).collect()
    }
}

/// What the report covers, for its summary line: "Account 123456789012 (us-east-1,
/// eu-west-1)", or "3 accounts: 1 scanned, 1 incomplete, 1 not scanned; 2 regions".
pub fn scope(report: &ScanReport) -> String {
    let regions = &report.scan.regions;
    if !report.scan.account_id.is_empty() {
        format!(
            "Account {} ({})",
            report.scan.account_id,
            regions.join(", ")
        )
    } else {
        format!(
            "{}; {} region{}",
            accounts_summary(report),
            regions.len(),
            if regions.len() == 1 { "" } else { "s" }
        )
    }
}

/// Selected accounts that could not be scanned.
pub fn not_scanned(report: &ScanReport) -> usize {
    report
        .scan
        .accounts
        .iter()
        .filter(|a| a.status == ScanState::NotScanned)
        .count()
}

/// "3 accounts: 1 scanned, 1 incomplete, 1 not scanned" (the states that have accounts).
pub fn accounts_summary(report: &ScanReport) -> String {
    let n = report.scan.accounts.len();
    let plural = if n == 1 { "" } else { "s" };
    match account_states(report) {
        states if states.is_empty() => format!("{n} account{plural}"),
        states => format!("{n} account{plural}: {states}"),
    }
}

/// "1 scanned, 1 incomplete, 1 not scanned": how many accounts of the status view are in
/// each state (the states that have accounts).
pub fn account_states(report: &ScanReport) -> String {
    let accounts = &report.scan.accounts;
    let states: Vec<String> = [
        ScanState::Scanned,
        ScanState::Incomplete,
        ScanState::NotScanned,
        ScanState::Skipped,
    ]
    .iter()
    .filter_map(|state| {
        let n = accounts.iter().filter(|a| a.status == *state).count();
        (n > 0).then(|| format!("{n} {}", state.as_str().replace('_', " ")))
    })
    .collect();
    states.join(", ")
}

/// One row per account: accounts that were not scanned first (a gap nobody should miss), then
/// the worst (most critical, then high, ... then unknown). Every account of the status view is
/// listed, with or without results.
fn by_account(report: &ScanReport) -> Vec<AccountRow<'_>> {
    let mut accounts: BTreeMap<&str, (AccountRow, BTreeSet<&str>)> = BTreeMap::new();
    for status in &report.scan.accounts {
        let mut row = AccountRow::empty(&status.account_id);
        row.status = Some(status);
        row.regions = status.regions.iter().map(|r| r.region.as_str()).collect();
        accounts.insert(&status.account_id, (row, BTreeSet::new()));
    }
    if report.scan.accounts.is_empty() && !report.scan.account_id.is_empty() {
        let own: &str = &report.scan.account_id;
        let mut own_row = AccountRow::empty(own);
        own_row.regions = report.scan.regions.iter().map(|r| r.as_str()).collect();
        accounts.insert(own, (own_row, BTreeSet::new()));
    }
    for f in &report.results {
        let (account, regions) = accounts
            .entry(&f.place.account_id)
            .or_insert_with(|| (AccountRow::empty(&f.place.account_id), BTreeSet::new()));
        regions.insert(&f.place.region);
        if f.status == crate::rules::Status::Fail && f.muted.is_none() {
            *account.failing.entry(f.severity).or_default() += 1;
        } else if f.status == crate::rules::Status::Unknown {
            account.unknown += 1;
        }
    }
    let mut rows: Vec<AccountRow> = accounts
        .into_values()
        .map(|(mut account, regions)| {
            // Regions scanned keep their order; regions only the results name follow, sorted.
            // A set, not `Vec::contains`: a foreign report can name a region per result.
            let scanned: BTreeSet<&str> = account.regions.iter().copied().collect();
            account.regions.extend(
                regions
                    .into_iter()
                    .filter(|r| !r.is_empty() && !scanned.contains(r)),
            );
            account
        })
        .collect();
    rows.sort_by_cached_key(|a| {
        let not_scanned = a.status.is_some_and(|s| s.status == ScanState::NotScanned);
        let worst: Vec<usize> = Severity::ALL.iter().map(|s| a.failing(*s)).collect();
        (
            !not_scanned,
            Reverse(worst),
            Reverse(a.unknown),
            a.account_id,
        )
    });
    rows
}

/// Reports for the reporters' tests, built from the JSON report format so they do not depend
/// on the types of `Finding`'s fields.
#[cfg(test)]
pub(crate) mod testing {
    use serde_json::{json, Value};

    use crate::report::ScanReport;

    /// A result of `rule` on the resource `label` in `account`.
    pub fn result(rule: &str, severity: &str, status: &str, account: &str, label: &str) -> Value {
        json!({
            "rule_id": rule,
            "title": format!("title of {rule}"),
            "severity": severity,
            "status": status,
            "resource_arn": format!("arn:aws:apigateway:us-east-1::/restapis/{label}"),
            "resource_path": format!("aws/{account}/us-east-1/{label}"),
            "resource_label": label,
            "account_id": account,
            "region": "us-east-1",
            "message": format!("{rule} on {label}"),
            "evidence": {},
            "fingerprint": crate::rules::fingerprint(rule, account, "us-east-1", label).to_string(),
        })
    }

    pub fn muted(mut result: Value) -> Value {
        result["muted"] = json!({"origin": "gwaudit.toml:1", "reason": "accepted"});
        result
    }

    pub fn unknown(rule: &str, account: &str, label: &str, cause: &str) -> Value {
        let mut r = result(rule, "medium", "unknown", account, label);
        r["unknown_cause"] = json!(cause);
        r
    }

    /// A report of `account`, scanned in `regions`, holding `results`.
    /// `n` failing results of one rule in account 111111111111 on resources `res-000`...
    pub fn failing(n: usize) -> Vec<Value> {
        (0..n)
            .map(|i| {
                result(
                    "GW101",
                    "medium",
                    "fail",
                    "111111111111",
                    &format!("res-{i:03}"),
                )
            })
            .collect()
    }

    pub fn report(account: &str, regions: &[&str], results: Vec<Value>) -> ScanReport {
        serde_json::from_value(json!({
            "report_version": 1,
            "tool": {"name": "gwaudit", "version": "0"},
            "settings": {"source": "snapshot", "fail_on": "high", "rules": [], "skip_rules": []},
            "scan": {
                "complete": true,
                "account_id": account,
                "partition": "aws",
                "regions": regions,
                "collected_at": null,
                "rules_evaluated": [],
                "collection_errors": [],
            },
            "summary": {"total": results.len(), "by_status": {}, "failing_by_severity": {}},
            "results": results,
        }))
        .expect("a valid report")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{muted, report, result, unknown};
    use super::*;

    #[test]
    fn rules_are_ordered_by_their_highest_severity_then_by_count() {
        let r = report(
            "111111111111",
            &["us-east-1"],
            vec![
                result("GW504", "low", "fail", "111111111111", "a"),
                result("GW504", "low", "fail", "111111111111", "b"),
                result("GW504", "low", "fail", "111111111111", "c"),
                // Raised to high on one resource: the rule ranks as high.
                result("GW101", "medium", "fail", "111111111111", "a"),
                result("GW101", "high", "fail", "111111111111", "b"),
                result("GW201", "high", "fail", "111111111111", "a"),
                result("GW502", "medium", "fail", "111111111111", "a"),
                result("GW502", "medium", "fail", "111111111111", "b"),
                result("GW502", "medium", "fail", "111111111111", "c"),
                result("GW502", "medium", "pass", "111111111111", "d"),
                // Muted or passing results are not counted.
                muted(result("GW102", "critical", "fail", "111111111111", "a")),
                muted(result("GW502", "medium", "fail", "111111111111", "e")),
                result("GW103", "high", "pass", "111111111111", "a"),
            ],
        );
        let o = Overview::of(&r);
        let rows: Vec<(&str, Severity, usize)> = o
            .failing_rules
            .iter()
            .map(|r| (r.rule_id, r.severity, r.count))
            .collect();
        assert_eq!(
            rows,
            [
                ("GW101", Severity::High, 2),
                ("GW201", Severity::High, 1),
                ("GW502", Severity::Medium, 3),
                ("GW504", Severity::Low, 3),
            ]
        );
        assert_eq!(o.failing.len(), 9);
        assert_eq!(o.failing_rules[0].title, "title of GW101");
    }

    #[test]
    fn examples_are_the_most_severe_distinct_labels_whatever_the_order() {
        let results = vec![
            result("GW101", "medium", "fail", "111111111111", "d"),
            result("GW101", "medium", "fail", "111111111111", "b"),
            result("GW101", "medium", "fail", "222222222222", "a"),
            result("GW101", "high", "fail", "111111111111", "z"),
            result("GW101", "medium", "fail", "111111111111", "a"),
        ];
        for reversed in [false, true] {
            let mut results = results.clone();
            if reversed {
                results.reverse();
            }
            let r = report("111111111111", &[], results);
            let o = Overview::of(&r);
            let row = &o.failing_rules[0];
            assert_eq!(row.examples, ["z", "a", "b"]);
            assert_eq!(row.more, 2);
            assert_eq!(examples_text(row), "z, a, b, +2 more");
        }
    }

    #[test]
    fn accounts_are_counted_distinct_per_rule_and_listed_worst_first() {
        let r = report(
            "111111111111",
            &["us-east-1", "eu-west-1"],
            vec![
                result("GW101", "medium", "fail", "111111111111", "a"),
                result("GW101", "medium", "fail", "111111111111", "b"),
                result("GW101", "high", "fail", "222222222222", "a"),
                result("GW502", "medium", "fail", "111111111111", "a"),
                result("GW502", "medium", "pass", "333333333333", "a"),
                unknown("GW301", "111111111111", "a", "not_collected"),
                unknown("GW301", "333333333333", "a", "not_determinable"),
                unknown("GW301", "333333333333", "b", "not_collected"),
            ],
        );
        let o = Overview::of(&r);
        let accounts: Vec<(&str, usize)> = o
            .failing_rules
            .iter()
            .map(|r| (r.rule_id, r.accounts))
            .collect();
        assert_eq!(accounts, [("GW101", 2), ("GW502", 1)]);
        let unknown = &o.unknown_rules[0];
        assert_eq!(
            (unknown.rule_id, unknown.count, unknown.accounts),
            ("GW301", 3, 2)
        );
        assert_eq!(causes_text(unknown), "2 not collected, 1 not determinable");

        let rows: Vec<(&str, usize, usize, usize)> = o
            .accounts
            .iter()
            .map(|a| {
                let (high, medium) = (a.failing(Severity::High), a.failing(Severity::Medium));
                (a.account_id, high, medium, a.unknown)
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("222222222222", 1, 0, 0),
                ("111111111111", 0, 3, 1),
                ("333333333333", 0, 0, 2),
            ]
        );
        // The report's account keeps the regions scanned, in their order.
        assert_eq!(o.accounts[1].regions, ["us-east-1", "eu-west-1"]);
        assert_eq!(o.accounts[0].regions, ["us-east-1"]);
    }

    #[test]
    fn the_reports_account_is_listed_without_results() {
        let r = report("111111111111", &["us-east-1"], vec![]);
        let o = Overview::of(&r);
        assert_eq!(o.accounts.len(), 1);
        assert_eq!(o.accounts[0].account_id, "111111111111");
        assert!(o.failing_rules.is_empty() && o.unknown_rules.is_empty());
    }

    #[test]
    fn rows_are_capped_unless_details() {
        let rows: Vec<usize> = (0..7).collect();
        assert_eq!(capped(&rows, false, 5), (&rows[..5], 2));
        assert_eq!(capped(&rows, true, 5), (&rows[..], 0));
        assert_eq!(capped(&rows, false, 10), (&rows[..], 0));
    }
}
