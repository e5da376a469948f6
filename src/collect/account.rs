//! One account's collection: its regions concurrently, each region with its own clients, pacer
//! and retry partition (API Gateway's quota is per account and region), then the IAM roles the
//! regions reference. A region whose task fails is recorded as a collection error of that
//! region and the other regions go on.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_config::SdkConfig;
use tokio::sync::Semaphore;

use super::errors::collection_error;
use super::guard::{CallLog, ReadOnlyGuard};
use super::progress::Progress;
use super::tasks::Isolated;
use super::{capped, RegionCollector, Session};
use super::{clients, collect_region, convert, iam, referenced_roles, CollectOptions};
use crate::model::{
    CollectionError, CollectionStats, RegionSnapshot, Snapshot, UnknownCause, SCHEMA_VERSION,
};
use crate::operations as op;

/// The account a collection reads, and the credentials that reach it.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub account: &'a str,
    pub partition: &'a str,
    pub config: &'a SdkConfig,
}

/// Why an account's regions are not known: the account is not scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionsError {
    pub code: String,
    pub message: String,
}

/// The code of a task that ended without a result (it panicked): the region's collection
/// error, or an account's not-scanned code.
pub const TASK_FAILED: &str = "TaskFailed";

/// The regions to collect in one account: `--region` as given (each once), every region
/// enabled in the account for `--all-regions` (asked with the account's own credentials, as
/// accounts enable different regions), else the configured region.
pub async fn regions(
    session: &Session,
    config: &SdkConfig,
    opts: &CollectOptions,
    log: &CallLog,
) -> Result<Vec<String>, RegionsError> {
    let listed = if !opts.regions.is_empty() {
        opts.regions.clone()
    } else if opts.all_regions {
        enabled_regions(config, &session.guard_for(log), &session.in_flight).await?
    } else {
        vec![config
            .region()
            .map(|r| r.to_string())
            .ok_or_else(|| RegionsError {
                code: "NoRegion".into(),
                message: "no region: pass --region, --all-regions or set AWS_REGION".into(),
            })?]
    };
    let mut seen = BTreeSet::new();
    let regions: Vec<String> = listed
        .into_iter()
        .filter(|r| seen.insert(r.clone()))
        .collect();
    if regions.is_empty() {
        return Err(RegionsError {
            code: "NoRegion".into(),
            message: "no region to scan: the account lists no enabled region".into(),
        });
    }
    Ok(regions)
}

async fn enabled_regions(
    config: &SdkConfig,
    guard: &ReadOnlyGuard,
    cap: &Semaphore,
) -> Result<Vec<String>, RegionsError> {
    use aws_sdk_account::types::RegionOptStatus;
    let conf = aws_sdk_account::config::Builder::from(config)
        .interceptor(guard.clone())
        .build();
    let client = aws_sdk_account::Client::from_conf(conf);
    let listing = client
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>();
    let regions = capped(cap, listing).await.map_err(|e| {
        let failed = collection_error(&e, &op::LIST_REGIONS, None, None);
        let grant = failed
            .missing_permission
            .map(|p| format!("; missing permission {p}"))
            .unwrap_or_default();
        RegionsError {
            message: format!(
                "--all-regions: cannot list the account's enabled regions (account:ListRegions): \
                 {}{grant}",
                failed.message.replace('\n', " ")
            ),
            code: failed.code,
        }
    })?;
    Ok(regions
        .iter()
        .filter_map(|r| r.region_name().map(Into::into))
        .collect())
}

