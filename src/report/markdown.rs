//! Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments: summary by severity, failing
//! findings counted per rule (with example resources) and per account, what could not be
//! evaluated per rule, then the first failing findings (every one with `--details`) and
//! collapsed details with remediation per rule. Stays within a byte limit (GitHub's step
//! summary takes at most 1 MiB) by truncating with a note saying so; the summaries come first.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::compliance::RequirementStatus;
use super::overview::{
    account_states, capped, causes_text, examples_text, not_scanned, scope, severity_column,
    AccountRow, Overview, RuleRow, ACCOUNT_ROWS, DETAIL_ROWS,
};
use super::text::md_cell;
use super::{ComplianceView, ScanReport};
use crate::rules::registry;
use crate::rules::{Severity, Status};
use crate::triage::{BaselineState, Triaged};

/// GitHub's limit for one step summary.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

fn headline(report: &ScanReport) -> String {
    let failing: Vec<&Triaged> = report
        .results
        .iter()
        .filter(|f| f.is_actionable())
        .collect();
    if failing.is_empty() {
        "## gwaudit: no failing findings\n\n".to_string()
    } else {
        let mut by_sev: BTreeMap<Severity, usize> = BTreeMap::new();
        for f in &failing {
            *by_sev.entry(f.severity).or_default() += 1;
        }
        let parts: Vec<String> = by_sev
            .iter()
            .rev()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        format!(
            "## gwaudit: {} failing finding{} ({})\n\n",
            failing.len(),
            if failing.len() == 1 { "" } else { "s" },
            parts.join(", ")
        )
    }
}

fn overview(report: &ScanReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} · {} rules · {} results",
        match report.scan.account_id.as_str() {
            "" => md_cell(&scope(report)),
            account => format!(
                "Account `{}` · regions {}",
                md_cell(account),
                md_cell(&report.scan.regions.join(", "))
            ),
        },
        report.scan.rules_evaluated.len(),
        report.summary.total
    );
    s.push('\n');
    if !report.scan.complete {
        let _ = writeln!(
            s,
            "> [!WARNING]\n> The scan is incomplete: {} collection errors{}. Results that needed \
             the missing data are `unknown`, not passes.\n",
            report.scan.collection_errors.len(),
            match not_scanned(report) {
                0 => String::new(),
                n => format!(", {n} account{} not scanned", if n == 1 { "" } else { "s" }),
            }
        );
    }
    s.push_str("| Severity | Failing | Muted |");
    if report.baseline.is_some() {
        s.push_str(" New |");
    }
    s.push_str("\n|---|---:|---:|");
    if report.baseline.is_some() {
        s.push_str("---:|");
    }
    s.push('\n');
    for sev in Severity::ALL {
        let of_sev = || {
            report
                .results
                .iter()
                .filter(move |f| f.status == Status::Fail && f.severity == sev)
        };
        let _ = write!(
            s,
            "| {} | {} | {} |",
            sev,
            of_sev().count(),
            of_sev().filter(|f| f.muted.is_some()).count()
        );
        if report.baseline.is_some() {
            let _ = write!(
                s,
                " {} |",
                of_sev()
                    .filter(|f| f.muted.is_none() && f.baseline == Some(BaselineState::New))
                    .count()
            );
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "\n{} passing, {} could not be evaluated.\n",
        report.count(Status::Pass),
        report.count(Status::Unknown)
    );
    s
}

fn finding_row(f: &Triaged) -> String {
    let state = match (&f.carried_forward, f.baseline) {
        (Some(_), _) => " (carried forward)",
        (None, Some(BaselineState::New)) => " (new)",
        _ => "",
    };
    format!(
        "| {}{} | {} | {} | {} |\n",
        f.severity,
        state,
        md_cell(&f.rule.id),
        md_cell(&f.resource.label),
        md_cell(&f.message)
    )
}

fn rule_details(rule_id: &str, failing: usize) -> String {
    let Some(rule) = registry::find(rule_id) else {
        return String::new();
    };
    let m = &rule.meta;
    let mut s = format!(
        "<details><summary>{} {} ({} failing)</summary>\n\n{}\n\n",
        m.id,
        md_cell(&m.title),
        failing,
        m.rationale.trim()
    );
    s.push_str("**Remediation (console)**\n\n");
    s.push_str(m.remediation.console.trim());
    s.push_str("\n\n**AWS CLI**\n\n```sh\n");
    s.push_str(m.remediation.cli.trim());
    s.push_str("\n```\n\n");
    if let Some(url) = m.help_url() {
        let _ = writeln!(s, "Reference: {url}\n");
    }
    s.push_str("</details>\n\n");
    s
}

