//! CloudWatch Logs: the execution-log groups (by prefix) and the access-log destinations
//! (by name) of API Gateway stages.

use std::sync::Arc;

use super::RegionCollector;
use crate::model::{LogGroup, EXECUTION_LOG_PREFIX};
use crate::operations as op;

/// `names`: log group names taken from access log destination ARNs.
pub async fn log_groups(rc: &Arc<RegionCollector>, names: &[String]) -> Option<Vec<LogGroup>> {
    let mut prefixes: Vec<&str> = vec![EXECUTION_LOG_PREFIX];
    prefixes.extend(names.iter().map(String::as_str));
    let mut out: Vec<LogGroup> = Vec::new();
    let mut complete = true;
    for prefix in prefixes {
        let got = rc
            .call(
                &op::DESCRIBE_LOG_GROUPS,
                Some(prefix),
                rc.clients
                    .logs
                    .describe_log_groups()
                    .log_group_name_prefix(prefix)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .await;
        let Some(groups) = got else {
            complete = false;
            continue;
        };
        for g in groups {
            let name = g.log_group_name().unwrap_or_default();
            let wanted = prefix == EXECUTION_LOG_PREFIX || name == prefix;
            if wanted && !out.iter().any(|o| o.name == name) {
                out.push(LogGroup {
                    name: name.into(),
                    arn: g.arn().map(Into::into),
                    retention_in_days: g.retention_in_days().map(i64::from),
                    kms_key_id: g.kms_key_id().map(Into::into),
                });
            }
        }
    }
    // A partial list would make present groups look missing: all or nothing.
    complete.then_some(out)
}
