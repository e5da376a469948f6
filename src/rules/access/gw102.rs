use crate::model::AuthorizationType;
use crate::rules::{Emitter, RegionContext, RuleDef, Severity};

pub static RULE: RuleDef = RuleDef {
    id: "GW102",
    metadata: include_str!("../../../rules/access/GW102-rest-method-api-key-only.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.rest_apis(out);
    for api in apis {
        let Some(resources) = ctx.resources(api, out) else {
            continue;
        };
        for resource in resources {
            for method in resource.methods.iter().filter(|m| !m.is_cors_preflight()) {
                let target = ctx.scope.rest_method(api, resource, &method.http_method);
                let key_only =
                    method.authorization_type == AuthorizationType::None && method.api_key_required;
                if key_only {
                    let f = out.fail(
                        target,
                        format!(
                            "{} {} is protected only by an API key, an identifier shared with \
                             clients, not authentication",
                            method.http_method, resource.path
                        ),
                    );
                    f.evidence("authorization_type", method.authorization_type)
                        .evidence("api_key_required", true)
                        .evidence("http_method", &method.http_method);
                    if method.is_write() {
                        f.raise_to(Severity::High);
                    }
                } else {
                    out.pass(
                        target,
                        format!(
                            "{} {} is not API-key-only (authorization {}, API key {})",
                            method.http_method,
                            resource.path,
                            method.authorization_type.as_str(),
                            if method.api_key_required {
                                "required"
                            } else {
                                "not required"
                            }
                        ),
                    )
                    .evidence("authorization_type", method.authorization_type);
                }
            }
        }
    }
}
