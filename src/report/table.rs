//! The terminal table: failing findings counted per rule and per account, then the first
//! failing findings (every one with `--details`), most severe first, then what could not be
//! evaluated (counted per rule, then the first rows), then a summary line. Fits 100 columns
//! when not writing to a terminal.

use comfy_table::{
    presets, Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table,
    Width,
};

use super::compliance::RequirementStatus;
use super::overview::{
    account_states, capped, causes_text, not_scanned, scope, severity_column, AccountRow, Overview,
    RuleRow, ACCOUNT_ROWS, DETAIL_ROWS,
};
use super::text::cell;
use super::{ComplianceView, ScanReport};
use crate::rules::Severity;
use crate::triage::{BaselineState, Triaged};

pub struct TableOptions {
    pub color: bool,
    /// Total width; `None` lets a terminal decide.
    pub width: Option<u16>,
    /// Every detail row, not only the first [`DETAIL_ROWS`] (and every account).
    pub details: bool,
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

fn new_table(opts: &TableOptions, header: &[&str]) -> Table {
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
    let cell = |h: &&str| {
        let c = Cell::new(h);
        if opts.color {
            c.add_attribute(Attribute::Bold)
        } else {
            c
        }
    };
    t.set_header(header.iter().map(cell));
    t
}

fn severity_cell(severity: Severity, suffix: &str, opts: &TableOptions) -> Cell {
    let c = Cell::new(format!("{}{suffix}", severity.as_str().to_uppercase()));
    if opts.color {
        c.fg(severity_color(severity))
    } else {
        c
    }
}

fn rule_cell(f: &Triaged) -> String {
    cell(&format!("{}\n{}", &*f.rule.id, &*f.rule.title))
}

/// Caps the width of column `col`: long titles wrap so the column with messages gets the room.
fn narrow(table: &mut Table, col: usize, width: u16) {
    if let Some(c) = table.column_mut(col) {
        c.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(width)));
    }
}

