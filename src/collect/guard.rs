//! The one place every SDK request passes: refuses anything that is not a listed read, and
//! counts what was sent (for tests and the benchmark).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::operations;

/// Calls sent, by `service:Operation`; attempts include retries.
#[derive(Debug, Clone, Default)]
pub struct CallLog {
    inner: Arc<Mutex<CallCounts>>,
}

#[derive(Debug, Clone, Default)]
pub struct CallCounts {
    pub operations: BTreeMap<String, u64>,
    pub attempts: u64,
}

impl CallLog {
    pub fn snapshot(&self) -> CallCounts {
        self.inner.lock().map(|c| c.clone()).unwrap_or_default()
    }
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
        if let Ok(mut c) = self.log.inner.lock() {
            *c.operations
                .entry(format!("{service}:{}", m.name()))
                .or_default() += 1;
        }
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Ok(mut c) = self.log.inner.lock() {
            c.attempts += 1;
        }
        Ok(())
    }
}
