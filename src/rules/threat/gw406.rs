use crate::analysis::exposure::Exposure;
use crate::model::{AuthorizationType, ProtocolType};
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW406",
    metadata: include_str!("../../../rules/threat/GW406-http-api-no-waf-path.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.v2_apis(out);
    // WebSocket APIs cannot attach WAF either, but they are not in this rule's scope.
    for api in apis
        .iter()
        .filter(|a| a.protocol_type == ProtocolType::Http)
    {
        let target = ctx.scope.v2_api(api);
        let exposure = ctx.v2_exposure(api);
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
        let Some(routes) = ctx.api_routes(api, out) else {
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
                         is unknown: {why}",
                        api.name
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
