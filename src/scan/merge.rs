//! `gwaudit merge`: JSON reports of disjoint account-regions (the shards of an organization
//! scan, or separate runs) combined into the report one scan of them all would have given.
//!
//! Merging never evaluates a rule: every result is taken as it is (rule, status, severity,
//! fingerprint, message, evidence, `carried_forward`). What depends on the merge's own settings
//! is done again by the same code as a scan's ([`super::finish`]): each input's mute and
//! baseline marks are dropped, then the merge's `--baseline` and mutes apply, over every
//! account at once, and the summary and compliance views are counted from the merged results.
//!
//! Inputs must agree on what a merged report claims for all of them: the report version (this
//! build's), the partition and the rules evaluated (else the report would say a rule ran where
//! it did not). An account-region may come from one input only, and an account not scanned in
//! one input cannot appear in another.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::model::CollectionError;
use crate::report::status::AccountStatus;
use crate::report::{self, ScanInfo, ScanReport, REPORT_VERSION};
use crate::rules;
use crate::triage::Triaged;

use super::ScanSettings;

/// One report to merge, and the file it came from (named in every error about it).
pub struct Input {
    pub file: String,
    pub report: ScanReport,
}

/// Why reports cannot be merged. Each names the files concerned.
#[derive(Debug)]
pub enum MergeError {
    NoInputs,
    /// The same file given twice.
    SameFile {
        file: String,
        again: String,
    },
    /// A file that could not be read as a gwaudit JSON report (the reason names the file).
    Unreadable(String),
    /// A report of another version than this build's; `other` is an input of this version.
    Version {
        file: String,
        version: u32,
        other: Option<String>,
    },
    Partition {
        first: String,
        first_partition: String,
        file: String,
        partition: String,
    },
    Rules {
        first: String,
        file: String,
        /// Evaluated in `file` only.
        only_here: Vec<String>,
        /// Evaluated in `first` only.
        only_there: Vec<String>,
    },
    /// The same account-region (or an account, when one of them did not scan it) in two files.
    Overlap {
        account: String,
        region: Option<String>,
        first: String,
        file: String,
    },
    /// A result of an account-region its report does not list: the report was edited.
    Stray {
        file: String,
        rule: String,
        account: String,
        region: String,
    },
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::NoInputs => f.write_str("no report to merge"),
            MergeError::SameFile { file, again } if file == again => {
                write!(f, "{file} is given twice: each report can be merged once")
            }
            MergeError::SameFile { file, again } => {
                write!(f, "{again} is {file} again: each report can be merged once")
            }
            MergeError::Unreadable(why) => f.write_str(why),
            MergeError::Version {
                file,
                version,
                other: Some(other),
            } => write!(
                f,
                "{file} is a version-{version} report and {other} a version-{REPORT_VERSION} \
                 one: reports of different versions cannot be merged; scan {file}'s accounts \
                 again with this gwaudit"
            ),
            MergeError::Version {
                file,
                version,
                other: None,
            } => write!(
                f,
                "{file} is a version-{version} report; this gwaudit merges version-\
                 {REPORT_VERSION} reports: scan its accounts again with this version"
            ),
            MergeError::Partition {
                first,
                first_partition,
                file,
                partition,
            } => write!(
                f,
                "{file} is a scan of partition {partition} and {first} of {first_partition}: \
                 one report covers one partition"
            ),
            MergeError::Rules {
                first,
                file,
                only_here,
                only_there,
            } => {
                let list = |v: &[String]| match v {
                    [] => "none".to_string(),
                    _ => v.join(", "),
                };
                write!(
                    f,
                    "{file} and {first} evaluated different rules (only in {file}: {}; only in \
                     {first}: {}): a merged report would claim a rule ran where it did not; \
                     scan with the same --rules, --skip-rules and configuration",
                    list(only_here),
                    list(only_there)
                )
            }
            MergeError::Overlap {
                account,
                region: Some(region),
                first,
                file,
            } => write!(
                f,
                "account {account} region {region} is in both {first} and {file}: each \
                 account-region can come from one report only (two runs of the same shard?)"
            ),
            MergeError::Overlap {
                account,
                region: None,
                first,
                file,
            } => write!(
                f,
                "account {account} is in both {first} and {file}, and one of them could not \
                 scan it: each account can come from one report only"
            ),
            MergeError::Stray {
                file,
                rule,
                account,
                region,
            } => write!(
                f,
                "{file}: a {rule} result of account {account} region {region}, which the \
                 report does not list in scan.accounts: not a report gwaudit wrote"
            ),
        }
    }
}

impl std::error::Error for MergeError {}

/// Reads the reports, refusing a file given twice (under any spelling of its path).
pub fn load(paths: &[PathBuf]) -> Result<Vec<Input>, MergeError> {
    let mut seen: BTreeMap<PathBuf, &Path> = BTreeMap::new();
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        let file = path.display().to_string();
        // A path that cannot be resolved fails to load below, with the reason.
        if let Ok(real) = std::fs::canonicalize(path) {
            if let Some(first) = seen.insert(real, path) {
                return Err(MergeError::SameFile {
                    file: first.display().to_string(),
                    again: file,
                });
            }
        }
        let report =
            report::json::load(path).map_err(|e| MergeError::Unreadable(format!("{e:#}")))?;
        inputs.push(Input { file, report });
    }
    Ok(inputs)
}