/// Collects `regions` of the target account. Every call counts in `log` (the account's);
/// `progress`, when given, hears of each region as it finishes.
pub async fn collect(
    session: &Session,
    target: Target<'_>,
    regions: &[String],
    opts: &CollectOptions,
    log: &CallLog,
    progress: Option<&Progress>,
) -> Snapshot {
    let started = Instant::now();
    let guard = session.guard_for(log);
    let max_rps = opts.max_rps();
    let mut tasks = Isolated::new();
    let mut collectors = Vec::new();
    for region in regions {
        let rc = Arc::new(RegionCollector {
            region: region.clone(),
            partition: target.partition.to_string(),
            clients: clients::for_region(
                target.config,
                &session.http,
                &guard,
                target.account,
                region,
                max_rps,
            ),
            errors: Mutex::new(Vec::new()),
            apigateway_in_flight: Semaphore::new((max_rps.ceil() as usize).clamp(2, 10)),
            in_flight: session.in_flight.clone(),
        });
        collectors.push(rc.clone());
        let progress = progress.cloned();
        tasks.spawn(region.clone(), async move {
            let t = Instant::now();
            let snap = collect_region(rc).await;
            if let Some(p) = progress {
                p.line(format!(
                    "{}: {} REST and {} HTTP/WebSocket APIs in {:.1}s",
                    snap.region,
                    snap.rest_apis.as_ref().map_or(0, Vec::len),
                    snap.v2_apis.as_ref().map_or(0, Vec::len),
                    t.elapsed().as_secs_f64()
                ));
            }
            snap
        });
    }
    let (mut region_snaps, failed_tasks) = join_regions(tasks, progress).await;
    region_snaps.sort_by_key(|r| regions.iter().position(|x| *x == r.region));
    let mut collection_errors: Vec<CollectionError> = collectors
        .iter()
        .flat_map(|rc| rc.errors.lock().map(|e| e.clone()).unwrap_or_default())
        .collect();
    collection_errors.extend(failed_tasks);
    let roles = referenced_roles(&region_snaps);
    let iam_client = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(target.config)
            .region(aws_config::Region::new(regions[0].clone()))
            .interceptor(guard.clone())
            .build(),
    );
    let iam = iam::roles(
        &iam_client,
        target.account,
        &roles,
        &mut collection_errors,
        &session.in_flight,
    )
    .await;
    let calls = log.snapshot();
    let mut snapshot = Snapshot {
        schema_version: SCHEMA_VERSION,
        tool_version: Some(env!("CARGO_PKG_VERSION").into()),
        collected_at: Some(now()),
        partition: target.partition.to_string(),
        account_id: target.account.to_string(),
        regions: region_snaps,
        iam: Some(iam),
        collection_errors,
        collection_stats: Some(CollectionStats {
            api_calls: calls.operations,
            attempts: calls.attempts,
            throttled: calls.throttled,
            duration_ms: started.elapsed().as_millis() as u64,
        }),
    };
    // Before the snapshot leaves the collector: no output, log or file sees the values.
    crate::model::redact_secrets(&mut snapshot);
    snapshot
}

/// Waits for every region's task. A task that ended without a snapshot (it panicked) is
/// [`failed_region`]: the other regions are not disturbed.
async fn join_regions(
    mut tasks: Isolated<String, RegionSnapshot>,
    progress: Option<&Progress>,
) -> (Vec<RegionSnapshot>, Vec<CollectionError>) {
    let mut snaps = Vec::new();
    let mut errors = Vec::new();
    while let Some((region, done)) = tasks.next().await {
        if let Some(p) = progress {
            p.step();
        }
        match done {
            Ok(snap) => snaps.push(snap),
            Err(why) => {
                let (snap, error) = failed_region(region, &why);
                snaps.push(snap);
                errors.push(error);
            }
        }
    }
    (snaps, errors)
}

/// A region whose task ended without a snapshot: an entry with nothing collected (its rules
/// answer `unknown`, not collected, and the status view shows the region incomplete) and the
/// error that says why.
fn failed_region(region: String, why: &str) -> (RegionSnapshot, CollectionError) {
    let error = CollectionError {
        account_id: None,
        service: "gwaudit".into(),
        operation: "CollectRegion".into(),
        region: Some(region.clone()),
        resource: None,
        code: TASK_FAILED.into(),
        message: format!("the collection of {region} stopped: {why}"),
        missing_permission: None,
    };
    let snap = RegionSnapshot {
        region,
        ..Default::default()
    };
    (snap, error)
}

/// RFC 3339, now: a snapshot's `collected_at`.
pub fn now() -> String {
    convert::date(&aws_smithy_types::DateTime::from(
        std::time::SystemTime::now(),
    ))
}

/// Calls that failed in a collected account (what no call can read is not counted).
pub fn failed_calls(snapshot: &Snapshot) -> usize {
    snapshot
        .collection_errors
        .iter()
        .filter(|e| e.cause() == UnknownCause::NotCollected)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A region task that panics is recorded against its region; the region next to it is
    /// collected as usual.
    #[tokio::test]
    async fn a_panicking_region_task_becomes_its_regions_collection_error() {
        let mut tasks = Isolated::new();
        tasks.spawn("eu-west-1".to_string(), async {
            RegionSnapshot {
                region: "eu-west-1".into(),
                rest_apis: Some(Vec::new()),
                ..Default::default()
            }
        });
        tasks.spawn("us-east-1".to_string(), async {
            let answers: Vec<RegionSnapshot> = Vec::new();
            // An index past the end: the kind of bug an unforeseen answer could reach.
            answers[answers.len()].clone()
        });
        let (mut snaps, errors) = join_regions(tasks, None).await;
        snaps.sort_by(|a, b| a.region.cmp(&b.region));
        assert_eq!(snaps.len(), 2);
        assert_eq!(snaps[0].rest_apis.as_ref().map(Vec::len), Some(0));
        assert_eq!(snaps[1].region, "us-east-1");
        assert!(snaps[1].rest_apis.is_none() && snaps[1].trails.is_none());
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert_eq!(e.region.as_deref(), Some("us-east-1"));
        assert_eq!(e.code, TASK_FAILED);
        assert_eq!(e.cause(), UnknownCause::NotCollected);
        assert!(
            e.message.contains("panicked: index out of bounds"),
            "{}",
            e.message
        );
    }
}
