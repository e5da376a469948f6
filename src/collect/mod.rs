//! Collection: the only code that names `aws_sdk_*` types. It turns AWS answers into the
//! snapshot model; a call that fails becomes a recorded collection error and collection goes
//! on. Every request passes the read-only guard; API Gateway calls are paced below the quota.

mod account;
pub mod accounts;
mod apigateway;
mod apigatewayv2;
mod clients;
mod cloudtrail;
mod convert;
mod domain_access;
mod errors;
pub mod guard;
mod iam;
mod logs;
pub mod org;
mod pacing;
mod progress;
mod tasks;
mod wafv2;

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::Semaphore;

use crate::model::{
    CollectionError, KeepsUnknown, RegionSnapshot, ResourceOwner, Snapshot, UNKNOWN_VALUE_CODE,
};
use crate::operations::Operation;
use clients::Clients;
use guard::{CallLog, ReadOnlyGuard};
use progress::Progress;

#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    pub profile: Option<String>,
    pub regions: Vec<String>,
    pub all_regions: bool,
    pub endpoint_url: Option<String>,
    /// API Gateway requests per second per account and region (at most 10).
    pub max_rps: f64,
    /// Accounts collected at once in an organization scan (0: the default).
    pub max_accounts: usize,
    /// AWS requests in flight at once, over every account and region (0: the default).
    pub max_in_flight: usize,
    pub quiet: bool,
}

pub const DEFAULT_MAX_RPS: f64 = 9.0;

/// Accounts collected at once. Each account-region is held to its own API Gateway quota
/// (about 10 requests per second), so an organization goes faster with more accounts at once
/// until the cap on requests in flight binds: at AWS's usual 50 to 150 ms per request, 16
/// accounts of one to four regions keep 64 requests busy. Past that, more accounts only hold
/// more SDK clients and half-built snapshots in memory, which a laptop or a 2-core CI runner
/// notices before AWS does.
pub const DEFAULT_MAX_ACCOUNTS: usize = 16;

/// AWS requests in flight at once, over the whole run. Each is one HTTPS connection (the pool
/// keeps them per service and region, shared between accounts), so this bounds the sockets
/// and TLS sessions a 500-account scan opens, well under the usual limit of 1024 open files,
/// while 64 requests of ~100 ms still carry ~600 requests per second: the quotas of 60-odd
/// account-regions.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;

impl CollectOptions {
    fn max_rps(&self) -> f64 {
        if self.max_rps > 0.0 {
            self.max_rps
        } else {
            DEFAULT_MAX_RPS
        }
    }

    pub fn max_accounts(&self) -> usize {
        match self.max_accounts {
            0 => DEFAULT_MAX_ACCOUNTS,
            n => n,
        }
    }

    fn max_in_flight(&self) -> usize {
        match self.max_in_flight {
            0 => DEFAULT_MAX_IN_FLIGHT,
            n => n,
        }
    }
}

/// Runs one AWS call (or one paginated sequence, whose pages go one after another) once the
/// run's cap on requests in flight lets it. The wait is outside the SDK's call, so it never
/// counts against the SDK's attempt timeout. The semaphore is never closed, so a permit
/// always comes.
async fn capped<F: Future>(cap: &Semaphore, call: F) -> F::Output {
    let _permit = cap.acquire().await.ok();
    call.await
}

/// What one region's collection shares: its clients and the errors recorded so far.
pub struct RegionCollector {
    pub region: String,
    pub partition: String,
    clients: Clients,
    errors: Mutex<Vec<CollectionError>>,
    /// API Gateway calls in flight. The pacer's token wait runs inside the SDK's attempt
    /// timeout, so the queue in front of it must stay short: calls wait here instead.
    apigateway_in_flight: Semaphore,
    /// The run's cap on requests in flight ([`Session`]'s).
    in_flight: Arc<Semaphore>,
}

