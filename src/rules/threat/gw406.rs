use crate::analysis::exposure::Exposure;
use crate::model::{AuthorizationType, UnknownCause};
use crate::rules::{Emitter, RegionContext};

rule!(GW406, "threat/GW406-http-api-no-waf-path.toml");

/// WebSocket APIs cannot attach WAF either, but they are not in this rule's scope.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for api in ctx.http_apis(out) {
        let (target, name) = (ctx.scope.v2_api(api), &api.name);
        let exposure = ctx.v2_exposure(api);
        if let Exposure::NotPublic(why) = &exposure {
            out.pass(
                target,
                format_args!("HTTP API {name} is not reachable from the internet: {why}"),
            )
            .evidence("exposure", exposure.describe());
            continue;
        }
        let Some(routes) = ctx.api_routes(api, out) else {
            continue;
        };
        let judged = || routes.iter().filter(|r| !api.is_cors_preflight(r));
        let open: Vec<&str> = judged()
            .filter(|r| r.authorization_type == AuthorizationType::None)
            .map(|r| r.route_key.as_str())
            .collect();
        // Routes whose authorization type this version does not know may be open too.
        let undecided: Vec<String> = judged()
            .filter_map(|r| {
                let why = r.authorization_type.unknown_reason()?;
                Some(text!("route `{}`: {why}", r.route_key))
            })
            .collect();
        if open.is_empty() && !undecided.is_empty() {
            // An exposure that was not collected keeps its cause: rescanning may settle it.
            let cause = match &exposure {
                Exposure::Unknown(_, cause) => *cause,
                _ => UnknownCause::NotDeterminable,
            };
            out.unknown_because(
                target,
                format_args!(
                    "whether every route of HTTP API {name} requires authorization cannot be \
                     told ({}): {}",
                    exposure.describe(),
                    undecided.join("; ")
                ),
                cause,
            )
            .evidence("undecided_routes", undecided);
        } else if open.is_empty() {
            out.pass(
                target,
                format_args!(
                    "every route of HTTP API {name} requires authorization ({})",
                    exposure.describe()
                ),
            )
            .evidence("unauthenticated_routes", open);
        } else if let Exposure::Unknown(why, cause) = &exposure {
            out.unknown_because(
                target,
                format_args!(
                    "HTTP API {name} has routes without authorization but whether it is public \
                     is unknown: {why}"
                ),
                *cause,
            )
            .evidence("unauthenticated_routes", open);
        } else {
            out.fail(
                target,
                format_args!(
                    "HTTP API {name} is {} and serves routes without authorization that no WAF \
                     can protect: {}",
                    exposure.describe(),
                    open.join(", ")
                ),
            )
            .evidence("unauthenticated_routes", open)
            .evidence("exposure", exposure.describe());
        }
    }
}