/// Merges `inputs` and triages the result with `settings` (mutes, baseline, compliance,
/// `--fail-on` and `--strict` echoed; the rule selection and parameters are the scans').
///
/// The report lists accounts by id (scanned ones first, then the ones not scanned) and the
/// results by rule, account, region and resource, so merging the shards of one scan gives
/// that scan's report. `collected_at` is the earliest input's: the day mutes expire against
/// and the oldest data the report holds. `complete` holds when every input is complete.
pub fn merge(mut inputs: Vec<Input>, settings: &ScanSettings) -> Result<ScanReport, MergeError> {
    check(&inputs)?;
    let files: Vec<String> = inputs.iter().map(|i| i.file.clone()).collect();
    let first = &inputs[0].report;
    let (rules, skip_rules) = selection(&inputs);
    let mut scan = ScanInfo {
        complete: inputs.iter().all(|i| i.report.scan.complete),
        account_id: String::new(),
        partition: first.scan.partition.clone(),
        regions: Vec::new(),
        collected_at: earliest(&inputs),
        rules_evaluated: first.scan.rules_evaluated.clone(),
        collection_errors: Vec::new(),
        accounts: Vec::new(),
    };
    let mut findings: Vec<Triaged> =
        Vec::with_capacity(inputs.iter().map(|i| i.report.results.len()).sum());
    let mut account_index: BTreeMap<String, usize> = BTreeMap::new();
    // Per account, the account-wide errors seen so far and the input each came from.
    let mut account_wide: BTreeMap<Option<String>, Vec<(usize, CollectionError)>> = BTreeMap::new();
    for (n, input) in inputs.iter_mut().enumerate() {
        let report = &mut input.report;
        for a in std::mem::take(&mut report.scan.accounts) {
            add_account(&mut scan.accounts, &mut account_index, a);
        }
        for e in std::mem::take(&mut report.scan.collection_errors) {
            // Two runs of one account's regions both read its global part (IAM): the same
            // failed call is one error.
            if e.region.is_none() {
                let seen = account_wide.entry(e.account_id.clone()).or_default();
                if seen.iter().any(|(m, other)| *m != n && *other == e) {
                    continue;
                }
                seen.push((n, e.clone()));
            }
            scan.collection_errors.push(e);
        }
        findings.extend(
            std::mem::take(&mut report.results)
                .into_vec()
                .into_iter()
                .map(|mut f| {
                    f.muted = None;
                    f.baseline = None;
                    f
                }),
        );
    }
    drop(inputs);
    put_in_order(&mut scan);
    rules::sort_in_place(&mut findings, |a, b| {
        a.report_order().cmp(&b.report_order())
    });
    let echoed = report::Settings {
        source: "merge".into(),
        rules,
        skip_rules,
        merged: files,
        ..super::echoed(settings)
    };
    Ok(super::finish(scan, findings.into(), echoed, settings))
}

/// The rule selection to echo: the inputs' when they agree, else the rules evaluated (the
/// same in every input, checked) one by one.
fn selection(inputs: &[Input]) -> (Vec<String>, Vec<String>) {
    let first = &inputs[0].report;
    let agree = inputs.iter().all(|i| {
        i.report.settings.rules == first.settings.rules
            && i.report.settings.skip_rules == first.settings.skip_rules
    });
    if agree {
        (
            first.settings.rules.clone(),
            first.settings.skip_rules.clone(),
        )
    } else {
        (first.scan.rules_evaluated.clone(), Vec::new())
    }
}

/// The earliest input's `collected_at`. A time that does not parse cannot be ordered: it is
/// taken only when no other parses.
fn earliest(inputs: &[Input]) -> Option<String> {
    let times = || {
        inputs
            .iter()
            .filter_map(|i| i.report.scan.collected_at.as_deref())
    };
    times()
        .filter_map(|t| Some((Date::instant(t)?, t)))
        .min()
        .map(|(_, t)| t)
        .or_else(|| times().next())
        .map(str::to_string)
}

/// The order of a scan of every account at once: accounts by id, the ones not scanned last;
/// collection errors by account; regions as they first appear; the account id when there is
/// one account.
fn put_in_order(scan: &mut ScanInfo) {
    scan.accounts.sort_by(|a, b| {
        (!a.status.was_scanned(), &a.account_id).cmp(&(!b.status.was_scanned(), &b.account_id))
    });
    let position: BTreeMap<&str, usize> = scan
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.account_id.as_str(), i))
        .collect();
    scan.collection_errors.sort_by_key(|e| {
        e.account_id
            .as_deref()
            .and_then(|a| position.get(a))
            .copied()
    });
    let mut seen = BTreeSet::new();
    scan.regions = scan
        .accounts
        .iter()
        .flat_map(|a| &a.regions)
        .filter(|r| seen.insert(r.region.as_str()))
        .map(|r| r.region.clone())
        .collect();
    if let [one] = scan.accounts.as_slice() {
        scan.account_id = one.account_id.clone();
    }
}