fn align_right(table: &mut Table, cols: &[usize]) {
    for &i in cols {
        if let Some(c) = table.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// Summaries first, then detail rows up to [`DETAIL_ROWS`] unless `opts.details`, then the
/// compliance views and the summary line. The summaries are always shown: one rule of a large
/// account can fail thousands of times, and a reader needs the counts before the rows.
pub fn render(report: &ScanReport, opts: &TableOptions) -> String {
    let o = Overview::of(report);
    let mut out = String::new();
    if !o.failing_rules.is_empty() {
        out.push_str(&failing_rules_table(&o, opts));
    }
    if !o.accounts.is_empty() {
        out.push_str(&accounts_table(report, &o.accounts, opts));
    }
    if !o.failing.is_empty() {
        out.push_str(&failing_table(&o.failing, opts));
    }
    if !o.unknown.is_empty() {
        out.push_str(&unknown_rules_table(&o.unknown_rules, opts));
        out.push_str(&unknown_table(&o.unknown, opts));
    }
    for view in &report.compliance {
        out.push_str(&compliance_table(view, opts));
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

/// One line per rule where the title fits. Example resources stay out of the terminal table:
/// beside a title at 100 columns they take two to six lines a rule (the demo's 25 rules took
/// 89 lines with three examples each, 33 without), and the detail rows below name resources;
/// the Markdown report lists examples per rule.
fn failing_rules_table(o: &Overview, opts: &TableOptions) -> String {
    let mut table = new_table(opts, &["Severity", "Rule", "Failing", "Accounts"]);
    for r in &o.failing_rules {
        table.add_row(vec![
            severity_cell(r.severity, "", opts),
            Cell::new(rule_title(r)),
            Cell::new(r.count),
            Cell::new(r.accounts),
        ]);
    }
    align_right(&mut table, &[2, 3]);
    format!(
        "Failing findings by rule ({} in {})\n{table}\n\n",
        o.failing.len(),
        rule_count(o.failing_rules.len())
    )
}

/// "1 rule", "25 rules".
fn rule_count(n: usize) -> String {
    format!("{n} rule{}", if n == 1 { "" } else { "s" })
}

fn rule_title(r: &RuleRow) -> String {
    cell(&format!("{} {}", r.rule_id, r.title))
}

fn accounts_table(report: &ScanReport, accounts: &[AccountRow], opts: &TableOptions) -> String {
    let mut header = vec!["Account", "Regions"];
    header.extend(Severity::ALL.iter().map(|s| severity_column(*s)));
    header.push("Unknown");
    let mut table = new_table(opts, &header);
    let (shown, left_out) = capped(accounts, opts.details, ACCOUNT_ROWS);
    for a in shown {
        let account = match a.state() {
            state if state.is_empty() => a.account_id.to_string(),
            state => format!("{}\n{state}", a.account_id),
        };
        let mut row = vec![
            Cell::new(cell(&account)),
            Cell::new(cell(&a.regions_text(true))),
        ];
        row.extend(Severity::ALL.iter().map(|s| Cell::new(a.failing(*s))));
        row.push(Cell::new(a.unknown));
        table.add_row(row);
    }
    align_right(&mut table, &(2..header.len()).collect::<Vec<_>>());
    format!(
        "Accounts ({})\n{table}\n{}\n",
        match account_states(report) {
            states if states.is_empty() => accounts.len().to_string(),
            states => format!("{}: {states}", accounts.len()),
        },
        more_note(left_out, "accounts")
    )
}

/// Why rows are missing and how to see them; empty when none are. One line of 100 columns.
fn more_note(left_out: usize, what: &str) -> String {
    if left_out == 0 {
        String::new()
    } else {
        format!(
            "{left_out} more {what} not shown: add --details to list them, or use --format json.\n"
        )
    }
}

fn failing_table(failing: &[&Triaged], opts: &TableOptions) -> String {
    let mut table = new_table(opts, &["Severity", "Rule", "Resource / finding"]);
    let (shown, left_out) = capped(failing, opts.details, DETAIL_ROWS);
    for f in shown {
        let state = match (&f.carried_forward, f.baseline) {
            (Some(_), _) => "\ncarried\nforward",
            (None, Some(BaselineState::New)) => "\nnew",
            (None, Some(BaselineState::Unchanged)) => "\nunchanged",
            (None, None) => "",
        };
        table.add_row(vec![
            severity_cell(f.severity, state, opts),
            Cell::new(rule_cell(f)),
            Cell::new(cell(&format!("{}\n{}", &*f.resource.label, &*f.message))),
        ]);
    }
    narrow(&mut table, 1, 26);
    format!(
        "Failing findings ({}{})\n{table}\n{}\n",
        failing.len(),
        first_of(shown.len(), left_out),
        more_note(left_out, "failing findings")
    )
}

/// "; the first 50" when rows are left out.
fn first_of(shown: usize, left_out: usize) -> String {
    if left_out == 0 {
        String::new()
    } else {
        format!("; the first {shown}")
    }
}

fn unknown_rules_table(rules: &[RuleRow], opts: &TableOptions) -> String {
    let mut table = new_table(opts, &["Rule", "Unknown", "Accounts", "Cause"]);
    for r in rules {
        table.add_row(vec![
            Cell::new(rule_title(r)),
            Cell::new(r.count),
            Cell::new(r.accounts),
            Cell::new(causes_text(r)),
        ]);
    }
    align_right(&mut table, &[1, 2]);
    let count: usize = rules.iter().map(|r| r.count).sum();
    format!(
        "Not evaluated by rule ({count} in {})\n{table}\n\n",
        rule_count(rules.len())
    )
}

fn unknown_table(unknown: &[&Triaged], opts: &TableOptions) -> String {
    let mut table = new_table(opts, &["Rule", "Resource", "Why it could not be evaluated"]);
    let (shown, left_out) = capped(unknown, opts.details, DETAIL_ROWS);
    for f in shown {
        let cause = f.unknown_cause.map_or("", |c| c.describe());
        table.add_row(vec![
            Cell::new(cell(&f.rule.id)),
            Cell::new(cell(&f.resource.label)),
            Cell::new(cell(&format!("{cause}: {}", &*f.message))),
        ]);
    }
    narrow(&mut table, 1, 30);
    format!(
        "Not evaluated ({}{})\n{table}\n{}\n",
        unknown.len(),
        first_of(shown.len(), left_out),
        more_note(left_out, "unknown results")
    )
}

fn compliance_table(view: &ComplianceView, opts: &TableOptions) -> String {
    let mut table = new_table(opts, &["Requirement", "Status", "Rules and results"]);
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
        "{}: {} rules, {} results: {} failing{}, {} unknown{}, {} passing. Scan {}.{extra}",
        cell(&scope(report)),
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
                "incomplete: {} collection errors{}",
                report.scan.collection_errors.len(),
                match not_scanned(report) {
                    0 => String::new(),
                    n => format!(", {n} account{} not scanned", if n == 1 { "" } else { "s" }),
                }
            )
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::overview::testing::{failing, report, result, unknown};

    fn opts(details: bool) -> TableOptions {
        TableOptions {
            color: false,
            width: Some(100),
            details,
        }
    }

    #[test]
    fn detail_rows_are_capped_with_a_note_saying_how_to_see_them_all() {
        let r = report("111111111111", &["us-east-1"], failing(DETAIL_ROWS + 10));
        let out = render(&r, &opts(false));
        assert!(
            out.contains("Failing findings (60; the first 50)\n"),
            "{out}"
        );
        assert!(out.contains(
            "10 more failing findings not shown: add --details to list them, or use --format json."
        ));
        assert!(out.contains("res-049") && !out.contains("res-050"), "{out}");

        let all = render(&r, &opts(true));
        assert!(all.contains("Failing findings (60)\n"), "{all}");
        assert!(
            all.contains("res-059") && !all.contains("not shown"),
            "{all}"
        );
    }

    #[test]
    fn few_rows_need_no_note() {
        let r = report("111111111111", &["us-east-1"], failing(DETAIL_ROWS));
        let out = render(&r, &opts(false));
        assert!(out.contains("Failing findings (50)\n") && !out.contains("not shown"));
    }

    #[test]
    fn unknown_rows_are_counted_per_rule_and_capped() {
        let results = (0..DETAIL_ROWS + 5)
            .map(|i| {
                unknown(
                    "GW301",
                    "111111111111",
                    &format!("dom-{i:03}"),
                    "not_collected",
                )
            })
            .collect();
        let out = render(&report("111111111111", &[], results), &opts(false));
        assert!(
            out.contains("Not evaluated by rule (55 in 1 rule)"),
            "{out}"
        );
        assert!(out.contains("title of GW301") && out.contains("55 not collected"));
        assert!(out.contains("Not evaluated (55; the first 50)"), "{out}");
        assert!(out.contains("5 more unknown results not shown: add --details"));
        assert!(out.contains("dom-049") && !out.contains("dom-050"));
    }

    #[test]
    fn summaries_lead_and_count_accounts() {
        let mut results = failing(3);
        results.push(result("GW201", "high", "fail", "222222222222", "api"));
        results.push(result("GW101", "medium", "fail", "222222222222", "res-000"));
        let out = render(
            &report("111111111111", &["us-east-1"], results),
            &opts(false),
        );
        let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("no {s:?} in\n{out}"));
        assert!(at("Failing findings by rule (5 in 2 rules)") < at("Accounts (2)"));
        assert!(at("Accounts (2)") < at("Failing findings (5)"));
        // GW201 is high: it leads although GW101 fails more often, in both accounts.
        let high = at("│ HIGH     ┆ GW201 title of GW201");
        let medium = at("│ MEDIUM   ┆ GW101 title of GW101");
        assert!(high < medium);
        let gw101 = out[medium..].lines().next().unwrap();
        assert!(gw101.ends_with("┆       4 ┆        2 │"), "{gw101}");
        // The account with a high finding comes first.
        assert!(at("│ 222222222222 ") < at("│ 111111111111 "));
    }

    #[test]
    fn accounts_are_capped_unless_details() {
        let results = (0..ACCOUNT_ROWS + 3)
            .map(|i| result("GW101", "medium", "fail", &format!("{i:012}"), "api"))
            .collect();
        let r = report("", &[], results);
        let out = render(&r, &opts(false));
        assert!(out.contains("Accounts (23)") && out.contains("3 more accounts not shown"));
        assert!(out.contains("│ 000000000019 ") && !out.contains("│ 000000000020 "));
        let all = render(&r, &opts(true));
        assert!(all.contains("│ 000000000022 ") && !all.contains("not shown"));
        // Every account has the finding: the rule counts 23 accounts.
        assert!(out.contains("┆      23 ┆       23 │"), "{out}");
    }

    /// A report of several accounts names none in its summary, and lists the accounts that
    /// were not scanned with why (sanitized: a reason can echo what STS said).
    #[test]
    fn accounts_not_scanned_are_listed_with_why() {
        use crate::report::status::{AccountStatus, ScanState};
        let mut r = report(
            "",
            &["us-east-1"],
            vec![result("GW101", "high", "fail", "111111111111", "api")],
        );
        r.scan.accounts = vec![
            AccountStatus {
                account_id: "111111111111".into(),
                status: ScanState::Scanned,
                reason: None,
                missing: Default::default(),
                regions: Vec::new(),
            },
            AccountStatus {
                account_id: "222222222222".into(),
                status: ScanState::NotScanned,
                reason: Some(
                    "AccessDenied assuming arn:aws:iam::222222222222:role/R: no\u{1b}[2J".into(),
                ),
                missing: Default::default(),
                regions: Vec::new(),
            },
        ];
        let out = render(&r, &opts(false));
        assert!(
            out.contains("Accounts (2: 1 scanned, 1 not scanned)"),
            "{out}"
        );
        // Not-scanned accounts lead the account rows, with the role and STS's reason.
        let row = out.find("│ 222222222222").expect("a row for the account");
        assert!(row < out.find("│ 111111111111").unwrap(), "{out}");
        assert!(out.contains("AccessDenied assuming"), "{out}");
        assert!(out.contains("not scanned"), "{out}");
        assert!(!out.contains('\u{1b}'));
        assert!(
            out.contains("2 accounts: 1 scanned, 1 not scanned; 1 region:"),
            "{out}"
        );
    }
}
