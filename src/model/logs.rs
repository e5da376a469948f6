use serde::{Deserialize, Serialize};

/// API Gateway names execution log groups `API-Gateway-Execution-Logs_{apiId}/{stage}` for
/// REST and WebSocket APIs alike; the collector lists this prefix and GW506/GW507 look for it.
pub const EXECUTION_LOG_PREFIX: &str = "API-Gateway-Execution-Logs_";

pub fn execution_log_group(api_id: &str, stage: &str) -> String {
    format!("{EXECUTION_LOG_PREFIX}{api_id}/{stage}")
}

/// A CloudWatch Logs log group API Gateway writes to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogGroup {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub retention_in_days: Option<i64>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
}
