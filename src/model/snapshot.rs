use serde::{Deserialize, Serialize};

use crate::date::Date;

use super::{
    AccountSettings, ApiKey, ClientCertificate, CollectionError, DomainName, IamSnapshot, LogGroup,
    RestApi, Trail, UsagePlan, V2Api, WebAcl,
};

/// The snapshot schema this build writes: a document of several accounts. Bump on any
/// incompatible change; every older version keeps loading.
pub const SCHEMA_VERSION: u32 = 2;
/// The single-account document of gwaudit before organization scans (still read).
pub const SCHEMA_V1: u32 = 1;

/// One account's collected configuration, and what rules evaluate. A schema-1 file is exactly
/// this document; in a schema-2 file each entry of `accounts` is one, sharing the document's
/// version, time and partition.

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
    /// Answers that asked gwaudit to slow down (HTTP 429, throttling errors); each was retried.
    #[serde(default)]
    pub throttled: u64,
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
    #[serde(default, deserialize_with = "super::parallel_parse::optional_vec")]
    pub rest_apis: Option<Vec<RestApi>>,
    #[serde(default)]
    pub v2_apis: Option<Vec<V2Api>>,
    /// The custom domain names this account owns (`GetDomainNames` resourceOwner `SELF`).
    #[serde(default)]
    pub domain_names: Option<Vec<DomainName>>,
    /// Private custom domain names other accounts share with this one (`GetDomainNames`
    /// resourceOwner `OTHER_ACCOUNTS`): their policies are the owner's and not visible here.
    #[serde(default)]
    pub shared_domain_names: Option<Vec<DomainName>>,
    /// Domain name access associations: this account's VPC endpoints with any private domain,
    /// and other accounts' endpoints with this account's private domains
    /// (`GetDomainNameAccessAssociations`, both owners).
    #[serde(default)]
    pub domain_name_access_associations: Option<Vec<super::DomainNameAccessAssociation>>,
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
    /// Developer portals (apigatewayv2 `ListPortals`).
    #[serde(default)]
    pub portals: Option<Vec<super::Portal>>,
    /// Portal products with their REST endpoint pages (`ListPortalProducts`).
    #[serde(default)]
    pub portal_products: Option<Vec<super::PortalProduct>>,
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
        Date::as_of(self.collected_at.as_deref())
    }

    /// True when nothing failed to collect. What no call can read (a role of another account)
    /// is recorded too, but is no failure.
    pub fn is_complete(&self) -> bool {
        self.collection_errors
            .iter()
            .all(|e| e.cause() == super::UnknownCause::NotDeterminable)
    }
}

/// What one collection run saw: the accounts it scanned and the ones it could not enter. The
/// snapshot file of schema 2; a schema-1 file loads as a document of its one account.
#[derive(Debug, Clone)]
pub struct OrgSnapshot {
    pub tool_version: Option<String>,
    pub collected_at: Option<String>,
    pub partition: String,
    /// Scanned accounts (complete or not), each once, in the order collected.
    pub accounts: Vec<Snapshot>,
    /// Selected accounts that were not scanned, with why.
    pub not_scanned: Vec<NotScanned>,
    /// The whole run's calls (each account's own are on the account).
    pub collection_stats: Option<CollectionStats>,
}

/// A selected account that has no snapshot: its role could not be assumed, its task failed,
/// or the organization lists it as suspended or closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotScanned {
    pub account_id: String,
    /// The role that was tried, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// `AccessDenied`, `NoSuchRole`, `SUSPENDED`, `TaskFailed`, ...
    pub code: String,
    pub message: String,
}

/// Organizations' account states that are not ACTIVE: an account the selection leaves out for
/// one of these is listed as not scanned with the state as its code.
pub const INACTIVE_ACCOUNT_STATES: &[&str] = &[
    "SUSPENDED",
    "PENDING_CLOSURE",
    "CLOSED",
    "PENDING_ACTIVATION",
];

impl NotScanned {
    /// True when scanning the account was tried and failed (its role, its task), false when
    /// the organization's account state left it out: a suspended account is no gap a rescan
    /// could close, so it does not make a scan incomplete (or withhold SARIF every run).
    pub fn is_failure(&self) -> bool {
        !INACTIVE_ACCOUNT_STATES.contains(&self.code.as_str())
    }