impl RegionCollector {
    /// Runs one call; on failure records it and returns `None`.
    async fn call<T, E, F>(
        &self,
        operation: &Operation,
        resource: Option<&str>,
        fut: F,
    ) -> Option<T>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        // The region's own queue first: a call waiting for its region's turn holds no place
        // under the run's cap that another account could use.
        let _permit = if operation.service.starts_with("apigateway") {
            self.apigateway_in_flight.acquire().await.ok()
        } else {
            None
        };
        match capped(&self.in_flight, fut).await {
            Ok(v) => Some(v),
            Err(e) => {
                self.record_error(&e, operation, resource);
                None
            }
        }
    }

    fn record_error<E>(
        &self,
        e: &SdkError<E, HttpResponse>,
        operation: &Operation,
        resource: Option<&str>,
    ) where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let err = errors::collection_error(e, operation, Some(&self.region), resource);
        if let Ok(mut v) = self.errors.lock() {
            v.push(err);
        }
    }

    fn record_failure(
        &self,
        operation: &Operation,
        resource: Option<&str>,
        code: &str,
        message: &str,
    ) {
        if let Ok(mut v) = self.errors.lock() {
            v.push(CollectionError {
                account_id: None,
                service: operation.service.into(),
                operation: operation.name.into(),
                region: Some(self.region.clone()),
                resource: resource.map(Into::into),
                code: code.into(),
                message: message.into(),
                missing_permission: None,
            });
        }
    }

    /// A model enum from AWS's spelling (`field` as AWS names it). A value this version does
    /// not know is kept as AWS sent it, and recorded against `resource` so the report says
    /// which resource and field the `unknown` results come from.
    fn keep<T>(&self, operation: &Operation, resource: &str, field: &str, value: &str) -> T
    where
        T: serde::de::DeserializeOwned + KeepsUnknown,
    {
        let kept: T = convert::keep_value(value);
        if let Some(raw) = kept.unknown() {
            self.record_failure(
                operation,
                Some(resource),
                UNKNOWN_VALUE_CODE,
                &format!(
                    "`{field}` is `{raw}`, a value this gwaudit version does not know: the rules \
                     that need it answer unknown"
                ),
            );
        }
        kept
    }

    fn apigw_arn(&self, path: &str) -> String {
        format!("arn:{}:apigateway:{}::{path}", self.partition, self.region)
    }
}

async fn collect_region(rc: Arc<RegionCollector>) -> RegionSnapshot {
    let (
        rest_apis,
        v2_apis,
        domains,
        shared_domain_names,
        usage_plans,
        api_keys,
        client_certificates,
        account_settings,
        trails,
        (portals, portal_products),
    ) = tokio::join!(
        apigateway::rest_apis(&rc),
        apigatewayv2::apis(&rc),
        apigateway::domain_names(&rc, ResourceOwner::OwnAccount),
        apigateway::domain_names(&rc, ResourceOwner::OtherAccounts),
        apigateway::usage_plans(&rc),
        apigateway::api_keys(&rc),
        apigateway::client_certificates(&rc),
        apigateway::account(&rc),
        cloudtrail::trails(&rc),
        apigatewayv2::portals(&rc),
    );
    let mut domain_names = domains;
    let with_associations = domain_access::may_have_associations(
        domain_names.as_deref(),
        shared_domain_names.as_deref(),
    );
    let (_, domain_name_access_associations) = tokio::join!(
        async {
            if let Some(d) = domain_names.as_mut() {
                apigatewayv2::api_mappings(&rc, d).await;
                apigatewayv2::routing_rules(&rc, d).await;
            }
        },
        domain_access::access_associations(&rc, with_associations),
    );
    let rest_stages = rest_apis
        .iter()
        .flatten()
        .flat_map(|a| a.stages.iter().flatten());
    let acl_arns: BTreeSet<String> = rest_stages
        .clone()
        .filter_map(|s| s.web_acl_arn.clone())
        .collect();
    let log_group = |settings: &Option<crate::model::AccessLogSettings>| {
        let arn = settings.as_ref()?.destination_arn.as_deref()?;
        Some(crate::model::LogGroupArn::parse(arn)?.name.to_string())
    };
    let mut log_names: BTreeSet<String> = rest_stages
        .filter_map(|s| log_group(&s.access_log_settings))
        .collect();
    log_names.extend(
        v2_apis
            .iter()
            .flatten()
            .flat_map(|a| a.stages.iter().flatten())
            .filter_map(|s| log_group(&s.access_log_settings)),
    );
    let acl_arns: Vec<String> = acl_arns.into_iter().collect();
    let log_names: Vec<String> = log_names.into_iter().collect();
    let (web_acls, log_groups) = tokio::join!(
        wafv2::web_acls(&rc, &acl_arns),
        logs::log_groups(&rc, &log_names)
    );
    RegionSnapshot {
        region: rc.region.clone(),
        account_settings,
        rest_apis,
        v2_apis,
        domain_names,
        shared_domain_names,
        domain_name_access_associations,
        usage_plans,
        api_keys,
        client_certificates,
        web_acls: Some(web_acls),
        log_groups,
        trails,
        portals,
        portal_products,
    }
}

