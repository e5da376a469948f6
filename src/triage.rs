//! What happens to findings after evaluation: mutes from the configuration and the comparison
//! with a baseline report. Triage wraps a finding ([`Triaged`]) rather than living inside it:
//! a rule's verdict does not know about mutes or baselines. Muted and unchanged findings stay
//! in the JSON report, flagged, but never fail the job; muted ones are left out of SARIF.

mod results;

pub use results::Results;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;

use serde::{Deserialize, Serialize};

use crate::config::Mute;
use crate::date::Date;
use crate::glob;
use crate::rules::{Finding, Fingerprint, SharedStr, Status};

/// A finding with what triage decided about it. In the JSON report its fields sit beside the
/// finding's own (`muted`, `baseline`), so the report format does not see the wrapping.
#[derive(Debug, Clone, Deserialize)]
pub struct Triaged {
    #[serde(flatten)]
    pub finding: Finding,
    /// Set when a configured mute accepts this failing finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<Box<MuteRef>>,
    /// Set for failing findings when the scan is compared with a baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
    /// Set when this scan could not evaluate a finding that failed in the baseline: it is
    /// the baseline's finding, kept open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_forward: Option<Box<CarriedForward>>,
}

/// Written as one flat struct: serde's `flatten` goes through a map serializer, which was a
/// tenth of writing a large JSON report (perf).
impl Serialize for Triaged {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Triaged", Finding::FIELDS + 3)?;
        self.finding.serialize_fields(&mut st)?;
        if let Some(m) = &self.muted {
            st.serialize_field("muted", m)?;
        }
        if let Some(b) = &self.baseline {
            st.serialize_field("baseline", b)?;
        }
        if let Some(c) = &self.carried_forward {
            st.serialize_field("carried_forward", c)?;
        }
        st.end()
    }
}

impl From<Finding> for Triaged {
    fn from(finding: Finding) -> Self {
        Triaged {
            finding,
            muted: None,
            baseline: None,
            carried_forward: None,
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

/// The cheap comparisons first: the resource globs are the costly part.
fn mute_matches(m: &Mute, f: &Triaged) -> bool {
    (m.rules.is_empty() || m.rules.iter().any(|r| f.rule.id.starts_with(r.as_str())))
        && (m.accounts.is_empty() || m.accounts.iter().any(|a| f.place.account_id == *a))
        && (m.regions.is_empty() || m.regions.iter().any(|r| f.place.region == *r))
        && m.tags
            .iter()
            .all(|(k, v)| f.resource.tags.get(k) == Some(v))
        && (m.resources.is_empty()
            || m.resources
                .iter()
                .any(|p| glob::matches(p, &f.resource.arn)))
}

/// Mutes failing findings; returns what the mutes did.
pub fn apply_mutes(findings: &mut Results, mutes: &[Mute], today: Date) -> MuteReport {
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
            f.muted = Some(Box::new(mute_ref(m)));
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
    pub fingerprint: Fingerprint,
}

impl From<&Finding> for BaselineEntry {
    fn from(f: &Finding) -> Self {
        BaselineEntry {
            rule_id: f.rule.id.to_string(),
            resource_arn: f.resource.arn.clone(),
            fingerprint: f.fingerprint,
        }
    }
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
    /// Failing in the baseline, and left undecided now by a call that failed: kept as failing
    /// (marked `carried_forward`) so that the gap closes no open alert.
    #[serde(default)]
    pub carried_forward: usize,
    /// The baseline is a scan of the same account, so what it carries forward keeps every
    /// alert a gap of this scan would otherwise close.
    #[serde(default)]
    pub covers_gaps: bool,
}

/// Why a failing result was not evaluated in this scan but kept from the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedForward {
    /// When the baseline's snapshot was collected: the last time the finding was seen failing.
    pub scanned_at: Option<String>,
    /// Why this scan could not decide it.
    pub because: String,
}

/// Where a baseline comes from, and what it can vouch for.
#[derive(Debug, Clone, Default)]
pub struct BaselineSource {
    pub file: String,
    /// The accounts the baseline scanned.
    pub accounts: BTreeSet<String>,
    /// When the baseline's snapshot was collected.
    pub scanned_at: Option<String>,
    /// The baseline knew every open alert: its own scan had no collection gap, or a baseline
    /// of its own covered them.
    pub knew_every_alert: bool,
    pub rules_evaluated: BTreeSet<String>,
    /// (account, region) pairs the baseline scanned.
    pub regions: BTreeSet<(String, String)>,
}

#[derive(Debug)]
pub struct Baseline {
    pub file: String,
    source: BaselineSource,
    /// Failing findings by fingerprint, with when each was last evaluated (a finding the
    /// baseline itself carried forward keeps its older time).
    failing: BTreeMap<Fingerprint, (Finding, Option<String>)>,
}

/// The failing findings of a previous report's `results`.
pub fn baseline_from(results: &Results, source: BaselineSource) -> Baseline {
    let failing = results
        .iter() // A finding accepted only by a mute is not accepted by the baseline: when the mute
        // expires it must count again.
        .filter(|f| f.status == Status::Fail && f.muted.is_none())
        .map(|f| {
            let seen = match &f.carried_forward {
                Some(c) => c.scanned_at.clone(),
                None => source.scanned_at.clone(),
            };
            (f.fingerprint, (f.finding.clone(), seen))
        })
        .collect();
    Baseline {
        file: source.file.clone(),
        source,
        failing,
    }
}

/// Where a failed call left this scan without answers: the rules that gave a `not_collected`
/// result, by account and region, and the accounts that could not be scanned at all. A rule
/// that needs data it did not get says so with such a result, so a finding of that rule and
/// region that failed in the baseline and is missing now may be hidden by the gap rather than
/// fixed.
pub struct Gaps<'a> {
    /// The accounts this scan evaluated.
    pub scanned: BTreeSet<&'a str>,
    /// Selected accounts that could not be entered: nothing of theirs was evaluated.
    pub not_scanned: BTreeSet<&'a str>,
    /// (account, rule, region) triples with a `not_collected` result.
    pub unknown: BTreeSet<(SharedStr, SharedStr, SharedStr)>,
    pub rules_evaluated: &'a [String],
}

impl Gaps<'_> {
    fn covers(&self, f: &Finding) -> bool {
        self.not_scanned.contains(&*f.place.account_id)
            || self.unknown.contains(&(
                f.place.account_id.clone(),
                f.rule.id.clone(),
                f.place.region.clone(),
            ))
    }