/// The smallest `--markdown-limit`: the headline and the note saying what was left out must
/// fit, or the summary would say nothing.
pub const MIN_LIMIT: usize = 1024;

/// Room kept for the closing note, which is short and bounded.
const NOTE_RESERVE: usize = 400;

/// A document that never grows past its limit: sections that do not fit are left out and named
/// in the closing note.
struct Budgeted {
    out: String,
    limit: usize,
    left_out: Vec<String>,
}

impl Budgeted {
    fn fits(&self, text: &str) -> bool {
        self.out.len() + text.len() + NOTE_RESERVE <= self.limit
    }

    /// Adds `text` when it fits; otherwise records `what` as left out.
    fn section(&mut self, text: &str, what: impl FnOnce() -> String) -> bool {
        let fits = self.fits(text);
        if fits {
            self.out.push_str(text);
        } else {
            self.left_out.push(what());
        }
        fits
    }

    /// Adds `header` and then rows while they fit; returns how many rows were added (none
    /// when the header and the first row do not fit).
    fn table(&mut self, header: &str, rows: impl IntoIterator<Item = String>) -> usize {
        let mut rows = rows.into_iter().peekable();
        let Some(first) = rows.peek() else {
            return 0;
        };
        if !self.fits(&format!("{header}{first}\n")) {
            return 0;
        }
        self.out.push_str(header);
        let mut shown = 0;
        for row in rows {
            if !self.fits(&format!("{row}\n")) {
                break;
            }
            self.out.push_str(&row);
            shown += 1;
        }
        self.out.push('\n');
        shown
    }

    fn finish(mut self) -> String {
        if !self.left_out.is_empty() {
            let mut note = format!(
                "> [!NOTE]\n> Truncated to stay within {} bytes; not shown: {}. The JSON and \
                 SARIF reports hold every result.\n",
                self.limit,
                self.left_out.join("; ")
            );
            if note.len() > NOTE_RESERVE {
                note = format!(
                    "> [!NOTE]\n> Truncated to stay within {} bytes. The JSON and SARIF reports \
                     hold every result.\n",
                    self.limit
                );
            }
            self.out.push_str(&note);
        }
        debug_assert!(self.out.len() <= self.limit);
        self.out
    }
}

/// What to render: the byte budget, and whether every detail row is wanted.
pub struct MarkdownOptions {
    /// At most this many bytes (at least [`MIN_LIMIT`]).
    pub limit: usize,
    /// Every failing and unknown row and every account, not only the first
    /// [`DETAIL_ROWS`] (and [`ACCOUNT_ROWS`]); the byte limit still holds.
    pub details: bool,
}

/// Renders within the byte limit; what does not fit is named in a closing note. The summaries
/// come first, so they fit whatever the detail rows take.
pub fn render(report: &ScanReport, opts: &MarkdownOptions) -> String {
    let mut doc = Budgeted {
        out: String::new(),
        limit: opts.limit.max(MIN_LIMIT),
        left_out: Vec::new(),
    };
    let o = Overview::of(report);
    doc.section(&headline(report), || "the headline".into());
    doc.section(&overview(report), || "the overview".into());
    failing_rules_section(&mut doc, &o.failing_rules);
    accounts_section(&mut doc, report, &o.accounts, opts.details);
    unknown_rules_section(&mut doc, &o.unknown_rules);
    for view in &report.compliance {
        doc.section(&compliance_section(view), || {
            format!("the {} view", md_cell(&view.framework))
        });
    }
    if failing_section(&mut doc, &o.failing, opts.details) {
        fixes_section(&mut doc, &o.failing_rules);
    }
    unknown_section(&mut doc, &o.unknown, opts.details);
    if let Some(b) = &report.baseline {
        let line = format!(
            "Compared with `{}`: {} new, {} unchanged, {} fixed.\n\n",
            md_cell(&b.file),
            b.new,
            b.unchanged,
            b.fixed.len()
        );
        doc.section(&line, || "the baseline comparison".into());
    }
    doc.finish()
}

fn failing_rules_section(doc: &mut Budgeted, rules: &[RuleRow]) {
    let header = concat!(
        "### Failing findings by rule\n\n",
        "| Rule | Severity | Failing | Accounts | Examples |\n",
        "|---|---|---:|---:|---|\n"
    );
    let rows = rules.iter().map(|r| {
        format!(
            "| {} | {} | {} | {} | {} |\n",
            rule_title(r),
            r.severity,
            r.count,
            r.accounts,
            md_cell(&examples_text(r))
        )
    });
    let shown = doc.table(header, rows);
    if shown < rules.len() {
        doc.left_out
            .push(format!("{} rules of the summary", rules.len() - shown));
    }
}

