use serde::{Deserialize, Serialize};

use crate::date::Date;

use super::{
    AccountSettings, ApiKey, ClientCertificate, CollectionError, DomainName, IamSnapshot, LogGroup,
    RestApi, Trail, UsagePlan, V2Api, WebAcl,
};

/// The snapshot schema this build reads and writes. Bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub schema_version: u32,
    /// Version of the gwaudit that wrote the snapshot (informational).
    #[serde(default)]
    pub tool_version: Option<String>,
    /// RFC 3339 time of collection: the day ages and expiries are measured at. One that does
    /// not parse is a load error, not a silent "today".
    #[serde(default, deserialize_with = "timestamp")]
    pub collected_at: Option<String>,
    #[serde(default = "default_partition")]
    pub partition: String,
    pub account_id: String,
    #[serde(default)]
    pub regions: Vec<RegionSnapshot>,
    /// Global services (IAM). `None`: not collected.
    #[serde(default)]
    pub iam: Option<IamSnapshot>,
    #[serde(default)]
    pub collection_errors: Vec<CollectionError>,
    /// How the collection went (calls per operation, attempts, wall time); absent offline.
    #[serde(default)]
    pub collection_stats: Option<CollectionStats>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionStats {
    /// Calls by `service:Operation` (each counted once, however many attempts it took).
    pub api_calls: std::collections::BTreeMap<String, u64>,
    /// HTTP attempts, retries included.
    pub attempts: u64,
    pub duration_ms: u64,
}

fn default_partition() -> String {
    "aws".to_string()
}

/// Everything collected in one region. Each `None` list was not collected.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSnapshot {
    pub region: String,
    #[serde(default)]
    pub account_settings: Option<AccountSettings>,
    #[serde(default)]
    pub rest_apis: Option<Vec<RestApi>>,
    #[serde(default)]
    pub v2_apis: Option<Vec<V2Api>>,
    #[serde(default)]
    pub domain_names: Option<Vec<DomainName>>,
    #[serde(default)]
    pub usage_plans: Option<Vec<UsagePlan>>,
    #[serde(default)]
    pub api_keys: Option<Vec<ApiKey>>,
    #[serde(default)]
    pub client_certificates: Option<Vec<ClientCertificate>>,
    /// The web ACLs referenced by stages, each collected once. A referenced ACL that is missing
    /// here has a collection error naming its ARN.
    #[serde(default)]
    pub web_acls: Option<Vec<WebAcl>>,
    /// Log groups API Gateway writes to (execution-log prefix and access-log destinations).
    #[serde(default)]
    pub log_groups: Option<Vec<LogGroup>>,
    #[serde(default)]
    pub trails: Option<Vec<Trail>>,
}

fn timestamp<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(d)?;
    match &value {
        Some(s) if Date::from_timestamp(s).is_none() => Err(serde::de::Error::custom(format!(
            "`{s}` is not an RFC 3339 timestamp such as 2026-11-20T06:00:00Z"
        ))),
        _ => Ok(value),
    }
}

impl Snapshot {
    /// The day ages and expiries (API keys, certificates, mutes) are measured at: when the
    /// snapshot was collected, so a scan of a stored snapshot is reproducible, or today when
    /// the snapshot does not say.
    pub fn as_of(&self) -> Date {
        self.collected_at
            .as_deref()
            .and_then(Date::from_timestamp)
            .unwrap_or_else(Date::today)
    }

    /// True when nothing failed to collect. What no call can read (a role of another account)
    /// is recorded too, but is no failure.
    pub fn is_complete(&self) -> bool {
        self.collection_errors
            .iter()
            .all(|e| e.cause() == super::UnknownCause::NotDeterminable)
    }
}
