//! API Gateway v2: HTTP and WebSocket APIs with routes, stages, authorizers and integrations,
//! and the API mappings and routing rules of custom domains.

use std::sync::Arc;

use aws_sdk_apigatewayv2::types as sdk;

use super::convert::{date, tags};
use super::RegionCollector;
use crate::model::*;
use crate::operations as op;

/// Follows `NextToken` pages; `None` when any page fails (the error is recorded).
macro_rules! all_pages {
    ($rc:expr, $op:expr, $resource:expr, $builder:expr, $items:ident) => {
        all_pages!($rc, $op, $resource, $builder, $items, "500")
    };
    ($rc:expr, $op:expr, $resource:expr, $builder:expr, $items:ident, $page:expr) => {{
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = $rc
                .call(
                    $op,
                    $resource,
                    $builder
                        .max_results($page)
                        .set_next_token(token.clone())
                        .send(),
                )
                .await;
            match out {
                Some(out) => {
                    items.extend(out.$items().iter().cloned());
                    let next = out
                        .next_token()
                        .filter(|t| !t.is_empty())
                        .map(str::to_string);
                    // A repeated token would loop forever on a misbehaving endpoint.
                    if next.is_none() || next == token {
                        break Some(items);
                    }
                    token = next;
                }
                None => break None,
            }
        }
    }};
}

pub async fn apis(rc: &Arc<RegionCollector>) -> Option<Vec<V2Api>> {
    let client = &rc.clients.apigatewayv2;
    let items: Vec<sdk::Api> = all_pages!(rc, &op::GET_APIS, None, client.get_apis(), items)?;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, api) in items.into_iter().enumerate() {
        let rc = rc.clone();
        tasks.spawn(async move { (i, api_from(&rc, api).await) });
    }
    let mut out: Vec<(usize, Option<V2Api>)> = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(pair) => out.push(pair),
            Err(e) => rc.record_failure(&op::GET_APIS, None, "TaskFailed", &e.to_string()),
        }
    }
    out.sort_by_key(|(i, _)| *i);
    Some(out.into_iter().filter_map(|(_, a)| a).collect())
}

async fn api_from(rc: &RegionCollector, api: sdk::Api) -> Option<V2Api> {
    let id = api.api_id().unwrap_or_default().to_string();
    let arn = rc.apigw_arn(&format!("/apis/{id}"));
    // An API of a protocol this version does not know is kept (its routes, stages and
    // integrations are read as for any API): the rules that need the protocol say so.
    let protocol_type = rc.keep(
        &op::GET_APIS,
        &arn,
        "protocolType",
        api.protocol_type().map(|p| p.as_str()).unwrap_or("HTTP"),
    );
    let client = &rc.clients.apigatewayv2;
    let (routes, stages, authorizers, integrations) = tokio::join!(
        async {
            all_pages!(
                rc,
                &op::GET_ROUTES,
                Some(&arn),
                client.get_routes().api_id(&id),
                items
            )
        },
        async {
            all_pages!(
                rc,
                &op::V2_GET_STAGES,
                Some(&arn),
                client.get_stages().api_id(&id),
                items
            )
        },
        async {
            all_pages!(
                rc,
                &op::V2_GET_AUTHORIZERS,
                Some(&arn),
                client.get_authorizers().api_id(&id),
                items
            )
        },
        async {
            all_pages!(
                rc,
                &op::GET_INTEGRATIONS,
                Some(&arn),
                client.get_integrations().api_id(&id),
                items
            )
        },
    );
    Some(V2Api {
        api_id: id,
        name: api.name().unwrap_or_default().into(),
        protocol_type,
        api_endpoint: api.api_endpoint().map(Into::into),
        disable_execute_api_endpoint: api.disable_execute_api_endpoint().unwrap_or(false),
        ip_address_type: api
            .ip_address_type()
            .map(|t| rc.keep(&op::GET_APIS, &arn, "ipAddressType", t.as_str())),
        cors_configuration: api.cors_configuration().map(|c| CorsConfiguration {
            allow_origins: c.allow_origins().to_vec(),
            allow_methods: c.allow_methods().to_vec(),
            allow_headers: c.allow_headers().to_vec(),
            expose_headers: c.expose_headers().to_vec(),
            allow_credentials: c.allow_credentials(),
            max_age: c.max_age().map(i64::from),
        }),
        route_selection_expression: api.route_selection_expression().map(Into::into),
        tags: tags(api.tags()),
        routes: routes.map(|r| r.iter().map(|r| route_from(rc, &arn, r)).collect()),
        stages: stages.map(|s| s.iter().map(|s| stage_from(rc, &arn, s)).collect()),
        authorizers: authorizers.map(|a| a.iter().map(|a| authorizer_from(rc, &arn, a)).collect()),
        integrations: integrations
            .map(|i| i.iter().map(|i| integration_from(rc, &arn, i)).collect()),
    })
}

