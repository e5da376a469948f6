//! Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments: summary by severity, a table
//! of failing findings, collapsed details with remediation per rule. Stays within a byte limit
//! (GitHub's step summary takes at most 1 MiB) by truncating with a note saying so.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::compliance::RequirementStatus;
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
        "Account `{}` · regions {} · {} rules · {} results",
        md_cell(&report.scan.account_id),
        md_cell(&report.scan.regions.join(", ")),
        report.scan.rules_evaluated.len(),
        report.summary.total
    );
    s.push('\n');
    if !report.scan.complete {
        let _ = writeln!(
            s,
            "> [!WARNING]\n> The scan is incomplete: {} collection errors. Results that needed the \
             missing data are `unknown`, not passes.\n",
            report.scan.collection_errors.len()
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
        md_cell(&f.rule_id),
        md_cell(&f.resource_label),
        md_cell(&f.message)
    )
}

fn rule_details(rule_id: &str, findings: &[&Triaged]) -> String {
    let Some(rule) = registry::find(rule_id) else {
        return String::new();
    };
    let m = &rule.meta;
    let mut s = format!(
        "<details><summary>{} {} ({} failing)</summary>\n\n{}\n\n",
        m.id,
        md_cell(&m.title),
        findings.len(),
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

/// Renders within `limit` bytes (at least [`MIN_LIMIT`]); what does not fit is named in a
/// closing note.
pub fn render(report: &ScanReport, limit: usize) -> String {
    let mut doc = Budgeted {
        out: String::new(),
        limit: limit.max(MIN_LIMIT),
        left_out: Vec::new(),
    };
    doc.section(&headline(report), || "the headline".into());
    doc.section(&overview(report), || "the overview".into());
    for view in &report.compliance {
        doc.section(&compliance_section(view), || {
            format!("the {} view", md_cell(&view.framework))
        });
    }
    let failing: Vec<&Triaged> = report
        .failing()
        .into_iter()
        .filter(|f| f.muted.is_none())
        .collect();
    if !failing.is_empty() {
        let header =
            "### Failing findings\n\n| Severity | Rule | Resource | Finding |\n|---|---|---|---|\n";
        let mut shown = 0;
        if doc.fits(header) {
            doc.out.push_str(header);
            for f in &failing {
                let row = finding_row(f);
                if !doc.fits(&row) {
                    break;
                }
                doc.out.push_str(&row);
                shown += 1;
            }
            doc.out.push('\n');
        }
        if shown < failing.len() {
            doc.left_out
                .push(format!("{} failing findings", failing.len() - shown));
        } else {
            let mut by_rule: BTreeMap<&str, Vec<&Triaged>> = BTreeMap::new();
            for f in &failing {
                by_rule.entry(f.rule_id.as_str()).or_default().push(f);
            }
            let mut details = String::from("### How to fix\n\n");
            for (rule, fs) in &by_rule {
                details.push_str(&rule_details(rule, fs));
            }
            doc.section(&details, || {
                "remediation details (`gwaudit explain <ID>`)".into()
            });
        }
    }
    let unknown = report.unknown();
    if !unknown.is_empty() {
        let mut section = format!(
            "<details><summary>{} results could not be evaluated</summary>\n\n| Rule | Resource | Cause | Why |\n|---|---|---|---|\n",
            unknown.len()
        );
        for f in &unknown {
            let cause = f.unknown_cause.map_or("", |c| c.describe());
            let _ = writeln!(
                section,
                "| {} | {} | {} | {} |",
                md_cell(&f.rule_id),
                md_cell(&f.resource_label),
                cause,
                md_cell(&f.message)
            );
        }
        section.push_str("\n</details>\n\n");
        doc.section(&section, || {
            format!("{} results that could not be evaluated", unknown.len())
        });
    }
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
