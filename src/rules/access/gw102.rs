use crate::model::AuthorizationType;
use crate::rules::{Emitter, RegionContext, Severity};

rule!(GW102, "access/GW102-rest-method-api-key-only.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, resource, method) in ctx.rest_methods_to_authenticate(out) {
        let target = ctx.scope.rest_method(api, resource, method);
        let route = text!("{} {}", method.http_method, resource.path);
        let authorization = &method.authorization_type;
        if let Some(why) = authorization.unknown_reason() {
            // Whether the key is the only protection depends on what the type checks.
            out.undeterminable(target, format_args!("{route}: {why}"))
                .evidence("authorization_type", authorization)
                .evidence("api_key_required", method.api_key_required);
        } else if *authorization == AuthorizationType::None && method.api_key_required {
            let f = out.fail(
                target,
                format_args!(
                    "{route} is protected only by an API key, an identifier shared with \
                     clients, not authentication"
                ),
            );
            f.evidence("authorization_type", authorization)
                .evidence("api_key_required", true)
                .evidence("http_method", &method.http_method);
            // A leaked key that can change state does more harm than one that can only read.
            if method.is_write() {
                f.raise_to(Severity::High);
            }
        } else {
            let key = if method.api_key_required {
                "required"
            } else {
                "not required"
            };
            out.pass(
                target,
                format_args!(
                    "{route} is not API-key-only (authorization {}, API key {key})",
                    authorization.as_str()
                ),
            )
            .evidence("authorization_type", authorization);
        }
    }
}