/// A route of the API `api_arn`; a value this version does not know is kept and recorded
/// against the route (`.../routes/{id}`).
fn route_from(rc: &RegionCollector, api_arn: &str, r: &sdk::Route) -> Route {
    let route_id = r.route_id().unwrap_or_default();
    let at = format!("{api_arn}/routes/{route_id}");
    Route {
        route_id: route_id.into(),
        route_key: r.route_key().unwrap_or_default().into(),
        authorization_type: rc.keep(
            &op::GET_ROUTES,
            &at,
            "authorizationType",
            r.authorization_type().map(|a| a.as_str()).unwrap_or("NONE"),
        ),
        authorizer_id: r.authorizer_id().map(Into::into),
        api_key_required: r.api_key_required().unwrap_or(false),
        authorization_scopes: r.authorization_scopes().to_vec(),
        target: r.target().map(Into::into),
    }
}

/// Route settings of the stage `stage_arn`, found at `field` (`defaultRouteSettings`,
/// `routeSettings.{key}`).
fn route_settings_from(
    rc: &RegionCollector,
    stage_arn: &str,
    field: &str,
    s: &sdk::RouteSettings,
) -> RouteSettings {
    RouteSettings {
        data_trace_enabled: s.data_trace_enabled(),
        detailed_metrics_enabled: s.detailed_metrics_enabled(),
        logging_level: s.logging_level().map(|l| {
            let field = format!("{field}.loggingLevel");
            rc.keep(&op::V2_GET_STAGES, stage_arn, &field, l.as_str())
        }),
        throttling_burst_limit: s.throttling_burst_limit().map(i64::from),
        throttling_rate_limit: s.throttling_rate_limit(),
    }
}

/// A stage of the API `api_arn`; a value this version does not know is kept and recorded
/// against the stage (`.../stages/{name}`).
fn stage_from(rc: &RegionCollector, api_arn: &str, s: &sdk::Stage) -> V2Stage {
    let stage_name = s.stage_name().unwrap_or_default();
    let at = format!("{api_arn}/stages/{stage_name}");
    V2Stage {
        stage_name: stage_name.into(),
        auto_deploy: s.auto_deploy().unwrap_or(false),
        deployment_id: s.deployment_id().map(Into::into),
        access_log_settings: s.access_log_settings().map(|a| AccessLogSettings {
            destination_arn: a.destination_arn().map(Into::into),
            format: a.format().map(Into::into),
        }),
        default_route_settings: s
            .default_route_settings()
            .map(|d| route_settings_from(rc, &at, "defaultRouteSettings", d)),
        route_settings: s
            .route_settings()
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                let field = format!("routeSettings.{k}");
                (k.clone(), route_settings_from(rc, &at, &field, v))
            })
            .collect(),
        stage_variables: tags(s.stage_variables()),
        client_certificate_id: s.client_certificate_id().map(Into::into),
        last_updated_date: s.last_updated_date().map(date),
        tags: tags(s.tags()),
    }
}

