use crate::collect::operations as op;
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW107",
    metadata: include_str!("../../../rules/access/GW107-request-validation-missing.toml"),
    check,
};

/// Methods whose requests carry a body. `ANY` serves POST, PUT and PATCH too, so it needs the
/// same validation; GET, DELETE, HEAD and OPTIONS are not evaluated.
fn accepts_body(http_method: &str) -> bool {
    matches!(http_method, "POST" | "PUT" | "PATCH" | "ANY")
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let apis = ctx.rest_apis(out);
    for api in apis {
        let Some(resources) = ctx.resources(api, out) else {
            continue;
        };
        for resource in resources {
            for method in resource
                .methods
                .iter()
                .filter(|m| accepts_body(&m.http_method))
            {
                let target = ctx.scope.rest_method(api, resource, &method.http_method);
                let route = format!("{} {}", method.http_method, resource.path);
                let Some(id) = method
                    .request_validator_id
                    .as_deref()
                    .filter(|id| !id.is_empty())
                else {
                    out.fail(
                        target,
                        format!(
                            "{route} has no request validator: API Gateway passes any body and \
                             parameters to the integration unchecked"
                        ),
                    )
                    .evidence("request_validator_id", None::<String>);
                    continue;
                };
                let Some(validators) = &api.request_validators else {
                    let reason = ctx.reason(
                        &op::GET_REQUEST_VALIDATORS,
                        Some(&ctx.scope.rest_api(api).arn),
                    );
                    out.unknown(
                        target,
                        format!("{route} uses request validator {id}, whose settings are unknown: {reason}"),
                    )
                    .evidence("request_validator_id", id);
                    continue;
                };
                // A validator the method references but the listing lacks: the listing is
                // incomplete (changed during collection or cut short), not proof of no validation.
                let Some(v) = validators.iter().find(|v| v.id == id) else {
                    out.unknown(
                        target,
                        format!(
                            "{route} uses request validator {id}, which is not among the {} \
                             validators GetRequestValidators returned",
                            validators.len()
                        ),
                    )
                    .evidence("request_validator_id", id);
                    continue;
                };
                let name = v.name.as_deref().unwrap_or(id);
                let validated = match (v.validate_request_body, v.validate_request_parameters) {
                    (true, true) => "the body and parameters",
                    (true, false) => "the body",
                    (false, true) => "the parameters only (the body is not validated)",
                    (false, false) => {
                        out.fail(
                            target,
                            format!(
                                "{route} uses request validator {name}, which validates neither \
                                 the body nor the parameters"
                            ),
                        )
                        .evidence("request_validator_id", id)
                        .evidence("validate_request_body", false)
                        .evidence("validate_request_parameters", false);
                        continue;
                    }
                };
                out.pass(
                    target,
                    format!("{route} uses request validator {name}, which validates {validated}"),
                )
                .evidence("request_validator_id", id)
                .evidence("validate_request_body", v.validate_request_body)
                .evidence("validate_request_parameters", v.validate_request_parameters);
            }
        }
    }
}
