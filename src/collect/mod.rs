//! Collection: the only code that names `aws_sdk_*` types. It turns AWS answers into the
//! snapshot model; a call that fails becomes a recorded collection error and collection goes
//! on. Every request passes the read-only guard; API Gateway calls are paced below the quota.

pub mod accounts;
mod apigateway;
mod apigatewayv2;
mod clients;
mod cloudtrail;
mod convert;
mod errors;
pub mod guard;
mod iam;
mod logs;
mod pacing;
mod progress;
mod wafv2;

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::model::{
    CollectionError, CollectionStats, KeepsUnknown, RegionSnapshot, Snapshot, SCHEMA_VERSION,
    UNKNOWN_VALUE_CODE,
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
    pub quiet: bool,
}

pub const DEFAULT_MAX_RPS: f64 = 9.0;

/// What one region's collection shares: its clients and the errors recorded so far.
pub struct RegionCollector {
    pub region: String,
    pub partition: String,
    clients: Clients,
    errors: Mutex<Vec<CollectionError>>,
    /// API Gateway calls in flight. The pacer's token wait runs inside the SDK's attempt
    /// timeout, so the queue in front of it must stay short: calls wait here instead.
    apigateway_in_flight: tokio::sync::Semaphore,
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
        let _permit = if operation.service.starts_with("apigateway") {
            self.apigateway_in_flight.acquire().await.ok()
        } else {
            None
        };
        match fut.await {
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

    /// A conversion that failed (an answer gwaudit cannot read) is a collection error too.
    fn convert<T>(
        &self,
        operation: &Operation,
        resource: &str,
        result: Result<T, String>,
    ) -> Option<T> {
        result
            .map_err(|e| self.record_failure(operation, Some(resource), "UnknownEnumValue", &e))
            .ok()
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
        usage_plans,
        api_keys,
        client_certificates,
        account_settings,
        trails,
        (portals, portal_products),
    ) = tokio::join!(
        apigateway::rest_apis(&rc),
        apigatewayv2::apis(&rc),
        apigateway::domain_names(&rc),
        apigateway::usage_plans(&rc),
        apigateway::api_keys(&rc),
        apigateway::client_certificates(&rc),
        apigateway::account(&rc),
        cloudtrail::trails(&rc),
        apigatewayv2::portals(&rc),
    );
    let mut domain_names = domains;
    if let Some(d) = domain_names.as_mut() {
        apigatewayv2::api_mappings(&rc, d).await;
        apigatewayv2::routing_rules(&rc, d).await;
    }
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

async fn enabled_regions(
    base: &aws_config::SdkConfig,
    guard: &ReadOnlyGuard,
) -> anyhow::Result<Vec<String>> {
    use aws_sdk_account::types::RegionOptStatus;
    let conf = aws_sdk_account::config::Builder::from(base)
        .interceptor(guard.clone())
        .build();
    let client = aws_sdk_account::Client::from_conf(conf);
    let regions = client
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "--all-regions: cannot list the account's enabled regions (account:ListRegions): {}",
                DisplayErrorContext(&e)
            )
        })?;
    Ok(regions
        .iter()
        .filter_map(|r| r.region_name().map(Into::into))
        .collect())
}

/// What every call of one gwaudit run shares: the HTTP client, the read-only guard with its
/// call log, and the configuration the standard credential chain loaded (the caller's).
pub struct Session {
    http: aws_smithy_runtime_api::client::http::SharedHttpClient,
    log: CallLog,
    guard: ReadOnlyGuard,
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
            base,
        }
    }

    fn sts(&self, config: &aws_config::SdkConfig) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(config)
                .interceptor(self.guard.clone())
                .build(),
        )
    }
}

/// Collects a snapshot of the caller's account. Errors here are fatal (no credentials, no
/// region); everything after identifying the account is recorded in the snapshot instead.
pub async fn collect(opts: &CollectOptions) -> anyhow::Result<Snapshot> {
    let session = Session::open(opts).await;
    let base = session.base.clone();
    collect_account(&session, &base, opts).await
}

