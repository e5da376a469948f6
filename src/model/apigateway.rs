//! API Gateway (v1): REST APIs and the regional resources shared with v2 (domains, usage plans,
//! API keys, client certificates, account settings).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

super::keeps_unknown!(
    EndpointType,
    EndpointAccessMode,
    ApiKeySource,
    ResponseTransferMode,
    IpAddressType,
    AuthorizationType,
    IntegrationType,
    ConnectionType,
    LoggingLevel,
    RestAuthorizerType,
);

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EndpointType {
    Edge,
    Regional,
    Private,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

/// Authorization types of REST methods and v2 routes (one enum: the values overlap).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthorizationType {
    None,
    AwsIam,
    Custom,
    CognitoUserPools,
    Jwt,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

impl AuthorizationType {
    /// The AWS spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::None => "NONE",
            Self::AwsIam => "AWS_IAM",
            Self::Custom => "CUSTOM",
            Self::CognitoUserPools => "COGNITO_USER_POOLS",
            Self::Jwt => "JWT",
            Self::Unknown(raw) => raw.as_str(),
        }
    }

    /// Whether a method or route of this type, requiring an API key or not, is callable
    /// without any credential. `Err` with the type when this version does not know it and no
    /// key is required (with a key nothing is open, whatever the type).
    pub fn open(&self, api_key_required: bool) -> Result<bool, &super::RawValue> {
        match self {
            _ if api_key_required => Ok(false),
            Self::None => Ok(true),
            Self::Unknown(raw) => Err(raw),
            _ => Ok(false),
        }
    }

    /// What rules say of a method or route whose authorization type this version does not
    /// know; `None` for a known type.
    pub fn unknown_reason(&self) -> Option<String> {
        super::KeepsUnknown::reason_if_unknown(self, "authorization type", "authorizationType")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IntegrationType {
    Http,
    HttpProxy,
    Aws,
    AwsProxy,
    Mock,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

impl IntegrationType {
    /// Whether the integration calls an HTTP backend by URL; `Err` with the type when this
    /// version does not know it.
    pub fn is_http(&self) -> Result<bool, &super::RawValue> {
        match self {
            Self::Http | Self::HttpProxy => Ok(true),
            Self::Unknown(raw) => Err(raw),
            _ => Ok(false),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionType {
    Internet,
    VpcLink,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LoggingLevel {
    Off,
    Error,
    Info,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

impl LoggingLevel {
    /// Whether the level writes execution logs; `Err` with the level when this version does
    /// not know it.
    pub fn logs(&self) -> Result<bool, &super::RawValue> {
        match self {
            Self::Off => Ok(false),
            Self::Error | Self::Info => Ok(true),
            Self::Unknown(raw) => Err(raw),
        }
    }
}

/// The AWS spelling.
impl std::fmt::Display for LoggingLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Off => "OFF",
            Self::Error => "ERROR",
            Self::Info => "INFO",
            Self::Unknown(raw) => raw.as_str(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EndpointAccessMode {
    Strict,
    Basic,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiKeySource {
    Header,
    Authorizer,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RestAuthorizerType {
    Token,
    Request,
    CognitoUserPools,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestApi {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub created_date: Option<String>,
    /// `endpointConfiguration.types`.
    #[serde(default)]
    pub endpoint_types: Vec<EndpointType>,
    #[serde(default)]
    pub vpc_endpoint_ids: Vec<String>,
    /// `endpointConfiguration.ipAddressType`.
    #[serde(default)]
    pub ip_address_type: Option<IpAddressType>,
    #[serde(default)]
    pub disable_execute_api_endpoint: bool,
    /// TLS security policy of the default endpoint; absent means the AWS default.
    #[serde(default)]
    pub security_policy: Option<String>,
    #[serde(default)]
    pub endpoint_access_mode: Option<EndpointAccessMode>,
    #[serde(default)]
    pub api_key_source: Option<ApiKeySource>,
    /// The resource policy exactly as AWS returned it (often with escaped quotes).
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub tags: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "super::exact::optional_vec")]
    pub resources: Option<Vec<Resource>>,
    #[serde(default, deserialize_with = "super::exact::optional_vec")]
    pub stages: Option<Vec<Stage>>,
    #[serde(default)]
    pub authorizers: Option<Vec<RestAuthorizer>>,
    /// Collected only when a method references a validator.
    #[serde(default)]
    pub request_validators: Option<Vec<RequestValidator>>,
}

impl RestApi {
    pub fn is_private(&self) -> bool {
        self.endpoint_types.contains(&EndpointType::Private)
    }

    /// An endpoint type this version does not know: whether the API is private, and what
    /// its endpoint defaults to, cannot be told.
    pub fn unknown_endpoint_type(&self) -> Option<&super::RawValue> {
        unknown_endpoint_type(&self.endpoint_types)
    }

    /// Whether any non-preflight method is callable without credentials; `None` when the
    /// resources were not collected, or when no method is known to be open but one has an
    /// authorization type this version does not know (it may be open).
    pub fn has_open_methods(&self) -> Option<bool> {
        self.resources.as_ref()?;
        let mut undecided = false;
        for (_, m) in self.methods().filter(|(_, m)| !m.is_cors_preflight()) {
            match m.open() {
                Ok(true) => return Some(true),
                Ok(false) => {}
                Err(_) => undecided = true,
            }
        }
        (!undecided).then_some(false)
    }

    /// Every method of every resource, with its resource.
    pub fn methods(&self) -> impl Iterator<Item = (&Resource, &Method)> {
        self.resources
            .iter()
            .flatten()
            .flat_map(|r| r.methods.iter().map(move |m| (r, m)))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub id: String,
    /// Full path, `/` for the root resource.
    pub path: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default, deserialize_with = "super::exact::vec")]
    pub methods: Vec<Method>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    pub http_method: String,
    pub authorization_type: AuthorizationType,
    #[serde(default)]
    pub authorizer_id: Option<String>,
    #[serde(default)]
    pub api_key_required: bool,
    #[serde(default)]
    pub request_validator_id: Option<String>,
    #[serde(default)]
    pub authorization_scopes: Vec<String>,
    #[serde(default)]
    pub operation_name: Option<String>,
    #[serde(default)]
    pub integration: Option<Integration>,
}

impl Method {
    /// CORS preflight: exempt from authentication rules. AWS spells the method `OPTIONS`;
    /// there is no `OPTION` method, so nothing else is exempt.
    pub fn is_cors_preflight(&self) -> bool {
        self.http_method == "OPTIONS"
    }

    /// Callable without any credential: no authorizer, no IAM, and no API key. `Err` with the
    /// authorization type when it is one this version does not know and no API key is
    /// required (with a key the method is not open, whatever the type).
    pub fn open(&self) -> Result<bool, &super::RawValue> {
        self.authorization_type.open(self.api_key_required)
    }

    /// Methods that change state (`ANY` includes them).
    pub fn is_write(&self) -> bool {
        matches!(
            self.http_method.as_str(),
            "POST" | "PUT" | "PATCH" | "DELETE" | "ANY"
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    #[serde(rename = "type")]
    pub integration_type: IntegrationType,
    #[serde(default)]
    pub uri: Option<String>,
    #[serde(default)]
    pub http_method: Option<String>,
    #[serde(default)]
    pub connection_type: Option<ConnectionType>,
    #[serde(default)]
    pub connection_id: Option<String>,
    /// IAM role the integration assumes.
    #[serde(default)]
    pub credentials: Option<String>,
    #[serde(default)]
    pub tls_config: Option<RestTlsConfig>,
    #[serde(default)]
    pub timeout_in_millis: Option<i64>,
    /// `STREAM`: the response is streamed to the client as it arrives, and the connection may
    /// stay open up to 15 minutes (Nov 2025). Absent: `BUFFERED`.
    #[serde(default)]
    pub response_transfer_mode: Option<ResponseTransferMode>,
}

/// Which IP versions an endpoint accepts (`ipAddressType`, March 2025). Absent: `ipv4`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IpAddressType {
    Ipv4,
    /// IPv4 and IPv6 clients.
    Dualstack,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResponseTransferMode {
    Buffered,
    Stream,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestTlsConfig {
    #[serde(default)]
    pub insecure_skip_verification: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub stage_name: String,
    #[serde(default)]
    pub deployment_id: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub created_date: Option<String>,
    #[serde(default)]
    pub last_updated_date: Option<String>,
    #[serde(default)]
    pub client_certificate_id: Option<String>,
    #[serde(default)]
    pub cache_cluster_enabled: bool,
    #[serde(default)]
    pub cache_cluster_size: Option<String>,
    /// Keys are `*/*` or `{resource path with / as ~1}/{HTTP method}`.
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub method_settings: BTreeMap<String, Box<MethodSetting>>,
    /// Stage variables. Secret-looking values are redacted before a snapshot is written.
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub variables: BTreeMap<String, String>,
    #[serde(default)]
    pub access_log_settings: Option<AccessLogSettings>,
    #[serde(default)]
    pub canary_settings: Option<CanarySettings>,
    #[serde(default)]
    pub tracing_enabled: bool,
    #[serde(default)]
    pub web_acl_arn: Option<String>,
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub tags: BTreeMap<String, String>,
    /// `method_settings` keys parsed once for lookups ([`Stage::method_override`]); not part
    /// of the snapshot.
    #[serde(skip)]
    pub method_settings_index: super::OverrideIndexCell,
}

impl Stage {
    /// The client certificate the stage presents to backends.
    pub fn client_certificate(&self) -> Option<&str> {
        presented_certificate(self.client_certificate_id.as_deref())
    }
}

/// The client certificate a REST or v2 stage presents to backends; an empty or blank id (what
/// a cleared field can come back as) names none.
pub(super) fn presented_certificate(client_certificate_id: Option<&str>) -> Option<&str> {
    client_certificate_id.filter(|id| !id.trim().is_empty())
}

/// One `methodSettings` entry; `None` fields fall through to the next level (see
/// `analysis::effective`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodSetting {
    #[serde(default)]
    pub metrics_enabled: Option<bool>,
    #[serde(default)]
    pub logging_level: Option<LoggingLevel>,
    #[serde(default)]
    pub data_trace_enabled: Option<bool>,
    #[serde(default)]
    pub throttling_burst_limit: Option<i64>,
    #[serde(default)]
    pub throttling_rate_limit: Option<f64>,
    #[serde(default)]
    pub caching_enabled: Option<bool>,
    #[serde(default)]
    pub cache_ttl_in_seconds: Option<i64>,
    #[serde(default)]
    pub cache_data_encrypted: Option<bool>,
    #[serde(default)]
    pub require_authorization_for_cache_control: Option<bool>,
    #[serde(default)]
    pub unauthorized_cache_control_header_strategy: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessLogSettings {
    #[serde(default)]
    pub destination_arn: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanarySettings {
    #[serde(default)]
    pub deployment_id: Option<String>,
    #[serde(default)]
    pub percent_traffic: Option<f64>,
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub stage_variable_overrides: BTreeMap<String, String>,
    #[serde(default)]
    pub use_stage_cache: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestAuthorizer {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub authorizer_type: RestAuthorizerType,
    #[serde(default)]
    pub authorizer_uri: Option<String>,
    #[serde(default)]
    pub authorizer_credentials: Option<String>,
    #[serde(default)]
    pub identity_source: Option<String>,
    #[serde(default)]
    pub identity_validation_expression: Option<String>,
    #[serde(default)]
    pub authorizer_result_ttl_in_seconds: Option<i64>,
    #[serde(default)]
    pub provider_arns: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestValidator {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub validate_request_body: bool,
    #[serde(default)]
    pub validate_request_parameters: bool,
}

/// A custom domain name, as seen by both API versions: base path mappings (v1) and API
/// mappings (v2) point at REST and HTTP/WebSocket APIs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainName {
    pub domain_name: String,
    /// Set for private custom domains, which are addressed by name and id.
    #[serde(default)]
    pub domain_name_id: Option<String>,
    #[serde(default)]
    pub domain_name_arn: Option<String>,
    /// Private custom domains: the execute-api resource policy deciding who may invoke
    /// through the domain (JSON, possibly escaped, as AWS returns it).
    #[serde(default)]
    pub policy: Option<String>,
    /// Private custom domains: the resource policy deciding which accounts may associate
    /// their VPC endpoints with the domain (`apigateway:CreateAccessAssociation`).
    #[serde(default)]
    pub management_policy: Option<String>,
    /// Which `GetDomainNames` listing found it: this account's own domains (`SELF`) or the
    /// private domains other accounts share with it (`OTHER_ACCOUNTS`); `None` in snapshots
    /// older than the distinction.
    #[serde(default)]
    pub resource_owner: Option<super::ResourceOwner>,
    #[serde(default)]
    pub endpoint_types: Vec<EndpointType>,
    /// `endpointConfiguration.ipAddressType`.
    #[serde(default)]
    pub ip_address_type: Option<IpAddressType>,
    #[serde(default)]
    pub security_policy: Option<String>,
    #[serde(default)]
    pub endpoint_access_mode: Option<EndpointAccessMode>,
    #[serde(default)]
    pub certificate_arn: Option<String>,
    #[serde(default)]
    pub regional_certificate_arn: Option<String>,
    #[serde(default)]
    pub domain_name_status: Option<String>,
    #[serde(default)]
    pub mutual_tls: Option<MutualTls>,
    #[serde(default)]
    pub base_path_mappings: Option<Vec<BasePathMapping>>,
    #[serde(default)]
    pub api_mappings: Option<Vec<ApiMapping>>,
    /// `None`: base path mappings only (AWS's default, and what a domain older than routing
    /// rules reports).
    #[serde(default)]
    pub routing_mode: Option<super::RoutingMode>,
    /// The domain's routing rules (apigatewayv2 `ListRoutingRules`), asked for only when the
    /// routing mode uses them; `None` then means not collected.
    #[serde(default)]
    pub routing_rules: Option<Vec<super::RoutingRule>>,
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub tags: BTreeMap<String, String>,
}

impl DomainName {
    /// An endpoint type this version does not know.
    pub fn unknown_endpoint_type(&self) -> Option<&super::RawValue> {
        unknown_endpoint_type(&self.endpoint_types)
    }
}

fn unknown_endpoint_type(types: &[EndpointType]) -> Option<&super::RawValue> {
    use super::KeepsUnknown;
    types.iter().find_map(EndpointType::unknown)
}

/// What rules say of a resource with an endpoint type this version does not know.
pub fn unknown_endpoint_type_reason(raw: &super::RawValue) -> String {
    super::unknown_value_reason("endpoint type", "endpointConfiguration.types", raw)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MutualTls {
    #[serde(default)]
    pub truststore_uri: Option<String>,
    #[serde(default)]
    pub truststore_version: Option<String>,
    #[serde(default)]
    pub truststore_warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasePathMapping {
    /// `(none)` in AWS for the root mapping.
    #[serde(default)]
    pub base_path: Option<String>,
    pub rest_api_id: String,
    #[serde(default)]
    pub stage: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiMapping {
    #[serde(default)]
    pub api_mapping_key: Option<String>,
    pub api_id: String,
    pub stage: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThrottleSettings {
    #[serde(default)]
    pub burst_limit: Option<i64>,
    #[serde(default)]
    pub rate_limit: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaSettings {
    pub limit: i64,
    pub period: String,
    #[serde(default)]
    pub offset: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsagePlan {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub throttle: Option<ThrottleSettings>,
    #[serde(default)]
    pub quota: Option<QuotaSettings>,
    #[serde(default)]
    pub api_stages: Vec<UsagePlanApiStage>,
    /// Ids of the API keys in the plan (`GetUsagePlanKeys`); `None`: not collected.
    #[serde(default)]
    pub key_ids: Option<Vec<String>>,
}

impl UsagePlan {
    /// The plan's entry for one REST API stage, if the plan covers it.
    pub fn api_stage(&self, api_id: &str, stage: &str) -> Option<&UsagePlanApiStage> {
        self.api_stages
            .iter()
            .find(|s| s.api_id == api_id && s.stage == stage)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsagePlanApiStage {
    pub api_id: String,
    pub stage: String,
    /// Per-method throttles, keyed `{resource path}/{HTTP method}`.
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub throttle: BTreeMap<String, ThrottleSettings>,
}

/// An API key's metadata. The key value is never collected (`includeValues=false`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub created_date: Option<String>,
    #[serde(default)]
    pub last_updated_date: Option<String>,
    #[serde(default)]
    pub stage_keys: Vec<String>,
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCertificate {
    pub client_certificate_id: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub created_date: Option<String>,
    #[serde(default)]
    pub expiration_date: Option<String>,
}

/// `GetAccount`: per account and region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSettings {
    #[serde(default)]
    pub cloudwatch_role_arn: Option<String>,
    #[serde(default)]
    pub throttle_settings: Option<ThrottleSettings>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spelling printed in messages and evidence is the one snapshots store.
    #[test]
    fn printed_spellings_are_the_serialized_ones() {
        use AuthorizationType::*;
        let unknown = Unknown(crate::model::RawValue::from_aws("AWS_QUANTUM"));
        for t in [None, AwsIam, Custom, CognitoUserPools, Jwt, unknown] {
            assert_eq!(serde_json::to_value(&t).unwrap(), t.as_str());
            let back: AuthorizationType = serde_json::from_value(t.as_str().into()).unwrap();
            assert_eq!(back, t);
        }
        let unknown = LoggingLevel::Unknown(crate::model::RawValue::from_aws("DEBUG"));
        for l in [
            LoggingLevel::Off,
            LoggingLevel::Error,
            LoggingLevel::Info,
            unknown,
        ] {
            assert_eq!(serde_json::to_value(&l).unwrap(), l.to_string());
            let back: LoggingLevel = serde_json::from_value(l.to_string().into()).unwrap();
            assert_eq!(back, l);
        }
    }
}
