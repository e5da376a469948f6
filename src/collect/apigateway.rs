//! API Gateway (v1): REST APIs (resources with methods and integrations in one embedded call per
//! API, stages, authorizers, request validators when referenced) and the regional resources
//! (domain names with base path mappings, usage plans with keys, API keys without values,
//! client certificates, account settings).

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_apigateway::types as sdk;

use super::convert::{date, tags};
use super::RegionCollector;
use crate::model::*;
use crate::operations as op;

pub async fn rest_apis(rc: &Arc<RegionCollector>) -> Option<Vec<RestApi>> {
    let items = rc
        .call(
            &op::GET_REST_APIS,
            None,
            rc.clients
                .apigateway
                .get_rest_apis()
                .limit(500)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await?;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, api) in items.into_iter().enumerate() {
        let rc = rc.clone();
        tasks.spawn(async move { (i, rest_api(&rc, api).await) });
    }
    let mut apis: Vec<(usize, Option<RestApi>)> = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(pair) => apis.push(pair),
            Err(e) => rc.record_failure(&op::GET_REST_APIS, None, "TaskFailed", &e.to_string()),
        }
    }
    apis.sort_by_key(|(i, _)| *i);
    Some(apis.into_iter().filter_map(|(_, a)| a).collect())
}

/// `endpointConfiguration.types` of an API or a domain (`resource`, read by `operation`); a
/// type this version does not know is kept and recorded, and the resource with it.
fn endpoint_types(
    rc: &RegionCollector,
    operation: &op::Operation,
    resource: &str,
    config: Option<&sdk::EndpointConfiguration>,
) -> Vec<EndpointType> {
    config
        .map(|c| {
            (c.types().iter())
                .map(|t| {
                    rc.keep(
                        operation,
                        resource,
                        "endpointConfiguration.types",
                        t.as_str(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `endpointConfiguration.ipAddressType`, a value this version does not know kept as sent.
fn ip_address_type(
    rc: &RegionCollector,
    operation: &op::Operation,
    resource: &str,
    config: Option<&sdk::EndpointConfiguration>,
) -> Option<IpAddressType> {
    let t = config?.ip_address_type()?;
    Some(rc.keep(
        operation,
        resource,
        "endpointConfiguration.ipAddressType",
        t.as_str(),
    ))
}

async fn rest_api(rc: &RegionCollector, api: sdk::RestApi) -> Option<RestApi> {
    let id = api.id().unwrap_or_default().to_string();
    let arn = rc.apigw_arn(&format!("/restapis/{id}"));
    let endpoint_types = endpoint_types(rc, &op::GET_REST_APIS, &arn, api.endpoint_configuration());
    let client = &rc.clients.apigateway;
    let (resources, stages, authorizers) = tokio::join!(
        rc.call(
            &op::GET_RESOURCES,
            Some(&arn),
            client
                .get_resources()
                .rest_api_id(&id)
                .embed("methods")
                .limit(500)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        ),
        rc.call(
            &op::GET_STAGES,
            Some(&arn),
            client.get_stages().rest_api_id(&id).send()
        ),
        rc.call(
            &op::GET_AUTHORIZERS,
            Some(&arn),
            client.get_authorizers().rest_api_id(&id).limit(500).send(),
        ),
    );
    let resources = resources.map(|r| resources_from(rc, &arn, r));
    let needs_validators = resources
        .iter()
        .flatten()
        .flat_map(|r| &r.methods)
        .any(|m| m.request_validator_id.is_some());
    let request_validators = if needs_validators {
        rc.call(
            &op::GET_REQUEST_VALIDATORS,
            Some(&arn),
            client
                .get_request_validators()
                .rest_api_id(&id)
                .limit(500)
                .send(),
        )
        .await
        .map(|out| {
            out.items()
                .iter()
                .map(|v| RequestValidator {
                    id: v.id().unwrap_or_default().into(),
                    name: v.name().map(Into::into),
                    validate_request_body: v.validate_request_body(),
                    validate_request_parameters: v.validate_request_parameters(),
                })
                .collect()
        })
    } else if resources.is_some() {
        Some(Vec::new())
    } else {
        // Unknown methods: whether validators are referenced is unknown too.
        None
    };
    Some(RestApi {
        id,
        name: api.name().unwrap_or_default().into(),
        description: api.description().map(Into::into),
        created_date: api.created_date().map(date),
        vpc_endpoint_ids: api
            .endpoint_configuration()
            .map(|c| c.vpc_endpoint_ids().to_vec())
            .unwrap_or_default(),
        endpoint_types,
        ip_address_type: ip_address_type(
            rc,
            &op::GET_REST_APIS,
            &arn,
            api.endpoint_configuration(),
        ),
        disable_execute_api_endpoint: api.disable_execute_api_endpoint(),
        security_policy: api.security_policy().map(|p| p.as_str().to_string()),
        endpoint_access_mode: api
            .endpoint_access_mode()
            .map(|m| rc.keep(&op::GET_REST_APIS, &arn, "endpointAccessMode", m.as_str())),
        api_key_source: (api.api_key_source())
            .map(|s| rc.keep(&op::GET_REST_APIS, &arn, "apiKeySource", s.as_str())),
        policy: api.policy().map(Into::into),
        tags: tags(api.tags()),
        resources,
        stages: stages.map(|s| s.item().iter().map(|s| stage_from(rc, &arn, s)).collect()),
        authorizers: authorizers.map(|a| {
            (a.items().iter())
                .map(|a| authorizer_from(rc, &arn, a))
                .collect()
        }),
        request_validators,
    })
}

/// The resources of the API `api_arn` with their methods. A value this version does not know
/// is kept and recorded against the method (`.../resources/{id}/methods/{verb}`).
fn resources_from(rc: &RegionCollector, api_arn: &str, items: Vec<sdk::Resource>) -> Vec<Resource> {
    let mut out = Vec::with_capacity(items.len());
    for r in items {
        let mut methods = Vec::new();
        let mut entries: Vec<(&String, &sdk::Method)> =
            r.resource_methods().into_iter().flatten().collect();
        entries.sort_by_key(|(k, _)| k.as_str());
        let resource_id = r.id().unwrap_or_default();
        for (verb, m) in entries {
            let http_method = m.http_method().unwrap_or(verb).to_string();
            let at = format!("{api_arn}/resources/{resource_id}/methods/{http_method}");
            methods.push(Method {
                authorization_type: rc.keep(
                    &op::GET_RESOURCES,
                    &at,
                    "authorizationType",
                    m.authorization_type().unwrap_or("NONE"),
                ),
                http_method,
                authorizer_id: m.authorizer_id().map(Into::into),
                api_key_required: m.api_key_required().unwrap_or(false),
                request_validator_id: m.request_validator_id().map(Into::into),
                authorization_scopes: m.authorization_scopes().to_vec(),
                operation_name: m.operation_name().map(Into::into),
                integration: m.method_integration().map(|i| integration_from(rc, &at, i)),
            });
        }
        out.push(Resource {
            id: r.id().unwrap_or_default().into(),
            path: r.path().unwrap_or("/").into(),
            parent_id: r.parent_id().map(Into::into),
            methods,
        });
    }
    out
}

/// The integration of the method `method_arn` (its unknown values are recorded against it).
fn integration_from(rc: &RegionCollector, method_arn: &str, i: &sdk::Integration) -> Integration {
    Integration {
        integration_type: rc.keep(
            &op::GET_RESOURCES,
            method_arn,
            "methodIntegration.type",
            i.r#type().map(|t| t.as_str()).unwrap_or("MOCK"),
        ),
        uri: i.uri().map(Into::into),
        http_method: i.http_method().map(Into::into),
        connection_type: i.connection_type().map(|c| {
            rc.keep(
                &op::GET_RESOURCES,
                method_arn,
                "methodIntegration.connectionType",
                c.as_str(),
            )
        }),
        connection_id: i.connection_id().map(Into::into),
        credentials: i.credentials().map(Into::into),
        tls_config: i.tls_config().map(|t| RestTlsConfig {
            insecure_skip_verification: t.insecure_skip_verification(),
        }),
        timeout_in_millis: Some(i64::from(i.timeout_in_millis())),
        // GW413 answers unknown for a mode this version does not know.
        response_transfer_mode: i.response_transfer_mode().map(|m| {
            rc.keep(
                &op::GET_RESOURCES,
                method_arn,
                "methodIntegration.responseTransferMode",
                m.as_str(),
            )
        }),
    }
}

/// One `methodSettings` entry (`key`) of the stage `stage_arn`.
fn method_setting_from(
    rc: &RegionCollector,
    stage_arn: &str,
    key: &str,
    s: &sdk::MethodSetting,
) -> MethodSetting {
    MethodSetting {
        metrics_enabled: Some(s.metrics_enabled()),
        logging_level: s.logging_level().map(|l| {
            let field = format!("methodSettings.{key}.loggingLevel");
            rc.keep(&op::GET_STAGES, stage_arn, &field, l)
        }),
        data_trace_enabled: Some(s.data_trace_enabled()),
        throttling_burst_limit: Some(i64::from(s.throttling_burst_limit())),
        throttling_rate_limit: Some(s.throttling_rate_limit()),
        caching_enabled: Some(s.caching_enabled()),
        cache_ttl_in_seconds: Some(i64::from(s.cache_ttl_in_seconds())),
        cache_data_encrypted: Some(s.cache_data_encrypted()),
        require_authorization_for_cache_control: Some(s.require_authorization_for_cache_control()),
        unauthorized_cache_control_header_strategy: s
            .unauthorized_cache_control_header_strategy()
            .map(|v| v.as_str().to_string()),
    }
}

/// A stage of the API `api_arn`; a value this version does not know is kept and recorded
/// against the stage (`.../stages/{name}`).
fn stage_from(rc: &RegionCollector, api_arn: &str, s: &sdk::Stage) -> Stage {
    let stage_name = s.stage_name().unwrap_or_default();
    let at = format!("{api_arn}/stages/{stage_name}");
    let method_settings = s
        .method_settings()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), Box::new(method_setting_from(rc, &at, k, v))))
        .collect::<BTreeMap<_, _>>();
    Stage {
        stage_name: stage_name.into(),
        deployment_id: s.deployment_id().map(Into::into),
        description: s.description().map(Into::into),
        created_date: s.created_date().map(date),
        last_updated_date: s.last_updated_date().map(date),
        client_certificate_id: s.client_certificate_id().map(Into::into),
        cache_cluster_enabled: s.cache_cluster_enabled(),
        cache_cluster_size: s.cache_cluster_size().map(|c| c.as_str().to_string()),
        method_settings,
        variables: tags(s.variables()),
        access_log_settings: s.access_log_settings().map(|a| AccessLogSettings {
            destination_arn: a.destination_arn().map(Into::into),
            format: a.format().map(Into::into),
        }),
        canary_settings: s.canary_settings().map(|c| CanarySettings {
            deployment_id: c.deployment_id().map(Into::into),
            percent_traffic: Some(c.percent_traffic()),
            stage_variable_overrides: tags(c.stage_variable_overrides()),
            use_stage_cache: c.use_stage_cache(),
        }),
        tracing_enabled: s.tracing_enabled(),
        web_acl_arn: s.web_acl_arn().filter(|a| !a.is_empty()).map(Into::into),
        tags: tags(s.tags()),
        method_settings_index: Default::default(),
    }
}

/// An authorizer of the API `api_arn`; a type this version does not know is kept and
/// recorded against the authorizer (`.../authorizers/{id}`).
fn authorizer_from(rc: &RegionCollector, api_arn: &str, a: &sdk::Authorizer) -> RestAuthorizer {
    let id = a.id().unwrap_or_default();
    RestAuthorizer {
        authorizer_type: rc.keep(
            &op::GET_AUTHORIZERS,
            &format!("{api_arn}/authorizers/{id}"),
            "type",
            a.r#type().map(|t| t.as_str()).unwrap_or("TOKEN"),
        ),
        id: id.into(),
        name: a.name().unwrap_or_default().into(),
        authorizer_uri: a.authorizer_uri().map(Into::into),
        authorizer_credentials: a.authorizer_credentials().map(Into::into),
        identity_source: a.identity_source().map(Into::into),
        identity_validation_expression: a.identity_validation_expression().map(Into::into),
        authorizer_result_ttl_in_seconds: a.authorizer_result_ttl_in_seconds().map(i64::from),
        provider_arns: a.provider_arns().to_vec(),
    }
}

fn throttle_from(t: &sdk::ThrottleSettings) -> ThrottleSettings {
    ThrottleSettings {
        burst_limit: Some(i64::from(t.burst_limit())),
        rate_limit: Some(t.rate_limit()),
    }
}

/// Domain names: this account's own (`owner` SELF) with their base path mappings (one call
/// per domain), or the private domains other accounts share with it (OTHER_ACCOUNTS), of which
/// this account sees no configuration, so no mappings are asked for.
pub async fn domain_names(
    rc: &Arc<RegionCollector>,
    owner: ResourceOwner,
) -> Option<Vec<DomainName>> {
    // A failed listing of shared domains is recorded against the domain names collection, so
    // it is never taken for a gap in the account's own list.
    let listing = (owner == ResourceOwner::OtherAccounts).then(|| rc.apigw_arn("/domainnames"));
    let items = rc
        .call(
            &op::GET_DOMAIN_NAMES,
            listing.as_deref(),
            rc.clients
                .apigateway
                .get_domain_names()
                .resource_owner(match owner {
                    ResourceOwner::OwnAccount => sdk::ResourceOwner::SelfValue,
                    ResourceOwner::OtherAccounts => sdk::ResourceOwner::OtherAccounts,
                })
                .limit(500)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await?;
    let mut out = Vec::new();
    for d in items {
        let name = d.domain_name().unwrap_or_default().to_string();
        let arn = rc.apigw_arn(&format!("/domainnames/{name}"));
        let endpoint_types =
            endpoint_types(rc, &op::GET_DOMAIN_NAMES, &arn, d.endpoint_configuration());
        let mappings = if owner == ResourceOwner::OwnAccount {
            rc.call(
                &op::GET_BASE_PATH_MAPPINGS,
                Some(&arn),
                rc.clients
                    .apigateway
                    .get_base_path_mappings()
                    .domain_name(&name)
                    // Private custom domains are addressed by name and id.
                    .set_domain_name_id(d.domain_name_id().map(str::to_string))
                    .limit(500)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .await
        } else {
            None
        };
        out.push(DomainName {
            ip_address_type: ip_address_type(
                rc,
                &op::GET_DOMAIN_NAMES,
                &arn,
                d.endpoint_configuration(),
            ),
            domain_name: name,
            domain_name_id: d.domain_name_id().map(Into::into),
            domain_name_arn: d.domain_name_arn().map(Into::into),
            policy: d.policy().map(Into::into),
            management_policy: d.management_policy().map(Into::into),
            resource_owner: Some(owner),
            routing_mode: d
                .routing_mode()
                .map(|m| rc.keep(&op::GET_DOMAIN_NAMES, &arn, "routingMode", m.as_str())),
            // Read by `apigatewayv2::routing_rules` once the list is known.
            routing_rules: None,
            endpoint_types,
            security_policy: d.security_policy().map(|p| p.as_str().to_string()),
            endpoint_access_mode: d.endpoint_access_mode().map(|m| {
                rc.keep(
                    &op::GET_DOMAIN_NAMES,
                    &arn,
                    "endpointAccessMode",
                    m.as_str(),
                )
            }),
            certificate_arn: d.certificate_arn().map(Into::into),
            regional_certificate_arn: d.regional_certificate_arn().map(Into::into),
            domain_name_status: d.domain_name_status().map(|s| s.as_str().to_string()),
            mutual_tls: d.mutual_tls_authentication().map(|m| MutualTls {
                truststore_uri: m.truststore_uri().map(Into::into),
                truststore_version: m.truststore_version().map(Into::into),
                truststore_warnings: m.truststore_warnings().to_vec(),
            }),
            base_path_mappings: mappings.map(|ms| {
                ms.iter()
                    .map(|m| BasePathMapping {
                        base_path: m.base_path().map(Into::into),
                        rest_api_id: m.rest_api_id().unwrap_or_default().into(),
                        stage: m.stage().map(Into::into),
                    })
                    .collect()
            }),
            // Filled in by the v2 collector.
            api_mappings: None,
            tags: tags(d.tags()),
        });
    }
    Some(out)
}

pub async fn usage_plans(rc: &Arc<RegionCollector>) -> Option<Vec<UsagePlan>> {
    let items = rc
        .call(
            &op::GET_USAGE_PLANS,
            None,
            rc.clients
                .apigateway
                .get_usage_plans()
                .limit(500)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await?;
    let mut out = Vec::new();
    for p in items {
        let id = p.id().unwrap_or_default().to_string();
        let arn = rc.apigw_arn(&format!("/usageplans/{id}"));
        let keys = rc
            .call(
                &op::GET_USAGE_PLAN_KEYS,
                Some(&arn),
                rc.clients
                    .apigateway
                    .get_usage_plan_keys()
                    .usage_plan_id(&id)
                    .limit(500)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .await;
        out.push(UsagePlan {
            id,
            name: p.name().unwrap_or_default().into(),
            throttle: p.throttle().map(throttle_from),
            quota: p.quota().map(|q| QuotaSettings {
                limit: i64::from(q.limit()),
                period: q
                    .period()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                offset: Some(i64::from(q.offset())),
            }),
            api_stages: p
                .api_stages()
                .iter()
                .map(|s| UsagePlanApiStage {
                    api_id: s.api_id().unwrap_or_default().into(),
                    stage: s.stage().unwrap_or_default().into(),
                    throttle: s
                        .throttle()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), throttle_from(v)))
                        .collect(),
                })
                .collect(),
            key_ids: keys.map(|ks| ks.iter().filter_map(|k| k.id().map(Into::into)).collect()),
        });
    }
    Some(out)
}

/// API key metadata. `includeValues` stays false: key values never leave AWS.
pub async fn api_keys(rc: &Arc<RegionCollector>) -> Option<Vec<ApiKey>> {
    let items = rc
        .call(
            &op::GET_API_KEYS,
            None,
            rc.clients
                .apigateway
                .get_api_keys()
                .include_values(false)
                .limit(500)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await?;
    Some(
        items
            .iter()
            .map(|k| ApiKey {
                id: k.id().unwrap_or_default().into(),
                name: k.name().map(Into::into),
                enabled: k.enabled(),
                created_date: k.created_date().map(date),
                last_updated_date: k.last_updated_date().map(date),
                stage_keys: k.stage_keys().to_vec(),
                tags: tags(k.tags()),
            })
            .collect(),
    )
}

pub async fn client_certificates(rc: &Arc<RegionCollector>) -> Option<Vec<ClientCertificate>> {
    let items = rc
        .call(
            &op::GET_CLIENT_CERTIFICATES,
            None,
            rc.clients
                .apigateway
                .get_client_certificates()
                .limit(500)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await?;
    Some(
        items
            .iter()
            .map(|c| ClientCertificate {
                client_certificate_id: c.client_certificate_id().unwrap_or_default().into(),
                description: c.description().map(Into::into),
                created_date: c.created_date().map(date),
                expiration_date: c.expiration_date().map(date),
            })
            .collect(),
    )
}

pub async fn account(rc: &Arc<RegionCollector>) -> Option<AccountSettings> {
    let out = rc
        .call(
            &op::GET_ACCOUNT,
            None,
            rc.clients.apigateway.get_account().send(),
        )
        .await?;
    Some(AccountSettings {
        cloudwatch_role_arn: out
            .cloudwatch_role_arn()
            .filter(|a| !a.is_empty())
            .map(Into::into),
        throttle_settings: out.throttle_settings().map(throttle_from),
    })
}
