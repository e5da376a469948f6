use crate::collect::operations as op;
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW104",
    metadata: include_str!("../../../rules/access/GW104-authorizer-unused.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    {
        let apis = ctx.rest_apis(out);
        for api in apis {
            let Some(authorizers) = ctx.rest_authorizers(api, out) else {
                continue;
            };
            for a in authorizers {
                let target = ctx.scope.rest_authorizer(api, &a.id, &a.name);
                let Some(_) = &api.resources else {
                    let reason = ctx.reason(&op::GET_RESOURCES, Some(&ctx.scope.rest_api(api).arn));
                    out.unknown(target, format!("which methods use it is unknown: {reason}"));
                    continue;
                };
                let users: Vec<String> = api
                    .methods()
                    .filter(|(_, m)| m.authorizer_id.as_deref() == Some(a.id.as_str()))
                    .map(|(r, m)| format!("{} {}", m.http_method, r.path))
                    .collect();
                judge(out, target, &a.name, users);
            }
        }
    }
    {
        let apis = ctx.v2_apis(out);
        for api in apis {
            let Some(authorizers) = ctx.v2_authorizers(api, out) else {
                continue;
            };
            for a in authorizers {
                let target = ctx.scope.v2_authorizer(api, &a.authorizer_id, &a.name);
                let Some(routes) = &api.routes else {
                    let reason = ctx.reason(&op::GET_ROUTES, Some(&ctx.scope.v2_api(api).arn));
                    out.unknown(target, format!("which routes use it is unknown: {reason}"));
                    continue;
                };
                let users: Vec<String> = routes
                    .iter()
                    .filter(|r| r.authorizer_id.as_deref() == Some(a.authorizer_id.as_str()))
                    .map(|r| r.route_key.clone())
                    .collect();
                judge(out, target, &a.name, users);
            }
        }
    }
}

fn judge(out: &mut Emitter, target: crate::rules::ResourceRef, name: &str, users: Vec<String>) {
    if users.is_empty() {
        out.fail(
            target,
            format!("authorizer {name} is attached to no method or route: it protects nothing"),
        )
        .evidence("used_by", users);
    } else {
        out.pass(
            target,
            format!(
                "authorizer {name} protects {} methods or routes",
                users.len()
            ),
        )
        .evidence("used_by", users);
    }
}