    /// Whether `baseline` knew every alert this scan's gaps could hide: every account with a
    /// gap scanned then, a baseline without gaps of its own (or covered in turn), every rule
    /// run now run then, and every region with a gap scanned then.
    fn trusted(&self, baseline: &BaselineSource) -> bool {
        baseline.knew_every_alert
            && self
                .rules_evaluated
                .iter()
                .all(|r| baseline.rules_evaluated.contains(r))
            && self.unknown.iter().all(|(account, _, region)| {
                baseline
                    .regions
                    .contains(&(account.to_string(), region.to_string()))
            })
            && self
                .not_scanned
                .iter()
                .all(|a| baseline.accounts.contains(*a))
    }
}

/// Marks failing findings new or unchanged by fingerprint, lists what was fixed, and carries
/// forward the baseline's failing findings that a gap of this scan left undecided: code
/// scanning closes every alert missing from an upload, and a failed call is no fix.
pub fn apply_baseline(
    findings: &mut Vec<Triaged>,
    baseline: &Baseline,
    gaps: &Gaps,
) -> BaselineReport {
    let mut report = BaselineReport {
        file: baseline.file.clone(),
        new: 0,
        unchanged: 0,
        fixed: Vec::new(),
        not_reevaluated: Vec::new(),
        carried_forward: 0,
        covers_gaps: gaps.trusted(&baseline.source),
    };
    let now: BTreeMap<Fingerprint, usize> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| (f.fingerprint, i))
        .collect();
    let mut replace = Vec::new();
    let mut add = Vec::new();
    for (fp, (old, last_seen)) in &baseline.failing {
        let current = now.get(fp).map(|&i| (i, &findings[i]));
        match current.map(|(_, f)| f.status) {
            Some(Status::Pass) => report.fixed.push(BaselineEntry::from(old)),
            Some(Status::Fail) => {}
            Some(Status::Unknown) | None => {
                report.not_reevaluated.push(BaselineEntry::from(old));
                let not_collected = current.is_none_or(|(_, f)| f.is_not_collected());
                // Present as `not_collected`: the gap is on this very resource. Missing: the same
                // rule could not see part of this region.
                let hidden = match current {
                    Some(_) => not_collected && gaps.scanned.contains(&*old.place.account_id),
                    None => gaps.covers(old),
                };
                if hidden && gaps.rules_evaluated.iter().any(|r| old.rule.id == *r) {
                    let because = match current {
                        Some((_, f)) => f.message.to_string(),
                        None if gaps.not_scanned.contains(&*old.place.account_id) => format!(
                            "not evaluated: account {} could not be scanned",
                            old.place.account_id
                        ),
                        None => format!(
                            "not evaluated: {} could not see all of {} in this scan",
                            old.rule.id, old.place.region
                        ),
                    };
                    let carried = Triaged {
                        finding: old.clone(),
                        muted: None,
                        baseline: None,
                        carried_forward: Some(Box::new(CarriedForward {
                            scanned_at: last_seen.clone(),
                            because,
                        })),
                    };
                    match current {
                        Some((i, _)) => replace.push((i, carried)),
                        None => add.push(carried),
                    }
                }
            }
        }
    }
    report.carried_forward = replace.len() + add.len();
    for (i, carried) in replace {
        findings[i] = carried;
    }
    if !add.is_empty() {
        findings.extend(add);
        findings.sort_by(|a, b| a.report_order().cmp(&b.report_order()));
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
