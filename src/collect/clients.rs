//! Building the SDK clients: one shared credential chain, and per region clients that pass
//! through the read-only guard, the pacer (API Gateway) and a generous retry policy with a retry
//! partition per account and region.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_apigateway::config::retry::{RetryPartition, TokenBucket};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

use super::guard::ReadOnlyGuard;
use super::pacing::{PacedHttpClient, Pacer};

/// Attempts per call: throttling (rare, the pacer stays under the quota) or a 5xx that outlasts
/// these becomes a recorded collection error.
const MAX_ATTEMPTS: u32 = 7;

pub struct Clients {
    pub apigateway: aws_sdk_apigateway::Client,
    pub apigatewayv2: aws_sdk_apigatewayv2::Client,
    pub wafv2: aws_sdk_wafv2::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
}

pub fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

pub async fn load_config(
    profile: Option<&str>,
    region: Option<&str>,
    endpoint_url: Option<&str>,
    http: SharedHttpClient,
) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(retry_config())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(30))
                .operation_timeout(Duration::from_secs(300))
                .build(),
        );
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = region {
        loader = loader.region(Region::new(r.to_string()));
    }
    if let Some(e) = endpoint_url {
        loader = loader.endpoint_url(e);
    }
    loader.load().await
}

fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(Duration::from_millis(250))
        .with_max_backoff(Duration::from_secs(5))
}

/// A retry partition of its own per account, region and service, with no retry quota: the
/// pacer keeps the request rate under the service quota, so retries are bounded by attempts.
fn partition(service: &str, account: &str, region: &str) -> RetryPartition {
    RetryPartition::custom(format!("gwaudit-{service}-{account}-{region}"))
        .token_bucket(TokenBucket::unlimited())
        .build()
}

pub fn for_region(
    base: &SdkConfig,
    http: &SharedHttpClient,
    guard: &ReadOnlyGuard,
    account: &str,
    region: &str,
    max_rps: f64,
) -> Clients {
    let region_ = Region::new(region.to_string());
    let paced = SharedHttpClient::new(PacedHttpClient {
        inner: http.clone(),
        pacer: Arc::new(Pacer::new(max_rps)),
    });
    // API Gateway v1 and v2 share one control-plane quota: one pacer for both.
    let apigateway = aws_sdk_apigateway::config::Builder::from(base)
        .region(region_.clone())
        .http_client(paced.clone())
        .interceptor(guard.clone())
        .retry_partition(partition("apigateway", account, region))
        .build();
    let apigatewayv2 = aws_sdk_apigatewayv2::config::Builder::from(base)
        .region(region_.clone())
        .http_client(paced)
        .interceptor(guard.clone())
        .retry_partition(partition("apigateway", account, region))
        .build();
    let wafv2 = aws_sdk_wafv2::config::Builder::from(base)
        .region(region_.clone())
        .interceptor(guard.clone())
        .retry_partition(partition("wafv2", account, region))
        .build();
    let logs = aws_sdk_cloudwatchlogs::config::Builder::from(base)
        .region(region_.clone())
        .interceptor(guard.clone())
        .retry_partition(partition("logs", account, region))
        .build();
    let cloudtrail = aws_sdk_cloudtrail::config::Builder::from(base)
        .region(region_)
        .interceptor(guard.clone())
        .retry_partition(partition("cloudtrail", account, region))
        .build();
    Clients {
        apigateway: aws_sdk_apigateway::Client::from_conf(apigateway),
        apigatewayv2: aws_sdk_apigatewayv2::Client::from_conf(apigatewayv2),
        wafv2: aws_sdk_wafv2::Client::from_conf(wafv2),
        logs: aws_sdk_cloudwatchlogs::Client::from_conf(logs),
        cloudtrail: aws_sdk_cloudtrail::Client::from_conf(cloudtrail),
    }
}