fn rule_title(r: &RuleRow) -> String {
    md_cell(&format!("{} {}", r.rule_id, r.title))
}

fn accounts_section(
    doc: &mut Budgeted,
    report: &ScanReport,
    accounts: &[AccountRow],
    details: bool,
) {
    let mut header = match account_states(report) {
        states if states.is_empty() => String::from("### Accounts\n\n"),
        states => format!("### Accounts ({}: {states})\n\n", accounts.len()),
    };
    header.push_str("| Account | Scan | Regions |");
    for s in Severity::ALL {
        let _ = write!(header, " {} |", severity_column(s));
    }
    header.push_str(" Unknown |\n|---|---|---|");
    header.push_str(&"---:|".repeat(Severity::ALL.len() + 1));
    header.push('\n');
    let (capped, hidden) = capped(accounts, details, ACCOUNT_ROWS);
    let rows = capped.iter().map(|a| {
        let mut row = format!(
            "| {} | {} | {} |",
            md_cell(a.account_id),
            md_cell(&a.state()),
            md_cell(&a.regions_text(false))
        );
        for s in Severity::ALL {
            let _ = write!(row, " {} |", a.failing(s));
        }
        let _ = writeln!(row, " {} |", a.unknown);
        row
    });
    let shown = doc.table(header.as_str(), rows);
    if shown < capped.len() {
        doc.left_out
            .push(format!("{} accounts", accounts.len() - shown));
    } else if hidden > 0 {
        doc.section(&more_note(hidden, "accounts"), || {
            format!("{hidden} accounts")
        });
    }
}

fn unknown_rules_section(doc: &mut Budgeted, rules: &[RuleRow]) {
    let header = concat!(
        "### Not evaluated by rule\n\n",
        "| Rule | Unknown | Accounts | Cause |\n",
        "|---|---:|---:|---|\n"
    );
    let rows = rules.iter().map(|r| {
        format!(
            "| {} | {} | {} | {} |\n",
            rule_title(r),
            r.count,
            r.accounts,
            causes_text(r)
        )
    });
    let shown = doc.table(header, rows);
    if shown < rules.len() {
        doc.left_out.push(format!(
            "{} rules of the not-evaluated summary",
            rules.len() - shown
        ));
    }
}

/// "_5 more failing findings not shown: ..._" for rows left out by the row cap; the table
/// says the same.
fn more_note(hidden: usize, what: &str) -> String {
    format!(
        "_{hidden} more {what} not shown: add `--details` to list them, or use `--format json`._\n\n"
    )
}

/// The failing rows up to the cap. Returns false when the byte limit cut them short: what
/// follows would not fit either.
fn failing_section(doc: &mut Budgeted, failing: &[&Triaged], details: bool) -> bool {
    if failing.is_empty() {
        return true;
    }
    let header =
        "### Failing findings\n\n| Severity | Rule | Resource | Finding |\n|---|---|---|---|\n";
    let (capped, hidden) = capped(failing, details, DETAIL_ROWS);
    let shown = doc.table(header, capped.iter().map(|f| finding_row(f)));
    if shown < capped.len() {
        doc.left_out
            .push(format!("{} failing findings", failing.len() - shown));
        return false;
    }
    if hidden > 0 {
        doc.section(&more_note(hidden, "failing findings"), || {
            format!("{hidden} failing findings")
        });
    }
    true
}

/// Remediation per failing rule, in the order of the summary.
fn fixes_section(doc: &mut Budgeted, rules: &[RuleRow]) {
    if rules.is_empty() {
        return;
    }
    let mut details = String::from("### How to fix\n\n");
    for r in rules {
        details.push_str(&rule_details(r.rule_id, r.count));
    }
    doc.section(&details, || {
        "remediation details (`gwaudit explain <ID>`)".into()
    });
}

/// Collapsed: the causes are counted per rule above.
fn unknown_section(doc: &mut Budgeted, unknown: &[&Triaged], details: bool) {
    if unknown.is_empty() {
        return;
    }
    let (capped, hidden) = capped(unknown, details, DETAIL_ROWS);
    let mut section = format!(
        "<details><summary>{} results could not be evaluated</summary>\n\n| Rule | Resource | Cause | Why |\n|---|---|---|---|\n",
        unknown.len()
    );
    for f in capped {
        let cause = f.unknown_cause.map_or("", |c| c.describe());
        let _ = writeln!(
            section,
            "| {} | {} | {} | {} |",
            md_cell(&f.rule.id),
            md_cell(&f.resource.label),
            cause,
            md_cell(&f.message)
        );
    }
    section.push('\n');
    if hidden > 0 {
        section.push_str(&more_note(hidden, "unknown results"));
    }
    section.push_str("</details>\n\n");
    doc.section(&section, || {
        format!("{} results that could not be evaluated", unknown.len())
    });
}

