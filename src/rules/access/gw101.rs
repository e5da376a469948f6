use crate::analysis::exposure;
use crate::model::AuthorizationType;
use crate::rules::{Emitter, RegionContext, RuleDef, Severity};

pub static RULE: RuleDef = RuleDef {
    id: "GW101",
    metadata: include_str!("../../../rules/access/GW101-rest-method-unauthenticated.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.rest_apis(out);
    for api in apis {
        let Some(resources) = ctx.resources(api, out) else {
            continue;
        };
        let exposure = exposure::rest_api(api);
        for resource in resources {
            for method in resource.methods.iter().filter(|m| !m.is_cors_preflight()) {
                let target = ctx.scope.rest_method(api, resource, &method.http_method);
                if method.is_open() {
                    let f = out.fail(
                        target,
                        format!(
                            "{} {} has authorization NONE and requires no API key: anyone who can \
                             reach the API can call it ({})",
                            method.http_method,
                            resource.path,
                            exposure.describe()
                        ),
                    );
                    f.evidence("authorization_type", method.authorization_type)
                        .evidence("api_key_required", false)
                        .evidence("exposure", exposure.describe());
                    if exposure.maybe_public() {
                        f.raise_to(Severity::High);
                    }
                } else if method.authorization_type == AuthorizationType::None {
                    out.pass(
                        target,
                        format!(
                            "{} {} requires an API key (judged by GW102)",
                            method.http_method, resource.path
                        ),
                    )
                    .evidence("api_key_required", true);
                } else {
                    out.pass(
                        target,
                        format!(
                            "{} {} uses {} authorization",
                            method.http_method,
                            resource.path,
                            method.authorization_type.as_str()
                        ),
                    )
                    .evidence("authorization_type", method.authorization_type);
                }
            }
        }
    }
}
