use crate::model::AuthorizationType;
use crate::rules::{Emitter, RegionContext};

use super::exposed::fail_exposed;

rule!(GW101, "access/GW101-rest-method-unauthenticated.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, resource, method) in ctx.rest_methods_to_authenticate(out) {
        let target = ctx.scope.rest_method(api, resource, method);
        let route = text!("{} {}", method.http_method, resource.path);
        let authorization = &method.authorization_type;
        if let Some(why) = authorization.unknown_reason() {
            // Even with an API key required: whether the type authenticates is what this rule
            // judges, and it cannot be told.
            out.undeterminable(target, format_args!("{route}: {why}"))
                .evidence("authorization_type", authorization)
                .evidence("api_key_required", method.api_key_required);
        } else if method.open() == Ok(true) {
            fail_exposed(
                out,
                target,
                &text!(
                    "{route} has authorization NONE and requires no API key: anyone who can \
                     reach the API can call it"
                ),
                &ctx.rest_policy_exposure(api),
            )
            .evidence("authorization_type", authorization)
            .evidence("api_key_required", false);
        } else if *authorization == AuthorizationType::None {
            // A key is an identifier, not authentication; GW102 owns that verdict.
            out.pass(
                target,
                format_args!("{route} requires an API key (judged by GW102)"),
            )
            .evidence("api_key_required", true);
        } else {
            out.pass(
                target,
                format_args!("{route} uses {} authorization", authorization.as_str()),
            )
            .evidence("authorization_type", authorization);
        }
    }
}