fn compliance_section(view: &ComplianceView) -> String {
    let counts: Vec<String> = view
        .summary
        .iter()
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    let mut s = format!(
        "### Compliance: [{} {}]({})\n\n{}.\n\n| Requirement | Status | Rules | Pass | Fail | Unknown | Muted |\n|---|---|---|---:|---:|---:|---:|\n",
        md_cell(&view.name),
        md_cell(&view.version),
        md_cell(&view.url),
        counts.join(", ")
    );
    for r in &view.requirements {
        let mut rules = md_cell(&r.rules.join(", "));
        if !r.rules_not_run.is_empty() {
            let not_run = md_cell(&r.rules_not_run.join(", "));
            rules.push_str(&format!(" (not run: {not_run})"));
        }
        let status = match r.status {
            RequirementStatus::Fail => "**fail**",
            other => other.as_str(),
        };
        let _ = writeln!(
            s,
            "| {} {} | {status} | {rules} | {} | {} | {} | {} |",
            md_cell(&r.id),
            md_cell(&r.title),
            r.pass,
            r.fail,
            r.unknown,
            r.muted
        );
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::overview::testing::{self, report};

    fn render_with(report: &ScanReport, limit: usize, details: bool) -> String {
        render(report, &MarkdownOptions { limit, details })
    }

    fn failing(n: usize) -> ScanReport {
        report("111111111111", &["us-east-1"], testing::failing(n))
    }

    fn detail_rows(md: &str) -> usize {
        md.lines()
            .filter(|l| l.starts_with("| medium | GW101 |"))
            .count()
    }

    #[test]
    fn detail_rows_are_capped_with_a_note_saying_how_to_see_them_all() {
        let r = failing(DETAIL_ROWS + 10);
        let md = render_with(&r, STEP_SUMMARY_LIMIT, false);
        assert_eq!(detail_rows(&md), DETAIL_ROWS);
        assert!(
            md.contains("_10 more failing findings not shown: add `--details` to list them"),
            "{md}"
        );
        // The summary names examples and counts the rest.
        assert!(md.contains(
            "| GW101 title of GW101 | medium | 60 | 1 | res-000, res-001, res-002, +57 more |"
        ));
        let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("no {s:?} in\n{md}"));
        assert!(at("### Failing findings by rule") < at("### Accounts"));
        assert!(at("### Accounts") < at("### Failing findings\n"));
        assert!(at("| 111111111111 |  | us-east-1 | 0 | 0 | 60 | 0 | 0 | 0 |") > 0);

        let all = render_with(&r, STEP_SUMMARY_LIMIT, true);
        assert_eq!(detail_rows(&all), DETAIL_ROWS + 10);
        assert!(!all.contains("more failing findings"), "{all}");
    }

    #[test]
    fn the_summary_fits_when_the_rows_do_not() {
        let r = failing(DETAIL_ROWS);
        let limit = 2000;
        let md = render_with(&r, limit, true);
        assert!(md.len() <= limit, "{} bytes", md.len());
        assert!(
            md.contains("| GW101 title of GW101 | medium | 50 |"),
            "{md}"
        );
        assert!(md.contains("| 111111111111 |"), "{md}");
        let shown = detail_rows(&md);
        assert!(shown < DETAIL_ROWS, "{md}");
        assert!(
            md.contains(&format!(
                "not shown: {} failing findings",
                DETAIL_ROWS - shown
            )),
            "{md}"
        );
    }

    #[test]
    fn accounts_not_scanned_are_listed_with_why() {
        use crate::report::status::{AccountStatus, ScanState};
        let mut r = report("", &["us-east-1"], Vec::new());
        r.scan.complete = false;
        r.scan.accounts = vec![AccountStatus {
            account_id: "222222222222".into(),
            status: ScanState::NotScanned,
            reason: Some(
                "AccessDenied assuming arn:aws:iam::222222222222:role/R: no | pipe".into(),
            ),
            missing: Default::default(),
            regions: Vec::new(),
        }];
        let md = render_with(&r, STEP_SUMMARY_LIMIT, false);
        assert!(
            md.contains("1 account: 1 not scanned; 1 region · 0 rules"),
            "{md}"
        );
        assert!(md.contains(", 1 account not scanned."), "{md}");
        assert!(
            md.contains("| 222222222222 | not scanned | AccessDenied assuming"),
            "{md}"
        );
        assert!(md.contains("no \\| pipe"), "the cell is escaped: {md}");
    }
}
