//! The account × region status view: what each selected account and region came to (scanned,
//! incomplete with what is missing, or not scanned with why), how many APIs were found, and
//! the failing results by severity. One entry per account-region, so it stays small however
//! many results there are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{OrgSnapshot, Snapshot, UnknownCause};
use crate::rules::{Severity, Status};
use crate::triage::Results;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ScanState {
    /// Everything was collected.
    Scanned,
    /// Something could not be collected: some results are `unknown`.
    Incomplete,
    /// Nothing was collected (the account could not be entered): a gap.
    NotScanned,
    /// Left out for its state in the organization (suspended, closing): no gap a rescan could
    /// close.
    Skipped,
}

impl ScanState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether anything of the account was collected (completely or not).
    pub fn was_scanned(self) -> bool {
        matches!(self, ScanState::Scanned | ScanState::Incomplete)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountStatus {
    pub account_id: String,
    pub status: ScanState,
    /// Why the account was not scanned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Account-wide calls that failed (IAM), by `service:Operation`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub missing: BTreeMap<String, usize>,
    #[serde(default)]
    pub regions: Vec<RegionStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionStatus {
    pub region: String,
    pub status: ScanState,
    /// REST, HTTP and WebSocket APIs found; absent when a list of APIs was not collected.
    #[serde(default)]
    pub apis: Option<usize>,
    /// Failing results by severity (only the severities that have some).
    #[serde(default)]
    pub failing_by_severity: BTreeMap<Severity, usize>,
    /// Calls that failed in this region, by `service:Operation`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub missing: BTreeMap<String, usize>,
}

impl AccountStatus {
    pub fn failing(&self) -> usize {
        self.regions
            .iter()
            .flat_map(|r| r.failing_by_severity.values())
            .sum()
    }

    pub fn apis(&self) -> usize {
        self.regions.iter().filter_map(|r| r.apis).sum()
    }
}

/// The status of every account of `snapshot`, scanned accounts first (in snapshot order),
/// then the ones not scanned. Failing counts are zero until `count_failing`.
pub fn of(snapshot: &OrgSnapshot) -> Vec<AccountStatus> {
    let mut out: Vec<AccountStatus> = snapshot.accounts.iter().map(account).collect();
    out.extend(snapshot.not_scanned.iter().map(|n| AccountStatus {
        account_id: n.account_id.clone(),
        status: if n.is_failure() {
            ScanState::NotScanned
        } else {
            ScanState::Skipped
        },
        reason: Some(n.reason()),
        missing: BTreeMap::new(),
        regions: Vec::new(),
    }));
    out
}

/// Sets every region's failing results by severity from `results`, replacing what was there
/// (a merged report's inputs counted before their results were triaged again).
pub fn count_failing(accounts: &mut [AccountStatus], results: &Results) {
    type Counts = [usize; Severity::ALL.len()];
    let mut failing: BTreeMap<(&str, &str), Counts> = BTreeMap::new();
    // Results of one region come together: counted in a run, and a map entry per run rather
    // than per result, which was as long as writing a tenth of a large report (perf).
    let mut run: Option<((&str, &str), Counts)> = None;
    for f in results.iter().filter(|f| f.status == Status::Fail) {
        let key = (f.place.account_id.as_str(), f.place.region.as_str());
        let counts = match &mut run {
            Some((k, counts)) if *k == key => counts,
            _ => {
                if let Some((k, counts)) = run.take() {
                    add(failing.entry(k).or_default(), &counts);
                }
                &mut run.insert((key, Counts::default())).1
            }
        };
        counts[index(&Severity::ALL, f.severity)] += 1;
    }
    if let Some((k, counts)) = run {
        add(failing.entry(k).or_default(), &counts);
    }
    for a in accounts {
        for r in &mut a.regions {
            let counts = failing.remove(&(a.account_id.as_str(), r.region.as_str()));
            r.failing_by_severity = Severity::ALL
                .into_iter()
                .zip(counts.unwrap_or_default())
                .filter(|(_, n)| *n > 0)
                .collect();
        }
    }
}

fn add(into: &mut [usize], counts: &[usize]) {
    for (into, n) in into.iter_mut().zip(counts) {
        *into += n;
    }
}

/// Where `x` is in `all`, which holds every value of its type.
pub(crate) fn index<T: PartialEq>(all: &[T], x: T) -> usize {
    all.iter()
        .position(|v| *v == x)
        .expect("`all` holds every value")
}

fn account(a: &Snapshot) -> AccountStatus {
    let mut global = BTreeMap::new();
    let mut missing: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for e in a
        .collection_errors
        .iter()
        .filter(|e| e.cause() == UnknownCause::NotCollected)
    {
        let call = format!("{}:{}", e.service, e.operation);
        let into = match e.region.as_deref() {
            Some(r) => missing.entry(r).or_default(),
            None => &mut global,
        };
        *into.entry(call).or_default() += 1;
    }
    let regions: Vec<RegionStatus> = a
        .regions
        .iter()
        .map(|r| {
            let missing = missing.remove(r.region.as_str()).unwrap_or_default();
            let apis = match (&r.rest_apis, &r.v2_apis) {
                (Some(rest), Some(v2)) => Some(rest.len() + v2.len()),
                _ => None,
            };
            RegionStatus {
                region: r.region.clone(),
                status: if missing.is_empty() {
                    ScanState::Scanned
                } else {
                    ScanState::Incomplete
                },
                apis,
                failing_by_severity: BTreeMap::new(),
                missing,
            }
        })
        .collect();
    // Errors of a region the snapshot has no entry for still make the account incomplete.
    for calls in missing.into_values() {
        for (call, n) in calls {
            *global.entry(call).or_default() += n;
        }
    }
    let complete = global.is_empty() && regions.iter().all(|r| r.status == ScanState::Scanned);
    AccountStatus {
        account_id: a.account_id.clone(),
        status: if complete {
            ScanState::Scanned
        } else {
            ScanState::Incomplete
        },
        reason: None,
        missing: global,
        regions,
    }
}
