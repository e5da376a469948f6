//! Reporters render a [`ScanReport`]; they never re-evaluate rules.

pub mod compliance;
pub mod json;
mod json_text;
pub mod junit;
pub mod markdown;
pub mod overview;
pub mod sarif;
pub mod status;
pub mod table;
mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::{CollectionError, OrgSnapshot, UnknownCause};
use crate::rules::{Severity, Status};
use crate::triage::{BaselineReport, MuteReport, Results, Triaged};
pub use compliance::ComplianceView;
use strum::VariantArray;

/// Version of the JSON report format (`reports/gwaudit-report.schema.json`).
/// Version 2 added the account × region status view (`scan.accounts`) and the account of
/// each collection error; version 1 reports still load as baselines and for `convert`.
pub const REPORT_VERSION: u32 = 2;

/// The severity threshold at which failing findings make the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    None,
}

impl FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("none") {
            Ok(FailOn::None)
        } else {
            s.parse()
                .map(FailOn::Severity)
                .map_err(|_| format!("`{s}`: expected critical, high, medium, low, info or none"))
        }
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailOn::Severity(s) => write!(f, "{s}"),
            FailOn::None => f.write_str("none"),
        }
    }
}

impl Serialize for FailOn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FailOn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl FailOn {
    pub fn trips(self, finding: &Triaged) -> bool {
        match self {
            FailOn::Severity(min) => finding.is_actionable() && finding.severity >= min,
            FailOn::None => false,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

/// The settings the scan ran with, echoed so a report explains itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// `snapshot`, `demo`, `aws`, or `merge` (the report combines the reports in `merged`).
    pub source: String,
    pub snapshot: Option<String>,
    pub fail_on: FailOn,
    pub rules: Vec<String>,
    pub skip_rules: Vec<String>,
    /// The configuration file used, if any.
    #[serde(default)]
    pub config: Option<String>,
    /// The baseline report compared with, if any.
    #[serde(default)]
    pub baseline: Option<String>,
    #[serde(default)]
    pub strict: bool,
    /// The JSON reports a `merge` combined, in the order given; absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanInfo {
    /// False when anything could not be collected, or a selected account was not scanned:
    /// results may be `unknown` or missing.
    pub complete: bool,
    /// The scanned account when the report covers one; empty when it covers several (each is
    /// in `accounts`).
    pub account_id: String,
    pub partition: String,
    /// Every region scanned in any account, each once.
    pub regions: Vec<String>,
    pub collected_at: Option<String>,
    pub rules_evaluated: Vec<String>,
    /// Every call that failed, in every account (each names its account).
    pub collection_errors: Vec<CollectionError>,
    /// What each selected account and region came to (`status::of`). A version-1 report has
    /// none: `json::load` fills it from `account_id` and `regions`.
    #[serde(default)]
    pub accounts: Vec<status::AccountStatus>,
}

impl ScanInfo {
    /// What a snapshot covered: its accounts, regions and failed calls. The status view's
    /// failing counts are left at zero until the results are known (`ScanReport::assemble`).
    pub fn of(snapshot: &OrgSnapshot, rules_evaluated: Vec<String>) -> Self {
        ScanInfo {
            complete: snapshot.is_complete(),
            account_id: match (
                snapshot.accounts.as_slice(),
                snapshot.not_scanned.as_slice(),
            ) {
                ([one], []) => one.account_id.clone(),
                ([], [one]) => one.account_id.clone(),
                _ => String::new(),
            },
            partition: snapshot.partition.clone(),
            regions: {
                let mut seen = std::collections::BTreeSet::new();
                snapshot
                    .accounts
                    .iter()
                    .flat_map(|a| &a.regions)
                    .filter(|r| seen.insert(r.region.as_str()))
                    .map(|r| r.region.clone())
                    .collect()
            },
            collected_at: snapshot.collected_at.clone(),
            rules_evaluated,
            collection_errors: snapshot
                .accounts
                .iter()
                .flat_map(|a| {
                    a.collection_errors.iter().map(|e| CollectionError {
                        account_id: Some(a.account_id.clone()),
                        ..e.clone()
                    })
                })
                .collect(),
            accounts: status::of(snapshot),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    pub total: usize,
    pub by_status: BTreeMap<Status, usize>,
    /// Failing results by severity (every severity present, zero included).
    pub failing_by_severity: BTreeMap<Severity, usize>,
    /// Failing results accepted by a mute (included in the counts above).
    #[serde(default)]
    pub muted: usize,
    /// Unknown results by why they could not be decided (every cause present, zero included).
    #[serde(default)]
    pub unknown_by_cause: BTreeMap<UnknownCause, usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanReport {
    pub report_version: u32,
    pub tool: ToolInfo,
    pub settings: Settings,
    pub scan: ScanInfo,
    pub summary: Summary,
    /// What the configured mutes did; absent without mutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutes: Option<MuteReport>,
    /// The comparison with `--baseline`; absent without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineReport>,
    /// `--compliance`: the results per requirement of each framework asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<ComplianceView>,
    pub results: Results,
}

impl ScanReport {
    /// Every member but the results (which stay empty): what the JSON writer indents. A struct
    /// literal, so a member added to the report cannot be forgotten here.
    pub fn without_results(&self) -> ScanReport {
        ScanReport {
            report_version: self.report_version,
            tool: self.tool.clone(),
            settings: self.settings.clone(),
            scan: self.scan.clone(),
            summary: self.summary.clone(),
            mutes: self.mutes.clone(),
            baseline: self.baseline.clone(),
            compliance: self.compliance.clone(),
            results: Results::default(),
        }
    }

    /// The report of `results` over what `scan` covered. The summary and the status view's
    /// failing counts are counted here, from the results as triaged, so they agree with them
    /// however the results came (evaluated, merged, carried forward from a baseline).
    pub fn assemble(mut scan: ScanInfo, settings: Settings, results: Results) -> Self {
        let tally = status::count(&mut scan.accounts, &results);
        let summary = Summary {
            total: results.len(),
            muted: tally.muted,
            by_status: status::Tally::STATUSES
                .into_iter()
                .zip(tally.by_status)
                .collect(),
            failing_by_severity: Severity::ALL.into_iter().zip(tally.failing).collect(),
            unknown_by_cause: UnknownCause::VARIANTS
                .iter()
                .copied()
                .zip(tally.by_cause)
                .collect(),
        };
        ScanReport {
            report_version: REPORT_VERSION,
            tool: ToolInfo {
                name: "gwaudit".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            settings,
            scan,
            summary,
            mutes: None,
            baseline: None,
            compliance: Vec::new(),
            results,
        }
    }

    /// Failing findings that fail the job at `fail_on` (not muted, not in the baseline).
    pub fn blocking(&self, fail_on: FailOn) -> usize {
        self.results.iter().filter(|f| fail_on.trips(f)).count()
    }

    /// Failing findings ordered for people: most severe first, then rule, then resource.
    pub fn failing(&self) -> Vec<&Triaged> {
        let mut v: Vec<&Triaged> = self
            .results
            .iter()
            .filter(|f| f.status == Status::Fail)
            .collect();
        v.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.id.cmp(&b.rule.id))
                .then_with(|| a.resource.label.cmp(&b.resource.label))
        });
        v
    }

    pub fn unknown(&self) -> Vec<&Triaged> {
        self.results
            .iter()
            .filter(|f| f.status == Status::Unknown)
            .collect()
    }

    /// "2 critical, 5 high, ..." for the severities that have failing findings.
    pub fn failing_breakdown(&self) -> String {
        let parts: Vec<String> = Severity::ALL
            .iter()
            .filter_map(|s| {
                let n = self
                    .summary
                    .failing_by_severity
                    .get(s)
                    .copied()
                    .unwrap_or(0);
                (n > 0).then(|| format!("{n} {s}"))
            })
            .collect();
        parts.join(", ")
    }

    /// Unknown results that a failed call left undecided (`Finding::is_not_collected`): the
    /// ones that may hide an open alert.
    pub fn not_collected(&self) -> usize {
        self.results.iter().filter(|f| f.is_not_collected()).count()
    }

    /// Whether SARIF for this report could close an open alert: something was not collected,
    /// and no baseline of the same account carried its failing findings forward.
    pub fn sarif_could_close_alerts(&self) -> bool {
        !self.accounts_sarif_could_close().is_empty()
    }

    /// The accounts whose SARIF could close an open alert: a call failed or a result was not
    /// collected there, or the account was not scanned, and no baseline covered the gaps. Each
    /// account's run has its own category, so only these need withholding. An incomplete
    /// report that names no account (a foreign one) answers with the empty id.
    pub fn accounts_sarif_could_close(&self) -> BTreeSet<&str> {
        if self.baseline.as_ref().is_some_and(|b| b.covers_gaps) {
            return BTreeSet::new();
        }
        let mut gaps: BTreeSet<&str> = self
            .scan
            .accounts
            .iter()
            .filter(|a| {
                matches!(
                    a.status,
                    status::ScanState::Incomplete | status::ScanState::NotScanned
                )
            })
            .map(|a| a.account_id.as_str())
            .collect();
        gaps.extend(
            self.scan
                .collection_errors
                .iter()
                .filter(|e| e.cause() == UnknownCause::NotCollected)
                .map(|e| e.account_id.as_deref().unwrap_or(&self.scan.account_id)),
        );
        gaps.extend(
            self.results
                .iter()
                .filter(|f| f.is_not_collected())
                .map(|f| &*f.place.account_id),
        );
        if gaps.is_empty() && !self.scan.complete {
            gaps.insert(&self.scan.account_id);
        }
        gaps
    }

    pub fn count(&self, status: Status) -> usize {
        self.summary.by_status.get(&status).copied().unwrap_or(0)
    }
}

/// A writer that accepts so many bytes and then fails as a closed pipe does.
#[cfg(test)]
pub(crate) struct FailsAfter(pub usize);

#[cfg(test)]
impl std::io::Write for FailsAfter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0 < buf.len() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "closed",
            ));
        }
        self.0 -= buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
