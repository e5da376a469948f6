//! What happens to findings after evaluation: mutes from the configuration and the comparison
//! with a baseline report. Triage wraps a finding ([`Triaged`]) rather than living inside it:
//! a rule's verdict does not know about mutes or baselines. Muted and unchanged findings stay
//! in the JSON report, flagged, but never fail the job; muted ones are left out of SARIF.

use std::collections::BTreeMap;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

use crate::config::Mute;
use crate::date::Date;
use crate::glob;
use crate::rules::{Finding, Status};

/// A finding with what triage decided about it. In the JSON report its fields sit beside the
/// finding's own (`muted`, `baseline`), so the report format does not see the wrapping.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Triaged {
    #[serde(flatten)]
    pub finding: Finding,
    /// Set when a configured mute accepts this failing finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<MuteRef>,
    /// Set for failing findings when the scan is compared with a baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

impl From<Finding> for Triaged {
    fn from(finding: Finding) -> Self {
        Triaged {
            finding,
            muted: None,
            baseline: None,
        }
    }
}

/// Reporters read the finding through its triage.
impl Deref for Triaged {
    type Target = Finding;
    fn deref(&self) -> &Finding {
        &self.finding
    }
}

impl Triaged {
    /// A failing finding that counts: not muted and not already in the baseline.
    pub fn is_actionable(&self) -> bool {
        self.status == Status::Fail
            && self.muted.is_none()
            && self.baseline != Some(BaselineState::Unchanged)
    }
}

/// Why a finding is muted, copied onto the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MuteRef {
    pub reason: String,
    /// `gwaudit.toml:12`.
    pub origin: String,
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    New,
    Unchanged,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MuteReport {
    /// Failing findings muted.
    pub applied: usize,
    /// Mutes past their `expires` date: they no longer mute anything.
    pub expired: Vec<MuteRef>,
    /// Active mutes that matched no failing finding: probably fixed or mistyped.
    pub stale: Vec<MuteRef>,
}

fn mute_ref(m: &Mute) -> MuteRef {
    MuteRef {
        reason: m.reason.clone(),
        origin: m.origin.clone(),
        expires: m.expires.map(|d| d.to_string()),
    }
}

fn mute_matches(m: &Mute, f: &Triaged) -> bool {
    (m.rules.is_empty() || m.rules.iter().any(|r| f.rule_id.starts_with(r.as_str())))
        && (m.resources.is_empty()
            || m.resources
                .iter()
                .any(|p| glob::matches(p, &f.resource_arn)))
        && (m.accounts.is_empty() || m.accounts.contains(&f.account_id))
        && (m.regions.is_empty() || m.regions.contains(&f.region))
        && m.tags
            .iter()
            .all(|(k, v)| f.resource_tags.get(k) == Some(v))
}

/// Mutes failing findings; returns what the mutes did.
pub fn apply_mutes(findings: &mut [Triaged], mutes: &[Mute], today: Date) -> MuteReport {
    let mut report = MuteReport::default();
    let mut used = vec![false; mutes.len()];
    let active: Vec<(usize, &Mute)> = mutes
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            let expired = m.expires.is_some_and(|e| e < today);
            if expired {
                report.expired.push(mute_ref(m));
            }
            !expired
        })
        .collect();
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        // Every matching mute is in use (none is stale); the first one is recorded.
        let mut first = None;
        for (i, m) in active.iter().filter(|(_, m)| mute_matches(m, f)) {
            used[*i] = true;
            first.get_or_insert(*m);
        }
        if let Some(m) = first {
            f.muted = Some(mute_ref(m));
            report.applied += 1;
        }
    }
    report.stale = active
        .iter()
        .filter(|(i, _)| !used[*i])
        .map(|(_, m)| mute_ref(m))
        .collect();
    report
}

/// A failing finding of the baseline that no longer fails.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub rule_id: String,
    pub resource_arn: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineReport {
    pub file: String,
    pub new: usize,
    pub unchanged: usize,
    /// Failing in the baseline, passing now.
    pub fixed: Vec<BaselineEntry>,
    /// Failing in the baseline and not evaluated now (unknown, or not in this scan): not
    /// counted as fixed.
    pub not_reevaluated: Vec<BaselineEntry>,
}

#[derive(Debug)]
pub struct Baseline {
    pub file: String,
    failing: BTreeMap<String, BaselineEntry>,
}

/// The failing findings of a previous report's `results`, read from `file`.
pub fn baseline_from(results: &[Triaged], file: String) -> Baseline {
    let failing = results
        .iter() // A finding accepted only by a mute is not accepted by the baseline: when the mute
        // expires it must count again.
        .filter(|f| f.status == Status::Fail && f.muted.is_none())
        .map(|f| {
            (
                f.fingerprint.clone(),
                BaselineEntry {
                    rule_id: f.rule_id.clone(),
                    resource_arn: f.resource_arn.clone(),
                    fingerprint: f.fingerprint.clone(),
                },
            )
        })
        .collect();
    Baseline { file, failing }
}

/// Marks failing findings new or unchanged by fingerprint and lists what was fixed.
pub fn apply_baseline(findings: &mut [Triaged], baseline: &Baseline) -> BaselineReport {
    let mut report = BaselineReport {
        file: baseline.file.clone(),
        new: 0,
        unchanged: 0,
        fixed: Vec::new(),
        not_reevaluated: Vec::new(),
    };
    let now: BTreeMap<&str, Status> = findings
        .iter()
        .map(|f| (f.fingerprint.as_str(), f.status))
        .collect();
    for (fp, entry) in &baseline.failing {
        match now.get(fp.as_str()) {
            Some(Status::Pass) => report.fixed.push(entry.clone()),
            Some(Status::Fail) => {}
            Some(Status::Unknown) | None => report.not_reevaluated.push(entry.clone()),
        }
    }
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        let state = if baseline.failing.contains_key(&f.fingerprint) {
            report.unchanged += 1;
            BaselineState::Unchanged
        } else {
            report.new += 1;
            BaselineState::New
        };
        f.baseline = Some(state);
    }
    report
}