/// The IAM roles API Gateway uses in the collected regions.
fn referenced_roles(regions: &[RegionSnapshot]) -> BTreeSet<String> {
    let mut arns = BTreeSet::new();
    for r in regions {
        arns.extend(
            r.account_settings
                .iter()
                .filter_map(|a| a.cloudwatch_role_arn.clone()),
        );
        for api in r.rest_apis.iter().flatten() {
            arns.extend(
                api.methods()
                    .filter_map(|(_, m)| m.integration.as_ref()?.credentials.clone()),
            );
            arns.extend(
                api.authorizers
                    .iter()
                    .flatten()
                    .filter_map(|a| a.authorizer_credentials.clone()),
            );
        }
        for api in r.v2_apis.iter().flatten() {
            arns.extend(
                api.integrations
                    .iter()
                    .flatten()
                    .filter_map(|i| i.credentials_arn.clone()),
            );
            arns.extend(
                api.authorizers
                    .iter()
                    .flatten()
                    .filter_map(|a| a.authorizer_credentials_arn.clone()),
            );
        }
    }
    arns.retain(|a| a.contains(":role/"));
    arns
}

/// What every call of one gwaudit run shares: the HTTP client, the read-only guard with the
/// run's call log, the cap on requests in flight, and the configuration the standard
/// credential chain loaded (the caller's). Cheap to clone: every part is shared.
#[derive(Clone)]
pub struct Session {
    http: aws_smithy_runtime_api::client::http::SharedHttpClient,
    log: CallLog,
    guard: ReadOnlyGuard,
    in_flight: Arc<Semaphore>,
    pub base: aws_config::SdkConfig,
}

impl Session {
    pub async fn open(opts: &CollectOptions) -> Session {
        let http = clients::https_client();
        let log = CallLog::default();
        let base = clients::load_config(
            opts.profile.as_deref(),
            opts.regions.first().map(String::as_str),
            opts.endpoint_url.as_deref(),
            http.clone(),
        )
        .await;
        Session {
            http,
            guard: ReadOnlyGuard { log: log.clone() },
            log,
            in_flight: Arc::new(Semaphore::new(opts.max_in_flight())),
            base,
        }
    }

    /// The guard for clients whose calls count in `log` (one account's) as well as the run's.
    fn guard_for(&self, log: &CallLog) -> ReadOnlyGuard {
        ReadOnlyGuard { log: log.clone() }
    }

    fn sts(&self, config: &aws_config::SdkConfig, log: &CallLog) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(config)
                .interceptor(self.guard_for(log))
                .build(),
        )
    }
}

/// Collects a snapshot of the caller's account. Errors here are fatal (no credentials, no
/// region); everything after identifying the account is recorded in the snapshot instead.
pub async fn collect(opts: &CollectOptions) -> anyhow::Result<Snapshot> {
    let session = Session::open(opts).await;
    let caller = accounts::caller(&session).await?;
    let log = session.log.clone();
    let regions = account::regions(&session, &session.base, opts, &log)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let progress = Progress::new(opts.quiet);
    progress.start(regions.len(), "regions", log.clone());
    progress.line(format!(
        "account {}: collecting {}",
        caller.account,
        regions.join(", ")
    ));
    let target = account::Target {
        account: &caller.account,
        partition: &caller.partition,
        config: &session.base,
    };
    let snapshot = account::collect(&session, target, &regions, opts, &log, Some(&progress)).await;
    progress.finish();
    let failed = account::failed_calls(&snapshot);
    if failed > 0 {
        progress.line(format!(
            "{failed} calls failed; affected results will be `unknown`"
        ));
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// However many calls wait, no more than the cap run at once, and every one runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_cap_bounds_calls_in_flight() {
        let cap = Arc::new(Semaphore::new(3));
        let now = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..40 {
            let (cap, now, peak) = (cap.clone(), now.clone(), peak.clone());
            tasks.spawn(async move {
                capped(&cap, async {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            });
        }
        let mut done = 0;
        while let Some(r) = tasks.join_next().await {
            r.unwrap();
            done += 1;
        }
        assert_eq!(done, 40);
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }
}
