use crate::model::{AuthorizationType, ProtocolType, Route};
use crate::rules::{Emitter, RegionContext, RuleDef, Severity};

pub static RULE: RuleDef = RuleDef {
    id: "GW103",
    metadata: include_str!("../../../rules/access/GW103-v2-route-unauthenticated.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.v2_apis(out);
    for api in apis {
        let Some(routes) = ctx.api_routes(api, out) else {
            continue;
        };
        let exposure = ctx.v2_exposure(api);
        let judged: Vec<&Route> = match api.protocol_type {
            ProtocolType::Http => routes
                .iter()
                .filter(|r| !api.is_cors_preflight(r))
                .collect(),
            // Only the handshake authenticates a WebSocket connection; later messages
            // travel on the already-accepted connection.
            ProtocolType::Websocket => {
                let connect: Vec<&Route> = routes
                    .iter()
                    .filter(|r| r.route_key == "$connect")
                    .collect();
                if connect.is_empty() {
                    let f = out.fail(
                        ctx.scope.v2_api(api),
                        format!(
                            "WebSocket API {} has no $connect route: every connection is \
                             accepted without authentication ({})",
                            api.name,
                            exposure.describe()
                        ),
                    );
                    f.evidence(
                        "routes",
                        routes.iter().map(|r| &r.route_key).collect::<Vec<_>>(),
                    )
                    .evidence("exposure", exposure.describe());
                    if exposure.maybe_public() {
                        f.raise_to(Severity::High);
                    }
                }
                connect
            }
        };
        for route in judged {
            let target = ctx.scope.v2_route(api, &route.route_id, &route.route_key);
            if route.authorization_type == AuthorizationType::None {
                let f = out.fail(
                    target,
                    format!(
                        "route `{}` has authorization NONE ({})",
                        route.route_key,
                        exposure.describe()
                    ),
                );
                f.evidence("route_key", &route.route_key)
                    .evidence("authorization_type", route.authorization_type)
                    .evidence("api_key_required", route.api_key_required)
                    .evidence("exposure", exposure.describe());
                if exposure.maybe_public() {
                    f.raise_to(Severity::High);
                }
            } else {
                out.pass(
                    target,
                    format!(
                        "route `{}` uses {} authorization",
                        route.route_key,
                        route.authorization_type.as_str()
                    ),
                )
                .evidence("authorization_type", route.authorization_type);
            }
        }
    }
}
