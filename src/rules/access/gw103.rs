use crate::model::{AuthorizationType, ProtocolType, Route};
use crate::rules::{Emitter, RegionContext};

use super::exposed::fail_exposed;

rule!(GW103, "access/GW103-v2-route-unauthenticated.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for api in ctx.v2_apis(out) {
        let Some(routes) = ctx.api_routes(api, out) else {
            continue;
        };
        // Which routes authenticate depends on the protocol.
        if let Some(why) = api.unknown_protocol_reason() {
            out.undeterminable(ctx.scope.v2_api(api), why)
                .evidence("protocol_type", &api.protocol_type);
            continue;
        }
        let exposure = ctx.v2_exposure(api);
        let websocket = api.protocol_type == ProtocolType::Websocket;
        // Only the handshake authenticates a WebSocket connection; later messages travel on
        // the already-accepted connection.
        let judged: Vec<&Route> = routes
            .iter()
            .filter(|r| {
                if websocket {
                    r.route_key == "$connect"
                } else {
                    !api.is_cors_preflight(r)
                }
            })
            .collect();
        if websocket && judged.is_empty() {
            fail_exposed(
                out,
                ctx.scope.v2_api(api),
                &text!(
                    "WebSocket API {} has no $connect route: every connection is accepted \
                     without authentication",
                    api.name
                ),
                &exposure,
            )
            .evidence(
                "routes",
                routes.iter().map(|r| &r.route_key).collect::<Vec<_>>(),
            );
        }
        for route in judged {
            let target = ctx.scope.v2_route(api, &route.route_id, &route.route_key);
            if let Some(why) = route.authorization_type.unknown_reason() {
                out.undeterminable(target, format_args!("route `{}`: {why}", route.route_key))
                    .evidence("route_key", &route.route_key)
                    .evidence("authorization_type", &route.authorization_type);
            } else if route.authorization_type == AuthorizationType::None {
                fail_exposed(
                    out,
                    target,
                    &text!("route `{}` has authorization NONE", route.route_key),
                    &exposure,
                )
                .evidence("route_key", &route.route_key)
                .evidence("authorization_type", &route.authorization_type)
                .evidence("api_key_required", route.api_key_required);
            } else {
                out.pass(
                    target,
                    format_args!(
                        "route `{}` uses {} authorization",
                        route.route_key,
                        route.authorization_type.as_str()
                    ),
                )
                .evidence("authorization_type", &route.authorization_type);
            }
        }
    }
}