/// Collects a snapshot of the account `base`'s credentials reach (the caller's, or a member
/// account's through `accounts::account_access`).
pub async fn collect_account(
    session: &Session,
    base: &aws_config::SdkConfig,
    opts: &CollectOptions,
) -> anyhow::Result<Snapshot> {
    let started = Instant::now();
    let http = session.http.clone();
    let log = session.log.clone();
    let guard = session.guard.clone();
    let accounts::Caller {
        account, partition, ..
    } = accounts::caller_of(session, base).await?;
    let regions = if !opts.regions.is_empty() {
        opts.regions.clone()
    } else if opts.all_regions {
        enabled_regions(base, &guard).await?
    } else {
        vec![base.region().map(|r| r.to_string()).ok_or_else(|| {
            anyhow::anyhow!("no region: pass --region, --all-regions or set AWS_REGION")
        })?]
    };
    let mut seen = BTreeSet::new();
    let regions: Vec<String> = regions
        .into_iter()
        .filter(|r| seen.insert(r.clone()))
        .collect();
    if regions.is_empty() {
        anyhow::bail!("no region to scan: the account lists no enabled region");
    }
    let progress = Progress::new(opts.quiet);
    progress.start(regions.len(), log.clone());
    progress.line(format!(
        "account {account}: collecting {}",
        regions.join(", ")
    ));
    let max_rps = if opts.max_rps > 0.0 {
        opts.max_rps
    } else {
        DEFAULT_MAX_RPS
    };
    let mut tasks = tokio::task::JoinSet::new();
    let mut collectors = Vec::new();
    for region in &regions {
        let rc = Arc::new(RegionCollector {
            region: region.clone(),
            partition: partition.clone(),
            clients: clients::for_region(base, &http, &guard, &account, region, max_rps),
            errors: Mutex::new(Vec::new()),
            apigateway_in_flight: tokio::sync::Semaphore::new(
                (max_rps.ceil() as usize).clamp(2, 10),
            ),
        });
        collectors.push(rc.clone());
        let progress = progress.clone();
        tasks.spawn(async move {
            let t = Instant::now();
            let snap = collect_region(rc).await;
            progress.region_done();
            progress.line(format!(
                "{}: {} REST and {} HTTP/WebSocket APIs in {:.1}s",
                snap.region,
                snap.rest_apis.as_ref().map_or(0, Vec::len),
                snap.v2_apis.as_ref().map_or(0, Vec::len),
                t.elapsed().as_secs_f64()
            ));
            snap
        });
    }
    let mut region_snaps = Vec::new();
    while let Some(done) = tasks.join_next().await {
        region_snaps.push(done.map_err(|e| anyhow::anyhow!("region collection failed: {e}"))?);
    }
    region_snaps.sort_by_key(|r| regions.iter().position(|x| *x == r.region));
    let mut collection_errors: Vec<CollectionError> = collectors
        .iter()
        .flat_map(|rc| rc.errors.lock().map(|e| e.clone()).unwrap_or_default())
        .collect();
    let roles = referenced_roles(&region_snaps);
    let iam_client = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(base)
            .region(aws_config::Region::new(regions[0].clone()))
            .interceptor(guard.clone())
            .build(),
    );
    let iam = iam::roles(&iam_client, &account, &roles, &mut collection_errors).await;
    progress.finish();
    let calls = log.snapshot();
    if !collection_errors.is_empty() {
        progress.line(format!(
            "{} calls failed; affected results will be `unknown`",
            collection_errors.len()
        ));
    }
    let mut snapshot = Snapshot {
        schema_version: SCHEMA_VERSION,
        tool_version: Some(env!("CARGO_PKG_VERSION").into()),
        collected_at: Some(convert::date(&aws_smithy_types::DateTime::from(
            std::time::SystemTime::now(),
        ))),
        partition,
        account_id: account,
        regions: region_snaps,
        iam: Some(iam),
        collection_errors,
        collection_stats: Some(CollectionStats {
            api_calls: calls.operations,
            attempts: calls.attempts,
            duration_ms: started.elapsed().as_millis() as u64,
        }),
    };
    // Before the snapshot leaves the collector: no output, log or file sees the values.
    crate::model::redact_secrets(&mut snapshot);
    Ok(snapshot)
}
