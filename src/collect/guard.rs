//! The one place every SDK request passes: refuses anything that is not a listed read, and
//! counts what was sent (for tests, the progress line and the benchmark).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextRef,
    BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, Metadata};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::operations;

/// Calls sent, by `service:Operation`; attempts include retries. A log made with
/// [`CallLog::child`] (one account's) counts into its parent too (the whole run's).
#[derive(Debug, Clone, Default)]
pub struct CallLog {
    inner: Arc<Mutex<CallCounts>>,
    parent: Option<Arc<Mutex<CallCounts>>>,
}

#[derive(Debug, Clone, Default)]
pub struct CallCounts {
    pub operations: BTreeMap<String, u64>,
    pub attempts: u64,
    /// Answers that said "slow down" (HTTP 429, or a throttling error type): each was retried
    /// after a backoff, or became a recorded error when the attempts ran out.
    pub throttled: u64,
}

impl CallLog {
    pub fn snapshot(&self) -> CallCounts {
        self.inner.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// A log of its own (one account's) whose counts also reach this one. One level deep: the
    /// child's children count into the child only.
    pub fn child(&self) -> CallLog {
        CallLog {
            inner: Arc::default(),
            parent: Some(self.inner.clone()),
        }
    }

    fn update(&self, f: impl Fn(&mut CallCounts)) {
        for counts in std::iter::once(&self.inner).chain(&self.parent) {
            if let Ok(mut c) = counts.lock() {
                f(&mut c);
            }
        }
    }

    pub fn operation(&self, name: &str) {
        self.update(|c| *c.operations.entry(name.to_string()).or_default() += 1);
    }

    pub fn attempt(&self) {
        self.update(|c| c.attempts += 1);
    }

    pub fn throttle(&self) {
        self.update(|c| c.throttled += 1);
    }
}

/// Whether an answer asks the caller to slow down: API Gateway's 429, or the error type other
/// services send with a 400 (`ThrottlingException`, `Throttling`, `TooManyRequestsException`)
/// when they say so in `x-amzn-errortype` (the query protocol's IAM and STS say it only in the
/// body, which is not read here).
pub fn is_throttle(status: u16, error_type: Option<&str>) -> bool {
    status == 429
        || error_type.is_some_and(|t| t.starts_with("Throttl") || t.starts_with("TooManyRequests"))
}

#[derive(Debug, Clone)]
pub struct ReadOnlyGuard {
    pub log: CallLog,
}

fn metadata(cfg: &ConfigBag) -> Result<&Metadata, BoxError> {
    cfg.load::<Metadata>()
        .ok_or_else(|| "request without operation metadata refused".into())
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "gwaudit read-only guard"
    }

    // Runs once per call after the operation's configuration is applied (the earlier
    // `read_before_execution` does not see the operation yet) and before anything is sent.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let m = metadata(cfg)?;
        let service = operations::service_id(m.service());
        if !operations::is_allowed(service, m.name()) {
            return Err(format!(
                "gwaudit only reads: {}:{} is not an allowed read operation",
                m.service(),
                m.name()
            )
            .into());
        }
        self.log.operation(&format!("{service}:{}", m.name()));
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.log.attempt();
        Ok(())
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        if is_throttle(
            response.status().as_u16(),
            response.headers().get("x-amzn-errortype"),
        ) {
            self.log.throttle();
        }
        Ok(())
    }
}

/// Counts the attempts and throttled answers of the one client the guard cannot see: the STS
/// client the SDK's AssumeRole credentials provider builds for itself from a configuration
/// (interceptors cannot be handed to it; the guard would refuse AssumeRole anyway, which is
/// no read). Wrapping its HTTP client is the one way in.
#[derive(Debug, Clone)]
pub struct CountedHttpClient {
    pub inner: SharedHttpClient,
    pub log: CallLog,
}

impl HttpClient for CountedHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CountedConnector {
            inner: self.inner.http_connector(settings, components),
            log: self.log.clone(),
        })
    }
}

#[derive(Debug)]
struct CountedConnector {
    inner: SharedHttpConnector,
    log: CallLog,
}

impl HttpConnector for CountedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        self.log.attempt();
        let inner = self.inner.clone();
        let log = self.log.clone();
        HttpConnectorFuture::new(async move {
            let response = inner.call(request).await;
            if let Ok(r) = &response {
                if is_throttle(r.status().as_u16(), r.headers().get("x-amzn-errortype")) {
                    log.throttle();
                }
            }
            response
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_childs_counts_reach_its_parent_and_not_its_siblings() {
        let run = CallLog::default();
        let (a, b) = (run.child(), run.child());
        a.operation("sts:AssumeRole");
        a.attempt();
        a.attempt();
        b.operation("apigateway:GetRestApis");
        b.throttle();
        let (a, b, run) = (a.snapshot(), b.snapshot(), run.snapshot());
        assert_eq!(a.operations.len(), 1);
        assert_eq!((a.attempts, a.throttled), (2, 0));
        assert_eq!((b.attempts, b.throttled), (0, 1));
        assert_eq!(run.operations.values().sum::<u64>(), 2);
        assert_eq!((run.attempts, run.throttled), (2, 1));
    }

    #[test]
    fn throttling_is_a_429_or_a_throttling_error_type() {
        assert!(is_throttle(429, None));
        assert!(is_throttle(400, Some("ThrottlingException")));
        assert!(is_throttle(
            400,
            Some("Throttling:http://internal.amazon.com/")
        ));
        assert!(is_throttle(400, Some("TooManyRequestsException")));
        assert!(!is_throttle(400, Some("ValidationException")));
        assert!(!is_throttle(503, None));
    }
}