/// An authorizer of the API `api_arn`; a type this version does not know is kept and
/// recorded against the authorizer (`.../authorizers/{id}`).
fn authorizer_from(rc: &RegionCollector, api_arn: &str, a: &sdk::Authorizer) -> V2Authorizer {
    let id = a.authorizer_id().unwrap_or_default();
    V2Authorizer {
        authorizer_type: rc.keep(
            &op::V2_GET_AUTHORIZERS,
            &format!("{api_arn}/authorizers/{id}"),
            "authorizerType",
            a.authorizer_type().map(|t| t.as_str()).unwrap_or("REQUEST"),
        ),
        authorizer_id: id.into(),
        name: a.name().unwrap_or_default().into(),
        authorizer_uri: a.authorizer_uri().map(Into::into),
        authorizer_credentials_arn: a.authorizer_credentials_arn().map(Into::into),
        identity_source: a.identity_source().to_vec(),
        jwt_configuration: a.jwt_configuration().map(|j| JwtConfiguration {
            audience: j.audience().to_vec(),
            issuer: j.issuer().map(Into::into),
        }),
        authorizer_result_ttl_in_seconds: a.authorizer_result_ttl_in_seconds().map(i64::from),
        enable_simple_responses: a.enable_simple_responses(),
        authorizer_payload_format_version: a.authorizer_payload_format_version().map(Into::into),
    }
}

/// An integration of the API `api_arn`; a value this version does not know is kept and
/// recorded against the integration (`.../integrations/{id}`).
fn integration_from(rc: &RegionCollector, api_arn: &str, i: &sdk::Integration) -> V2Integration {
    let integration_id = i.integration_id().unwrap_or_default();
    let at = format!("{api_arn}/integrations/{integration_id}");
    V2Integration {
        integration_id: integration_id.into(),
        integration_type: rc.keep(
            &op::GET_INTEGRATIONS,
            &at,
            "integrationType",
            i.integration_type().map(|t| t.as_str()).unwrap_or("MOCK"),
        ),
        integration_uri: i.integration_uri().map(Into::into),
        integration_method: i.integration_method().map(Into::into),
        connection_type: i
            .connection_type()
            .map(|c| rc.keep(&op::GET_INTEGRATIONS, &at, "connectionType", c.as_str())),
        connection_id: i.connection_id().map(Into::into),
        credentials_arn: i.credentials_arn().map(Into::into),
        tls_config: i.tls_config().map(|t| V2TlsConfig {
            server_name_to_verify: t.server_name_to_verify().map(Into::into),
        }),
        payload_format_version: i.payload_format_version().map(Into::into),
    }
}

/// Adds each domain's v2 API mappings (one call per domain).
pub async fn api_mappings(rc: &Arc<RegionCollector>, domains: &mut [DomainName]) {
    let client = &rc.clients.apigatewayv2;
    for d in domains {
        // Private custom domains serve only REST APIs: nothing to map, nothing to ask.
        if d.endpoint_types.contains(&EndpointType::Private) {
            d.api_mappings = Some(Vec::new());
            continue;
        }
        let arn = rc.apigw_arn(&format!("/domainnames/{}", d.domain_name));
        let name = d.domain_name.clone();
        let items: Option<Vec<sdk::ApiMapping>> = all_pages!(
            rc,
            &op::GET_API_MAPPINGS,
            Some(&arn),
            client.get_api_mappings().domain_name(&name),
            items
        );
        d.api_mappings = items.map(|ms| {
            ms.iter()
                .map(|m| ApiMapping {
                    api_mapping_key: m.api_mapping_key().map(Into::into),
                    api_id: m.api_id().unwrap_or_default().into(),
                    stage: m.stage().unwrap_or_default().into(),
                })
                .collect()
        });
    }
}

