use crate::analysis::exposure::{self, Exposure};
use crate::model::{AuthorizationType, ProtocolType};
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW406",
    metadata: include_str!("../../../rules/threat/GW406-http-api-no-waf-path.toml"),
    check,
};

/// The failed call behind an undecided exposure: domains, or one domain's API mappings.
fn exposure_reason(ctx: &RegionContext) -> String {
    match ctx.region.domain_names.as_deref() {
        None => ctx.reason("GetDomainNames", None),
        Some(domains) => domains
            .iter()
            .find(|d| d.api_mappings.is_none())
            .map(|d| ctx.reason("GetApiMappings", Some(&ctx.scope.domain(d).arn)))
            .unwrap_or_default(),
    }
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let Some(apis) = ctx.v2_apis(out) else {
        return;
    };
    // WebSocket APIs cannot attach WAF either, but they are not in this rule's scope.
    for api in apis
        .iter()
        .filter(|a| a.protocol_type == ProtocolType::Http)
    {
        let target = ctx.scope.v2_api(api);
        let exposure = exposure::v2_api(api, ctx.region.domain_names.as_deref());
        if let Exposure::NotPublic(why) = &exposure {
            out.pass(
                target,
                format!(
                    "HTTP API {} is not reachable from the internet: {why}",
                    api.name
                ),
            )
            .evidence("exposure", exposure.describe());
            continue;
        }
        let Some(routes) = ctx.routes(api, out) else {
            continue;
        };
        let open: Vec<&str> = routes
            .iter()
            .filter(|r| {
                r.authorization_type == AuthorizationType::None && !api.is_cors_preflight(r)
            })
            .map(|r| r.route_key.as_str())
            .collect();
        if open.is_empty() {
            out.pass(
                target,
                format!(
                    "every route of HTTP API {} requires authorization ({})",
                    api.name,
                    exposure.describe()
                ),
            )
            .evidence("unauthenticated_routes", open);
            continue;
        }
        match &exposure {
            Exposure::Unknown(why) => {
                out.unknown(
                    target,
                    format!(
                        "HTTP API {} has routes without authorization but whether it is public \
                         is unknown: {why}; {}",
                        api.name,
                        exposure_reason(ctx)
                    ),
                )
                .evidence("unauthenticated_routes", open);
            }
            _ => {
                out.fail(
                    target,
                    format!(
                        "HTTP API {} is {} and serves routes without authorization that no WAF \
                         can protect: {}",
                        api.name,
                        exposure.describe(),
                        open.join(", ")
                    ),
                )
                .evidence("unauthenticated_routes", open)
                .evidence("exposure", exposure.describe());
            }
        }
    }
}
