//! The terminal table: failing findings grouped by severity, then what could not be evaluated,
//! then a summary line. Fits 100 columns when not writing to a terminal.

use comfy_table::{
    presets, Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width,
};

use super::compliance::RequirementStatus;
use super::text::cell;
use super::{ComplianceView, ScanReport};
use crate::rules::Severity;
use crate::triage::{BaselineState, Triaged};

pub struct TableOptions {
    pub color: bool,
    /// Total width; `None` lets a terminal decide.
    pub width: Option<u16>,
}

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
        Severity::Info => Color::Grey,
    }
}

fn new_table(opts: &TableOptions, header: [&str; 3]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = opts.width {
        t.set_width(w);
    }
    if opts.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    let cell = |h: &str| {
        let c = Cell::new(h);
        if opts.color {
            c.add_attribute(Attribute::Bold)
        } else {
            c
        }
    };
    t.set_header(header.map(cell));
    t
}

fn rule_cell(f: &Triaged) -> String {
    cell(&format!("{}\n{}", f.rule_id, f.title))
}

pub fn render(report: &ScanReport, opts: &TableOptions) -> String {
    let mut out = String::new();
    let failing: Vec<&Triaged> = report
        .failing()
        .into_iter()
        .filter(|f| f.muted.is_none())
        .collect();
    if !failing.is_empty() {
        let mut table = new_table(opts, ["Severity", "Rule", "Resource / finding"]);
        for f in &failing {
            let state = match (&f.carried_forward, f.baseline) {
                (Some(_), _) => "\ncarried\nforward",
                (None, Some(BaselineState::New)) => "\nnew",
                (None, Some(BaselineState::Unchanged)) => "\nunchanged",
                (None, None) => "",
            };
            let sev = Cell::new(format!("{}{state}", f.severity.as_str().to_uppercase()));
            let sev = if opts.color {
                sev.fg(severity_color(f.severity))
            } else {
                sev
            };
            table.add_row(vec![
                sev,
                Cell::new(rule_cell(f)),
                Cell::new(cell(&format!("{}\n{}", f.resource_label, f.message))),
            ]);
        }
        // Titles wrap in a narrow column so messages get the width.
        if let Some(col) = table.column_mut(1) {
            col.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(26)));
        }
        out.push_str(&format!(
            "Failing findings ({})\n{table}\n\n",
            failing.len()
        ));
    }
    let unknown = report.unknown();
    if !unknown.is_empty() {
        let mut table = new_table(opts, ["Rule", "Resource", "Why it could not be evaluated"]);
        for f in &unknown {
            let cause = f.unknown_cause.map_or("", |c| c.describe());
            table.add_row(vec![
                Cell::new(cell(&f.rule_id)),
                Cell::new(cell(&f.resource_label)),
                Cell::new(cell(&format!("{cause}: {}", f.message))),
            ]);
        }
        if let Some(col) = table.column_mut(1) {
            col.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(30)));
        }
        out.push_str(&format!("Not evaluated ({})\n{table}\n\n", unknown.len()));
    }
    for view in &report.compliance {
        out.push_str(&compliance_table(view, opts));
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

fn compliance_table(view: &ComplianceView, opts: &TableOptions) -> String {
    let mut table = new_table(opts, ["Requirement", "Status", "Rules and results"]);
    for r in &view.requirements {
        let status = Cell::new(r.status.as_str().to_uppercase());
        let status = match (opts.color, r.status) {
            (true, RequirementStatus::Fail) => status.fg(Color::Red),
            (true, RequirementStatus::Unknown) => status.fg(Color::Yellow),
            (true, RequirementStatus::Pass) => status.fg(Color::Green),
            _ => status,
        };
        let mut detail = format!(
            "{}\n{} pass, {} fail, {} unknown",
            r.rules.join(", "),
            r.pass,
            r.fail,
            r.unknown
        );
        if r.muted > 0 {
            detail.push_str(&format!(", {} muted", r.muted));
        }
        if !r.rules_not_run.is_empty() {
            detail.push_str(&format!("\nnot run: {}", r.rules_not_run.join(", ")));
        }
        table.add_row(vec![
            Cell::new(cell(&format!("{}\n{}", r.id, r.title))),
            status,
            Cell::new(cell(&detail)),
        ]);
    }
    if let Some(col) = table.column_mut(0) {
        col.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(50)));
    }
    let counts: Vec<String> = view
        .summary
        .iter()
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    format!(
        "Compliance: {} {} ({})\n{table}\n\n",
        cell(&view.name),
        cell(&view.version),
        counts.join(", ")
    )
}

/// " (3 not collected, 1 not determinable)" when there are unknown results.
fn unknown_breakdown(report: &ScanReport) -> String {
    let parts: Vec<String> = report
        .summary
        .unknown_by_cause
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| format!("{n} {}", c.describe()))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

pub fn summary_line(report: &ScanReport) -> String {
    let fails = report.count(crate::rules::Status::Fail);
    let breakdown = report.failing_breakdown();
    let mut extra = String::new();
    if report.summary.muted > 0 {
        extra.push_str(&format!(
            " {} failing findings are muted.",
            report.summary.muted
        ));
    }
    if let Some(b) = &report.baseline {
        extra.push_str(&format!(
            " Against the baseline: {} new, {} unchanged, {} fixed.",
            b.new,
            b.unchanged,
            b.fixed.len()
        ));
        if b.carried_forward > 0 {
            extra.push_str(&format!(
                " {} failing findings this scan could not evaluate are carried forward from it.",
                b.carried_forward
            ));
        }
    }
    format!(
        "Account {} ({}): {} rules, {} results: {} failing{}, {} unknown{}, {} passing. Scan {}.{extra}",
        cell(&report.scan.account_id),
        cell(&report.scan.regions.join(", ")),
        report.scan.rules_evaluated.len(),
        report.summary.total,
        fails,
        if breakdown.is_empty() {
            String::new()
        } else {
            format!(" ({breakdown})")
        },
        report.count(crate::rules::Status::Unknown),
        unknown_breakdown(report),
        report.count(crate::rules::Status::Pass),
        if report.scan.complete {
            "complete".to_string()
        } else {
            format!(
                "incomplete: {} collection errors",
                report.scan.collection_errors.len()
            )
        }
    )
}
