//! API Gateway v2: HTTP and WebSocket APIs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AuthorizationType, ConnectionType, IntegrationType, LoggingLevel};

super::keeps_unknown!(V2AuthorizerType, ProtocolType);

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProtocolType {
    Http,
    Websocket,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum V2AuthorizerType {
    Request,
    Jwt,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct V2Api {
    pub api_id: String,
    pub name: String,
    pub protocol_type: ProtocolType,
    #[serde(default)]
    pub api_endpoint: Option<String>,
    #[serde(default)]
    pub disable_execute_api_endpoint: bool,
    #[serde(default)]
    pub ip_address_type: Option<super::IpAddressType>,
    #[serde(default)]
    pub cors_configuration: Option<CorsConfiguration>,
    #[serde(default)]
    pub route_selection_expression: Option<String>,
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub routes: Option<Vec<Route>>,
    #[serde(default)]
    pub stages: Option<Vec<V2Stage>>,
    #[serde(default)]
    pub authorizers: Option<Vec<V2Authorizer>>,
    #[serde(default)]
    pub integrations: Option<Vec<V2Integration>>,
}

impl V2Api {
    /// What rules say of an API whose protocol type this version does not know (which of
    /// the HTTP or WebSocket rules apply to it cannot be told); `None` for a known one.
    pub fn unknown_protocol_reason(&self) -> Option<String> {
        let raw = super::KeepsUnknown::unknown(&self.protocol_type)?;
        Some(format!(
            "API {} ({}): {}",
            self.name,
            self.api_id,
            super::unknown_value_reason("protocol type", "protocolType", raw)
        ))
    }

    /// An HTTP API with a CORS configuration answers preflights itself, so its `OPTIONS`
    /// routes are exempt from authentication rules (the v2 twin of
    /// [`super::Method::is_cors_preflight`]).
    pub fn is_cors_preflight(&self, route: &Route) -> bool {
        self.protocol_type == ProtocolType::Http
            && self.cors_configuration.is_some()
            && route.route_key.starts_with("OPTIONS ")
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorsConfiguration {
    #[serde(default)]
    pub allow_origins: Vec<String>,
    #[serde(default)]
    pub allow_methods: Vec<String>,
    #[serde(default)]
    pub allow_headers: Vec<String>,
    #[serde(default)]
    pub expose_headers: Vec<String>,
    #[serde(default)]
    pub allow_credentials: Option<bool>,
    #[serde(default)]
    pub max_age: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub route_id: String,
    /// `GET /pets`, `$default`, or for WebSocket `$connect`, `$disconnect`, custom keys.
    pub route_key: String,
    pub authorization_type: AuthorizationType,
    #[serde(default)]
    pub authorizer_id: Option<String>,
    #[serde(default)]
    pub api_key_required: bool,
    #[serde(default)]
    pub authorization_scopes: Vec<String>,
    /// `integrations/{id}`.
    #[serde(default)]
    pub target: Option<String>,
}

impl Route {
    /// Callable without any credential: no authorizer, no IAM, and no API key (WebSocket
    /// routes can require one). `Err` with the authorization type when it is one this version
    /// does not know and no API key is required.
    pub fn open(&self) -> Result<bool, &super::RawValue> {
        self.authorization_type.open(self.api_key_required)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct V2Stage {
    pub stage_name: String,
    #[serde(default)]
    pub auto_deploy: bool,
    #[serde(default)]
    pub deployment_id: Option<String>,
    #[serde(default)]
    pub access_log_settings: Option<super::AccessLogSettings>,
    #[serde(default)]
    pub default_route_settings: Option<RouteSettings>,
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub route_settings: BTreeMap<String, RouteSettings>,
    /// Secret-looking values are redacted before a snapshot is written.
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub stage_variables: BTreeMap<String, String>,
    #[serde(default)]
    pub client_certificate_id: Option<String>,
    #[serde(default)]
    pub last_updated_date: Option<String>,
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub tags: BTreeMap<String, String>,
}

impl V2Stage {
    /// The client certificate the stage presents to backends.
    pub fn client_certificate(&self) -> Option<&str> {
        super::apigateway::presented_certificate(self.client_certificate_id.as_deref())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSettings {
    #[serde(default)]
    pub data_trace_enabled: Option<bool>,
    #[serde(default)]
    pub detailed_metrics_enabled: Option<bool>,
    #[serde(default)]
    pub logging_level: Option<LoggingLevel>,
    #[serde(default)]
    pub throttling_burst_limit: Option<i64>,
    #[serde(default)]
    pub throttling_rate_limit: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct V2Authorizer {
    pub authorizer_id: String,
    pub name: String,
    pub authorizer_type: V2AuthorizerType,
    #[serde(default)]
    pub authorizer_uri: Option<String>,
    #[serde(default)]
    pub authorizer_credentials_arn: Option<String>,
    #[serde(default)]
    pub identity_source: Vec<String>,
    #[serde(default)]
    pub jwt_configuration: Option<JwtConfiguration>,
    #[serde(default)]
    pub authorizer_result_ttl_in_seconds: Option<i64>,
    #[serde(default)]
    pub enable_simple_responses: Option<bool>,
    #[serde(default)]
    pub authorizer_payload_format_version: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtConfiguration {
    #[serde(default)]
    pub audience: Vec<String>,
    #[serde(default)]
    pub issuer: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct V2Integration {
    pub integration_id: String,
    pub integration_type: IntegrationType,
    #[serde(default)]
    pub integration_uri: Option<String>,
    #[serde(default)]
    pub integration_method: Option<String>,
    #[serde(default)]
    pub connection_type: Option<ConnectionType>,
    #[serde(default)]
    pub connection_id: Option<String>,
    #[serde(default)]
    pub credentials_arn: Option<String>,
    #[serde(default)]
    pub tls_config: Option<V2TlsConfig>,
    #[serde(default)]
    pub payload_format_version: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct V2TlsConfig {
    #[serde(default)]
    pub server_name_to_verify: Option<String>,
}
