//! Collecting several accounts in one run (an organization, its OUs, a list of accounts): up to
//! `--max-accounts` at a time, each account's regions at once as for a single account, under
//! the run's one cap on requests in flight. Each account-region keeps its own pacer and retry
//! partition, so one account's throttling slows no other. Whatever goes wrong in one account
//! (its role refused, its regions unreadable, its task failed) is that account's "not
//! scanned" entry, and every other account completes.

use std::sync::Arc;
use std::time::Instant;

use super::account::{self, Target, TASK_FAILED};
use super::accounts::{self, Caller, RoleOptions};
use super::progress::Progress;
use super::tasks::Isolated;
use super::{CollectOptions, Session};
use crate::model::{CollectionStats, NotScanned, OrgSnapshot, Snapshot};

/// What to collect: the selected accounts and the ones the selection left out.
pub struct Plan {
    pub caller: Caller,
    /// The selected accounts, sorted by id (as `account_selection` gives them).
    pub accounts: Vec<String>,
    /// Accounts left out for their state in the organization (code: the state); the document
    /// lists them so that the report says they were not scanned.
    pub skipped: Vec<NotScanned>,
    pub role: RoleOptions,
}

/// One account's outcome, and how long it took (entering it included).
struct Finished {
    outcome: Result<Snapshot, NotScanned>,
    seconds: f64,
}

/// Collects every account of `plan` into one document, accounts and not-scanned entries each
/// sorted by account id (so shards of one selection, merged, equal the whole). Only a
/// setting that no account could be collected with is an error (no region to scan).
pub async fn collect(
    session: &Session,
    plan: Plan,
    opts: &CollectOptions,
) -> anyhow::Result<OrgSnapshot> {
    let started = Instant::now();
    if opts.regions.is_empty() && !opts.all_regions && session.base.region().is_none() {
        anyhow::bail!("no region: pass --region, --all-regions or set AWS_REGION");
    }
    let progress = Progress::new(opts.quiet);
    for s in &plan.skipped {
        progress.line(not_scanned_line(s));
    }
    let max = opts.max_accounts();
    if !plan.accounts.is_empty() {
        progress.line(format!(
            "collecting {} accounts, up to {} at a time, in {}",
            plan.accounts.len(),
            max.min(plan.accounts.len()),
            if opts.regions.is_empty() && opts.all_regions {
                "every region each account enables".to_string()
            } else if opts.regions.is_empty() {
                session
                    .base
                    .region()
                    .map(|r| r.to_string())
                    .unwrap_or_default()
            } else {
                opts.regions.join(", ")
            }
        ));
    }
    progress.start(plan.accounts.len(), "accounts", session.log.clone());
    let caller = Arc::new(plan.caller);
    let role = Arc::new(plan.role);
    let shared_opts = Arc::new(opts.clone());
    let mut pending = plan.accounts.into_iter();
    let mut running: Isolated<String, Finished> = Isolated::new();
    let mut scanned = Vec::new();
    let mut not_scanned = plan.skipped;
    loop {
        // Refill: a finished account's place goes to the next one at once.
        while running.len() < max {
            let Some(id) = pending.next() else { break };
            let task = one_account(
                session.clone(),
                caller.clone(),
                id.clone(),
                role.clone(),
                shared_opts.clone(),
            );
            running.spawn(id, task);
        }
        let Some((id, done)) = running.next().await else {
            break;
        };
        progress.step();
        let (outcome, seconds) = settle(id, done);
        match outcome {
            Ok(snapshot) => {
                progress.line(scanned_line(&snapshot, seconds.unwrap_or_default()));
                scanned.push(snapshot);
            }
            Err(n) => {
                progress.line(not_scanned_line(&n));
                not_scanned.push(n);
            }
        }
    }
    progress.finish();
    scanned.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    not_scanned.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    let collected_at = account::now();
    for a in &mut scanned {
        // One time for the run: the document keeps one, and a scan of the accounts in memory
        // must measure ages at the same day as a scan of the written file.
        a.collected_at = Some(collected_at.clone());
    }
    let calls = session.log.snapshot();
    let failed: usize = scanned.iter().map(account::failed_calls).sum();
    progress.line(format!(
        "{} accounts scanned, {} not scanned; {} calls ({} throttled), {failed} failed, in {:.1}s",
        scanned.len(),
        not_scanned.len(),
        calls.operations.values().sum::<u64>(),
        calls.throttled,
        started.elapsed().as_secs_f64()
    ));
    Ok(OrgSnapshot {
        tool_version: Some(env!("CARGO_PKG_VERSION").into()),
        collected_at: Some(collected_at),
        partition: caller.partition.clone(),
        accounts: scanned,
        not_scanned,
        collection_stats: Some(CollectionStats {
            api_calls: calls.operations,
            attempts: calls.attempts,
            throttled: calls.throttled,
            duration_ms: started.elapsed().as_millis() as u64,
        }),
    })
}

