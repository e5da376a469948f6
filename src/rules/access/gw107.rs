use crate::operations as op;
use crate::rules::{Emitter, RegionContext};

rule!(GW107, "access/GW107-request-validation-missing.toml");

/// Methods whose requests carry a body. `ANY` serves POST, PUT and PATCH too, so it needs the
/// same validation; GET, DELETE, HEAD and OPTIONS are not evaluated.
fn accepts_body(http_method: &str) -> bool {
    matches!(http_method, "POST" | "PUT" | "PATCH" | "ANY")
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, resource, method) in ctx.rest_methods(out) {
        if !accepts_body(&method.http_method) {
            continue;
        }
        let target = ctx.scope.rest_method(api, resource, method);
        let route = text!("{} {}", method.http_method, resource.path);
        let Some(id) = method
            .request_validator_id
            .as_deref()
            .filter(|id| !id.is_empty())
        else {
            out.fail(
                target,
                format_args!(
                    "{route} has no request validator: API Gateway passes any body and \
                     parameters to the integration unchecked"
                ),
            )
            .evidence("request_validator_id", None::<String>);
            continue;
        };
        // Validators are collected only for APIs whose methods reference one, and no other
        // rule reads them, so the context has no accessor for them.
        let validator = match &api.request_validators {
            None => Err(text!(
                "{route} uses request validator {id}, whose settings are unknown: {}",
                ctx.reason(
                    &op::GET_REQUEST_VALIDATORS,
                    Some(&ctx.scope.rest_api(api).arn)
                )
            )),
            // A validator the method references but the listing lacks: the listing is
            // incomplete (changed during collection or cut short), not proof of no validation.
            Some(all) => all.iter().find(|v| v.id == id).ok_or_else(|| {
                text!(
                    "{route} uses request validator {id}, which is not among the {} validators \
                     GetRequestValidators returned",
                    all.len()
                )
            }),
        };
        let v = match validator {
            Ok(v) => v,
            Err(reason) => {
                out.unknown(target, reason)
                    .evidence("request_validator_id", id);
                continue;
            }
        };
        let name = v.name.as_deref().unwrap_or(id);
        let validated = match (v.validate_request_body, v.validate_request_parameters) {
            (true, true) => Some("the body and parameters"),
            (true, false) => Some("the body"),
            (false, true) => Some("the parameters only (the body is not validated)"),
            (false, false) => None,
        };
        let f = match validated {
            Some(validated) => out.pass(
                target,
                format_args!("{route} uses request validator {name}, which validates {validated}"),
            ),
            None => out.fail(
                target,
                format_args!(
                    "{route} uses request validator {name}, which validates neither the body \
                     nor the parameters"
                ),
            ),
        };
        f.evidence("request_validator_id", id)
            .evidence("validate_request_body", v.validate_request_body)
            .evidence("validate_request_parameters", v.validate_request_parameters);
    }
}
