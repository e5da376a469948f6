//! The scan pipeline, from a snapshot and settings to a finished report: select the rules,
//! evaluate them, triage the findings (mutes, baseline), add the compliance views and the
//! summary. The command line, `merge` and organization scans all call this; none of it knows
//! about arguments, files to write or exit codes.

pub mod merge;

use std::path::Path;

use crate::config::{Config, Mute};
use crate::date::Date;
use crate::model::OrgSnapshot;
use crate::report::status::ScanState;
use crate::report::{self, FailOn, ScanInfo, ScanReport, Settings};
use crate::rules::{self, frameworks, registry, RuleParams, Selection};
use crate::triage::{self, Baseline, Results};

/// Where the snapshot came from, echoed in the report.
#[derive(Debug, Clone)]
pub enum Source {
    Demo,
    /// A saved snapshot file.
    Snapshot(String),
    /// Collected from AWS by this run.
    Aws,
}

/// Everything a scan decides with, besides the snapshot.
#[derive(Debug, Default)]
pub struct ScanSettings {
    pub selection: Selection,
    pub params: RuleParams,
    pub mutes: Vec<Mute>,
    /// The configuration file the mutes and parameters came from, echoed in the report.
    pub config_file: Option<String>,
    pub baseline: Option<Baseline>,
    /// Framework ids (`fsbp`, ...) whose per-requirement view the report carries.
    pub compliance: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub strict: bool,
    /// The day mutes expire against; by default the snapshot's (`Snapshot::as_of`), like every
    /// other age and expiry.
    pub today: Option<Date>,
}

impl ScanSettings {
    /// The configuration file's selection, parameters and mutes, with the command line's
    /// `--rules` (replacing the file's `select`) and `--skip-rules` (added to its `skip`).
    pub fn from_config(config: &Config, rules: &[String], skip_rules: &[String]) -> Self {
        ScanSettings {
            selection: Selection {
                include: if rules.is_empty() {
                    config.select.clone()
                } else {
                    rules.to_vec()
                },
                exclude: config.skip.iter().chain(skip_rules).cloned().collect(),
            },
            params: config.params.clone(),
            mutes: config.mutes.clone(),
            config_file: config.source.as_ref().map(|p| p.display().to_string()),
            ..Default::default()
        }
    }
}

/// Reads a previous JSON report (`gwaudit scan --format json`) as a baseline.
pub fn load_baseline(path: &Path) -> anyhow::Result<Baseline> {
    let report = report::json::load(path)?;
    Ok(baseline_of(&report, &path.display().to_string()))
}

/// A report's failing findings as a baseline, with what it can vouch for (the accounts and
/// regions it scanned, the rules it ran, whether it knew every open alert).
pub fn baseline_of(report: &ScanReport, file: &str) -> Baseline {
    let source = triage::BaselineSource {
        file: file.to_string(),
        accounts: report
            .scan
            .accounts
            .iter()
            .filter(|a| a.status.was_scanned())
            .map(|a| a.account_id.clone())
            .collect(),
        scanned_at: report.scan.collected_at.clone(),
        knew_every_alert: !report.sarif_could_close_alerts(),
        rules_evaluated: report.scan.rules_evaluated.iter().cloned().collect(),
        regions: report
            .scan
            .accounts
            .iter()
            .flat_map(|a| {
                a.regions
                    .iter()
                    .map(|r| (a.account_id.clone(), r.region.clone()))
            })
            .collect(),
    };
    triage::baseline_from(&report.results, source)
}

/// The rules a failed call left without an answer, by region (`triage::Gaps`), from what the
/// scan covered and its results: a `not_collected` unknown, or a finding an input of `merge`
/// already carried forward (it stands for the unknown it replaced).
fn gaps<'a>(scan: &'a ScanInfo, findings: &Results) -> triage::Gaps<'a> {
    // An account skipped for its state (suspended) is no gap: nothing of it is carried forward,
    // and a baseline need not vouch for it.
    let accounts = |pick: fn(ScanState) -> bool| {
        scan.accounts
            .iter()
            .filter(move |a| pick(a.status))
            .map(|a| a.account_id.as_str())
            .collect()
    };
    triage::Gaps {
        scanned: accounts(ScanState::was_scanned),
        not_scanned: accounts(|s| s == ScanState::NotScanned),
        unknown: findings
            .iter()
            .filter(|f| f.is_not_collected() || f.carried_forward.is_some())
            .map(|f| {
                (
                    f.place.account_id.clone(),
                    f.rule.id.clone(),
                    f.place.region.clone(),
                )
            })
            .collect(),
        rules_evaluated: &scan.rules_evaluated,
    }
}

/// Runs the pipeline on one snapshot.
pub fn run(snapshot: &OrgSnapshot, source: Source, settings: &ScanSettings) -> ScanReport {
    let selection = &settings.selection;
    let rules_evaluated: Vec<String> = registry::rules()
        .iter()
        .filter(|r| selection.selects(r.def.id))
        .map(|r| r.def.id.to_string())
        .collect();
    // Each rule's findings in each region are a part of the report's results as they are.
    let parts = rules::evaluate_each(snapshot, selection, &settings.params);
    let findings = Results::from_parts(parts);
    let (source, snapshot_name) = match source {
        Source::Demo => ("demo", None),
        Source::Snapshot(name) => ("snapshot", Some(name)),
        Source::Aws => ("aws", None),
    };
    let echoed = Settings {
        source: source.into(),
        snapshot: snapshot_name,
        rules: selection.include.clone(),
        skip_rules: selection.exclude.clone(),
        ..echoed(settings)
    };
    finish(
        ScanInfo::of(snapshot, rules_evaluated),
        findings,
        echoed,
        settings,
    )
}

/// The settings every report echoes from `settings`; the caller fills in where the findings
/// came from and the rule selection.
fn echoed(settings: &ScanSettings) -> Settings {
    Settings {
        source: String::new(),
        snapshot: None,
        fail_on: settings
            .fail_on
            .unwrap_or(FailOn::Severity(rules::Severity::High)),
        rules: Vec::new(),
        skip_rules: Vec::new(),
        config: settings.config_file.clone(),
        baseline: settings.baseline.as_ref().map(|b| b.file.clone()),
        strict: settings.strict,
        merged: Vec::new(),
    }
}

/// Everything after evaluation, the same for a scan and a merge: the baseline, the mutes, the
/// compliance views and the summary, over the findings of what `scan` covered.
fn finish(
    scan: ScanInfo,
    mut findings: Results,
    echoed: Settings,
    settings: &ScanSettings,
) -> ScanReport {
    // The baseline first: what it carries forward can be muted like any other finding.
    let baseline = settings.baseline.as_ref().map(|b| {
        let gaps = gaps(&scan, &findings);
        // In one vector: carried-forward findings are sorted into place.
        findings.edit(|all| triage::apply_baseline(all, b, &gaps))
    });
    let today = settings
        .today
        .unwrap_or_else(|| Date::as_of(scan.collected_at.as_deref()));
    let mutes = (!settings.mutes.is_empty())
        .then(|| triage::apply_mutes(&mut findings, &settings.mutes, today));
    let compliance = settings
        .compliance
        .iter()
        .filter_map(|id| frameworks::find(id))
        .map(|fw| report::compliance::evaluate(fw, &findings, &scan.rules_evaluated))
        .collect();
    let mut report = ScanReport::assemble(scan, echoed, findings);
    report.compliance = compliance;
    report.mutes = mutes;
    report.baseline = baseline;
    report
}
