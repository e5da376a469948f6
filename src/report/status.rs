//! The account × region status view: what each selected account and region came to (scanned,
//! incomplete with what is missing, or not scanned with why), how many APIs were found, and
//! the failing results by severity. One entry per account-region, so it stays small however
//! many results there are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cores;
use crate::model::{OrgSnapshot, Snapshot, UnknownCause};
use crate::rules::{Severity, Status};
use crate::triage::{Results, Triaged};
use strum::VariantArray;

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
/// then the ones not scanned. Failing counts are zero until `count`.
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

/// What the summary and the status view count of the results of one account and region.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// By status, in `Tally::STATUSES` order.
    pub by_status: [usize; 3],
    /// Failing results by severity, in `Severity::ALL` order.
    pub failing: [usize; Severity::ALL.len()],
    /// Unknown results by cause, in `UnknownCause::VARIANTS` order.
    pub by_cause: [usize; UnknownCause::VARIANTS.len()],
    pub muted: usize,
}

impl Tally {
    pub const STATUSES: [Status; 3] = [Status::Fail, Status::Unknown, Status::Pass];

    fn of(run: &[Triaged]) -> Self {
        let mut t = Tally::default();
        for f in run {
            t.by_status[index(&Self::STATUSES, f.status)] += 1;
            if f.status == Status::Fail {
                t.failing[index(&Severity::ALL, f.severity)] += 1;
            }
            if f.muted.is_some() {
                t.muted += 1;
            }
            if let Some(cause) = f.unknown_cause {
                t.by_cause[index(UnknownCause::VARIANTS, cause)] += 1;
            }
        }
        t
    }

    pub fn add(&mut self, other: &Tally) {
        add(&mut self.by_status, &other.by_status);
        add(&mut self.failing, &other.failing);
        add(&mut self.by_cause, &other.by_cause);
        self.muted += other.muted;
    }
}

/// Counts `results` for the summary (the sum returned) and sets every region's failing results
/// by severity, replacing what was there (a merged report's inputs counted before their results
/// were triaged again). Counted a run of one account and region at a time, on every core: two
/// passes over every result on one core were a stretch of 20 ms in which the other core waited
/// (perf timeline of the replicated 10,000-API snapshot).
pub fn count(accounts: &mut [AccountStatus], results: &Results) -> Tally {
    let runs: Vec<&[Triaged]> = results.runs(|a, b| a.same_place(b)).collect();
    let tallies = cores::map(&runs, 8, |_, run| Tally::of(run));
    let mut total = Tally::default();
    let mut failing: BTreeMap<(&str, &str), [usize; Severity::ALL.len()]> = BTreeMap::new();
    for (run, tally) in runs.iter().zip(&tallies) {
        total.add(tally);
        let place = &run[0].place;
        let key = (place.account_id.as_str(), place.region.as_str());
        add(failing.entry(key).or_default(), &tally.failing);
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
    total
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