    /// One line for people: "AccessDenied assuming arn:…: message".
    pub fn reason(&self) -> String {
        match &self.role_arn {
            Some(role) => format!("{} assuming {role}: {}", self.code, self.message),
            None => format!("{}: {}", self.code, self.message),
        }
    }
}

impl From<Snapshot> for OrgSnapshot {
    fn from(s: Snapshot) -> Self {
        OrgSnapshot {
            tool_version: s.tool_version.clone(),
            collected_at: s.collected_at.clone(),
            partition: s.partition.clone(),
            collection_stats: s.collection_stats.clone(),
            accounts: vec![s],
            not_scanned: Vec::new(),
        }
    }
}

impl OrgSnapshot {
    /// Every selected account was scanned (or left out for its state in the organization) and
    /// nothing failed to collect in any of them.
    pub fn is_complete(&self) -> bool {
        !self.not_scanned.iter().any(NotScanned::is_failure)
            && self.accounts.iter().all(Snapshot::is_complete)
    }
}

/// A schema-2 file as written: the run's fields once, each account without them.
#[derive(Serialize)]
struct DocumentOut<'a> {
    schema_version: u32,
    tool_version: &'a Option<String>,
    collected_at: &'a Option<String>,
    partition: &'a str,
    accounts: Vec<AccountOut<'a>>,
    not_scanned: &'a [NotScanned],
    #[serde(skip_serializing_if = "Option::is_none")]
    collection_stats: &'a Option<CollectionStats>,
}

#[derive(Serialize)]
struct AccountOut<'a> {
    account_id: &'a str,
    regions: &'a [RegionSnapshot],
    iam: &'a Option<IamSnapshot>,
    collection_errors: &'a [CollectionError],
    #[serde(skip_serializing_if = "Option::is_none")]
    collection_stats: &'a Option<CollectionStats>,
}

impl Serialize for OrgSnapshot {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        DocumentOut {
            schema_version: SCHEMA_VERSION,
            tool_version: &self.tool_version,
            collected_at: &self.collected_at,
            partition: &self.partition,
            accounts: self
                .accounts
                .iter()
                .map(|a| AccountOut {
                    account_id: &a.account_id,
                    regions: &a.regions,
                    iam: &a.iam,
                    collection_errors: &a.collection_errors,
                    collection_stats: &a.collection_stats,
                })
                .collect(),
            not_scanned: &self.not_scanned,
            collection_stats: &self.collection_stats,
        }
        .serialize(s)
    }
}

/// A schema-2 file as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DocumentIn {
    #[allow(dead_code)] // checked before the document is parsed
    schema_version: u32,
    #[serde(default)]
    tool_version: Option<String>,
    #[serde(default, deserialize_with = "timestamp")]
    collected_at: Option<String>,
    #[serde(default = "default_partition")]
    partition: String,
    #[serde(default)]
    accounts: Vec<AccountIn>,
    #[serde(default)]
    not_scanned: Vec<NotScanned>,
    #[serde(default)]
    collection_stats: Option<CollectionStats>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountIn {
    account_id: String,
    #[serde(default)]
    regions: Vec<RegionSnapshot>,
    #[serde(default)]
    iam: Option<IamSnapshot>,
    #[serde(default)]
    collection_errors: Vec<CollectionError>,
    #[serde(default)]
    collection_stats: Option<CollectionStats>,
}

impl From<DocumentIn> for OrgSnapshot {
    fn from(d: DocumentIn) -> Self {
        let accounts = d
            .accounts
            .into_iter()
            .map(|a| Snapshot {
                schema_version: SCHEMA_VERSION,
                tool_version: d.tool_version.clone(),
                collected_at: d.collected_at.clone(),
                partition: d.partition.clone(),
                account_id: a.account_id,
                regions: a.regions,
                iam: a.iam,
                collection_errors: a.collection_errors,
                collection_stats: a.collection_stats,
            })
            .collect();
        OrgSnapshot {
            tool_version: d.tool_version,
            collected_at: d.collected_at,
            partition: d.partition,
            accounts,
            not_scanned: d.not_scanned,
            collection_stats: d.collection_stats,
        }
    }
}