/// Enters one account and collects it; everything that stops it is its `NotScanned`.
async fn one_account(
    session: Session,
    caller: Arc<Caller>,
    id: String,
    role: Arc<RoleOptions>,
    opts: Arc<CollectOptions>,
) -> Finished {
    let started = Instant::now();
    let outcome = async {
        // The account's own log: its snapshot's stats; every count reaches the run's too.
        let log = session.log.child();
        let access = accounts::enter(&session, &caller, &id, &role, &log).await?;
        let regions = account::regions(&session, &access.config, &opts, &log)
            .await
            // The role worked: naming it would read as if assuming it had failed.
            .map_err(|e| NotScanned {
                account_id: id.clone(),
                role_arn: None,
                code: e.code,
                message: e.message,
            })?;
        let target = Target {
            account: &id,
            partition: &caller.partition,
            config: &access.config,
        };
        Ok(account::collect(&session, target, &regions, &opts, &log, None).await)
    }
    .await;
    Finished {
        outcome,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// A task's end as an account's outcome: a task that ended without one (it panicked) makes its
/// account not scanned.
fn settle(
    id: String,
    done: Result<Finished, String>,
) -> (Result<Snapshot, NotScanned>, Option<f64>) {
    match done {
        Ok(f) => (f.outcome, Some(f.seconds)),
        Err(why) => (Err(task_failed(id, why)), None),
    }
}

/// An account whose task ended without an outcome (it panicked). No role is named: the
/// failure was gwaudit's, not the role's.
fn task_failed(id: String, why: String) -> NotScanned {
    NotScanned {
        account_id: id,
        role_arn: None,
        code: TASK_FAILED.into(),
        message: why,
    }
}

fn scanned_line(s: &Snapshot, seconds: f64) -> String {
    let apis: usize = s
        .regions
        .iter()
        .map(|r| r.rest_apis.as_ref().map_or(0, Vec::len) + r.v2_apis.as_ref().map_or(0, Vec::len))
        .sum();
    format!(
        "account {}: {} regions, {apis} APIs, {} failed calls, {seconds:.1}s",
        s.account_id,
        s.regions.len(),
        account::failed_calls(s),
    )
}

fn not_scanned_line(n: &NotScanned) -> String {
    format!(
        "account {}: not scanned: {}",
        n.account_id,
        n.reason().replace('\n', " ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loop's handling of an account task that panics: that account is not scanned, with
    /// the panic as the reason, and the account next to it keeps its own outcome.
    #[tokio::test]
    async fn a_panicking_account_task_makes_only_that_account_not_scanned() {
        let mut tasks: Isolated<String, Finished> = Isolated::new();
        tasks.spawn("222222222222".into(), async {
            Finished {
                outcome: Err(NotScanned {
                    account_id: "222222222222".into(),
                    role_arn: Some("arn:aws:iam::222222222222:role/Gwaudit".into()),
                    code: "AccessDenied".into(),
                    message: "no".into(),
                }),
                seconds: 0.0,
            }
        });
        tasks.spawn("333333333333".into(), async {
            let regions: Vec<Finished> = Vec::new();
            regions
                .into_iter()
                .next()
                .expect("a region list nobody foresaw")
        });
        let mut got = Vec::new();
        while let Some((id, done)) = tasks.next().await {
            got.push(settle(id, done).0.unwrap_err());
        }
        got.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        assert_eq!(got[0].code, "AccessDenied");
        let failed = &got[1];
        assert_eq!(failed.account_id, "333333333333");
        assert_eq!(failed.code, TASK_FAILED);
        assert_eq!(failed.role_arn, None);
        assert!(failed.message.contains("a region list nobody foresaw"));
        assert!(failed.is_failure());
        assert!(failed
            .reason()
            .starts_with("TaskFailed: gwaudit failed (panicked"));
    }
}