/// Reads the routing rules of every domain whose routing mode uses them (apigatewayv2
/// `ListRoutingRules`; a private domain is addressed by name and id). A domain in
/// base-path-mapping-only mode is not asked: its rules, if any, route nothing.
pub async fn routing_rules(rc: &Arc<RegionCollector>, domains: &mut [DomainName]) {
    let client = &rc.clients.apigatewayv2;
    for d in domains
        .iter_mut()
        .filter(|d| RoutingMode::uses_rules(d.routing_mode.as_ref()))
    {
        let arn = rc.apigw_arn(&format!("/domainnames/{}", d.domain_name));
        let rules = rc
            .call(
                &op::LIST_ROUTING_RULES,
                Some(&arn),
                client
                    .list_routing_rules()
                    .domain_name(&d.domain_name)
                    .set_domain_name_id(d.domain_name_id.clone())
                    .into_paginator()
                    .page_size(100)
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .await;
        d.routing_rules = rules.map(|rs| rs.iter().map(routing_rule).collect());
        // An action the SDK could not read is kept as an empty one; say which rule has it.
        for r in d.routing_rules.iter().flatten() {
            if r.has_unknown_action() {
                rc.record_failure(
                    &op::LIST_ROUTING_RULES,
                    Some(&arn),
                    UNKNOWN_VALUE_CODE,
                    &format!(
                        "routing rule {} has an action this gwaudit version does not know \
                         (no `invokeApi`): whether the domain routes to an API answers unknown",
                        r.routing_rule_id
                    ),
                );
            }
        }
    }
}

fn routing_rule(r: &sdk::RoutingRule) -> RoutingRule {
    RoutingRule {
        routing_rule_id: r.routing_rule_id().unwrap_or_default().into(),
        priority: r.priority(),
        conditions: r
            .conditions()
            .iter()
            .map(|c| RoutingRuleCondition {
                match_base_paths: c.match_base_paths().map(|m| m.any_of().to_vec()),
                match_headers: c.match_headers().map(|m| {
                    m.any_of()
                        .iter()
                        .map(|h| HeaderMatch {
                            header: h.header().unwrap_or_default().into(),
                            value_glob: h.value_glob().unwrap_or_default().into(),
                        })
                        .collect()
                }),
            })
            .collect(),
        actions: r
            .actions()
            .iter()
            .map(|a| RoutingRuleAction {
                // The SDK fills a missing required `invokeApi` with an empty one ("error
                // correction"), which is what an action of another kind reads as: an empty
                // API id is no action AWS sent, and is kept as unknown.
                invoke_api: (a.invoke_api())
                    .filter(|i| i.api_id().is_some_and(|id| !id.is_empty()))
                    .map(|i| InvokeApi {
                        api_id: i.api_id().unwrap_or_default().into(),
                        stage: i.stage().unwrap_or_default().into(),
                        strip_base_path: i.strip_base_path(),
                    }),
            })
            .collect(),
    }
}

/// Records each product a portal includes that `ListPortalProducts` did not return: its pages
/// are not read, and GW113 must not judge the portal as if it had none. A product whose ARN
/// names another account than the portal's is shared from that account (this collector lists
/// only the account's own products); otherwise it was deleted during the scan, or the list was
/// short. Both are gaps in what was collected.
fn not_listed(rc: &RegionCollector, portals: &[Portal], products: &[sdk::PortalProductSummary]) {
    let mut seen: std::collections::BTreeSet<&str> = (products.iter())
        .filter_map(|p| p.portal_product_arn())
        .collect();
    for portal in portals {
        let own = portal
            .portal_arn
            .as_deref()
            .and_then(crate::model::arn_account);
        for arn in &portal.included_portal_product_arns {
            // Recorded once, whatever the number of portals that include it.
            if !seen.insert(arn.as_str()) {
                continue;
            }
            let (code, why) = match (crate::model::arn_account(arn), own) {
                (Some(other), Some(own)) if other != own => (
                    SHARED_PRODUCT_CODE,
                    format!(
                        "shared from account {other}: gwaudit does not read other accounts' products yet"
                    ),
                ),
                _ => (
                    NOT_LISTED_CODE,
                    "deleted during the scan, or missing from the list".to_string(),
                ),
            };
            rc.record_failure(
                &op::LIST_PORTAL_PRODUCTS,
                Some(arn),
                code,
                &format!(
                    "portal {} includes portal product {arn}, which ListPortalProducts did not \
                     return ({why}): its pages were not read",
                    portal.portal_id
                ),
            );
        }
    }
}

/// Developer portals and portal products with their REST endpoint pages (one call per
/// product). Portal APIs page by at most 100.
pub async fn portals(
    rc: &Arc<RegionCollector>,
) -> (Option<Vec<Portal>>, Option<Vec<PortalProduct>>) {
    let client = &rc.clients.apigatewayv2;
    let portals: Option<Vec<sdk::PortalSummary>> = all_pages!(
        rc,
        &op::LIST_PORTALS,
        None,
        client.list_portals(),
        items,
        "100"
    );
    let portals = portals.map(|ps| {
        ps.iter()
            .map(|p| {
                let arn = p.portal_arn().map(str::to_string);
                let at = arn.clone().unwrap_or_default();
                Portal {
                    portal_id: p.portal_id().unwrap_or_default().into(),
                    display_name: p
                        .portal_content()
                        .and_then(|c| c.display_name())
                        .map(Into::into),
                    publish_status: p
                        .publish_status()
                        .map(|s| rc.keep(&op::LIST_PORTALS, &at, "publishStatus", s.as_str())),
                    cognito_user_pool_arn: p
                        .authorization()
                        .and_then(|a| a.cognito_config())
                        .and_then(|c| c.user_pool_arn())
                        .map(Into::into),
                    included_portal_product_arns: p.included_portal_product_arns().to_vec(),
                    portal_arn: arn,
                }
            })
            .collect()
    });
    let products: Option<Vec<sdk::PortalProductSummary>> = all_pages!(
        rc,
        &op::LIST_PORTAL_PRODUCTS,
        None,
        client.list_portal_products(),
        items,
        "100"
    );
    let Some(products) = products else {
        return (portals, None);
    };
    not_listed(rc, portals.as_deref().unwrap_or_default(), &products);
    let mut out = Vec::new();
    for p in &products {
        let id = p.portal_product_id().unwrap_or_default().to_string();
        let arn = p.portal_product_arn().map(str::to_string);
        let at = arn.clone().unwrap_or_default();
        let pages: Option<Vec<sdk::ProductRestEndpointPageSummaryNoBody>> = all_pages!(
            rc,
            &op::LIST_PRODUCT_REST_ENDPOINT_PAGES,
            Some(&at),
            client
                .list_product_rest_endpoint_pages()
                .portal_product_id(&id),
            items,
            "100"
        );
        out.push(PortalProduct {
            portal_product_id: id,
            display_name: p.display_name().map(Into::into),
            rest_endpoint_pages: pages.map(|pages| {
                pages
                    .iter()
                    .map(|page| {
                        let parts = page
                            .rest_endpoint_identifier()
                            .and_then(|r| r.identifier_parts());
                        RestEndpointPage {
                            page_id: page
                                .product_rest_endpoint_page_id()
                                .unwrap_or_default()
                                .into(),
                            try_it_state: page.try_it_state().map(|t| {
                                rc.keep(
                                    &op::LIST_PRODUCT_REST_ENDPOINT_PAGES,
                                    &at,
                                    "tryItState",
                                    t.as_str(),
                                )
                            }),
                            rest_api_id: parts.and_then(|p| p.rest_api_id()).map(Into::into),
                            stage: parts.and_then(|p| p.stage()).map(Into::into),
                            method: parts.and_then(|p| p.method()).map(Into::into),
                            path: parts.and_then(|p| p.path()).map(Into::into),
                        }
                    })
                    .collect()
            }),
            portal_product_arn: arn,
        });
    }
    (portals, Some(out))
}
