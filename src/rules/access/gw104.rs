use crate::rules::{each_part, Emitter, RegionContext, ResourceRef};

rule!(GW104, "access/GW104-authorizer-unused.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, a) in each_part(ctx.rest_apis(out), |api| ctx.rest_authorizers(api, out)) {
        let users = ctx.methods_of(api).map(|methods| {
            methods
                .into_iter()
                .filter(|(_, m)| m.authorizer_id.as_deref() == Some(a.id.as_str()))
                .map(|(r, m)| text!("{} {}", m.http_method, r.path))
                .collect()
        });
        let target = ctx.scope.rest_authorizer(api, &a.id, &a.name);
        judge(out, target, &a.name, "methods", users);
    }
    for (api, a) in each_part(ctx.v2_apis(out), |api| ctx.v2_authorizers(api, out)) {
        let users = ctx.routes_of(api).map(|routes| {
            routes
                .iter()
                .filter(|r| r.authorizer_id.as_deref() == Some(a.authorizer_id.as_str()))
                .map(|r| r.route_key.clone())
                .collect()
        });
        let target = ctx.scope.v2_authorizer(api, &a.authorizer_id, &a.name);
        judge(out, target, &a.name, "routes", users);
    }
}

/// `users`: the methods or routes that name the authorizer, or why they are unknown.
fn judge(
    out: &mut Emitter,
    target: ResourceRef,
    name: &str,
    users_are: &str,
    users: Result<Vec<String>, String>,
) {
    match users {
        Err(reason) => {
            out.unknown(
                target,
                format_args!("which {users_are} use it is unknown: {reason}"),
            );
        }
        Ok(users) if users.is_empty() => {
            out.fail(
                target,
                format_args!(
                    "authorizer {name} is attached to no method or route: it protects nothing"
                ),
            )
            .evidence("used_by", users);
        }
        Ok(users) => {
            out.pass(
                target,
                format_args!(
                    "authorizer {name} protects {} methods or routes",
                    users.len()
                ),
            )
            .evidence("used_by", users);
        }
    }
}