/// Adds an input's account, or its regions to the same account from another input (a run per
/// region set): incomplete if either is, and an account-wide failed call counted once, since
/// both runs made it.
fn add_account(
    accounts: &mut Vec<AccountStatus>,
    index: &mut BTreeMap<String, usize>,
    a: AccountStatus,
) {
    let Some(&at) = index.get(&a.account_id) else {
        index.insert(a.account_id.clone(), accounts.len());
        accounts.push(a);
        return;
    };
    let same = &mut accounts[at];
    same.status = same.status.max(a.status);
    for (call, n) in a.missing {
        let count = same.missing.entry(call).or_default();
        *count = (*count).max(n);
    }
    same.regions.extend(a.regions);
}

/// Everything that makes a set of reports unmergeable, before anything is moved.
fn check(inputs: &[Input]) -> Result<(), MergeError> {
    let Some(first) = inputs.first() else {
        return Err(MergeError::NoInputs);
    };
    let mut names = BTreeSet::new();
    if let Some(twice) = inputs.iter().find(|i| !names.insert(i.file.as_str())) {
        return Err(MergeError::SameFile {
            file: twice.file.clone(),
            again: twice.file.clone(),
        });
    }
    if let Some(old) = inputs
        .iter()
        .find(|i| i.report.report_version != REPORT_VERSION)
    {
        return Err(MergeError::Version {
            file: old.file.clone(),
            version: old.report.report_version,
            other: inputs
                .iter()
                .find(|i| i.report.report_version == REPORT_VERSION)
                .map(|i| i.file.clone()),
        });
    }
    let rules: BTreeSet<&String> = first.report.scan.rules_evaluated.iter().collect();
    for i in &inputs[1..] {
        if i.report.scan.partition != first.report.scan.partition {
            return Err(MergeError::Partition {
                first: first.file.clone(),
                first_partition: first.report.scan.partition.clone(),
                file: i.file.clone(),
                partition: i.report.scan.partition.clone(),
            });
        }
        let here: BTreeSet<&String> = i.report.scan.rules_evaluated.iter().collect();
        if here != rules {
            return Err(MergeError::Rules {
                first: first.file.clone(),
                file: i.file.clone(),
                only_here: here.difference(&rules).map(|r| r.to_string()).collect(),
                only_there: rules.difference(&here).map(|r| r.to_string()).collect(),
            });
        }
    }
    check_overlaps(inputs)?;
    inputs.iter().try_for_each(check_results)
}

/// No account-region in two inputs, and an account one input could not scan in no other.
fn check_overlaps(inputs: &[Input]) -> Result<(), MergeError> {
    // The first input of each account, and whether it could not scan it.
    let mut accounts: BTreeMap<&str, (usize, bool)> = BTreeMap::new();
    let mut regions: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let overlap = |account: &str, region: Option<&str>, first: usize, file: &Input| {
        Err(MergeError::Overlap {
            account: account.to_string(),
            region: region.map(str::to_string),
            first: inputs[first].file.clone(),
            file: file.file.clone(),
        })
    };
    for (n, input) in inputs.iter().enumerate() {
        for a in &input.report.scan.accounts {
            let id = a.account_id.as_str();
            let not_scanned = !a.status.was_scanned();
            match accounts.get(id) {
                Some(&(m, was_not_scanned)) if m != n && (was_not_scanned || not_scanned) => {
                    return overlap(id, None, m, input)
                }
                Some(_) => {}
                None => {
                    accounts.insert(id, (n, not_scanned));
                }
            }
            for r in &a.regions {
                match regions.insert((id, r.region.as_str()), n) {
                    Some(m) if m != n => return overlap(id, Some(&r.region), m, input),
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// Every result belongs to an account-region its report lists (or to an account it could not
/// scan, whose baseline findings it carried forward): so inputs without overlapping
/// account-regions hold no result twice.
fn check_results(input: &Input) -> Result<(), MergeError> {
    let scan = &input.report.scan;
    let not_scanned: BTreeSet<&str> = scan
        .accounts
        .iter()
        .filter(|a| !a.status.was_scanned())
        .map(|a| a.account_id.as_str())
        .collect();
    let regions: BTreeSet<(&str, &str)> = scan
        .accounts
        .iter()
        .flat_map(|a| {
            a.regions
                .iter()
                .map(|r| (a.account_id.as_str(), r.region.as_str()))
        })
        .collect();
    match input.report.results.iter().find(|f| {
        !not_scanned.contains(&*f.place.account_id)
            && !regions.contains(&(&*f.place.account_id, &*f.place.region))
    }) {
        Some(f) => Err(MergeError::Stray {
            file: input.file.clone(),
            rule: f.rule.id.to_string(),
            account: f.place.account_id.to_string(),
            region: f.place.region.to_string(),
        }),
        None => Ok(()),
    }
}
