use crate::analysis::tls::rest_api_policy;
use crate::model::unknown_endpoint_type_reason;
use crate::rules::{Emitter, RegionContext};

use super::tls_verdict::{emit, PolicyInUse};

rule!(GW302, "data/GW302-api-tls-policy-weak.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    // With the default endpoint disabled the API negotiates no TLS of its own.
    for api in ctx
        .rest_apis(out)
        .iter()
        .filter(|a| !a.disable_execute_api_endpoint)
    {
        // No policy set: the default depends on the endpoint type.
        if let (None, Some(raw)) = (&api.security_policy, api.unknown_endpoint_type()) {
            out.undeterminable(
                ctx.scope.rest_api(api),
                format_args!(
                    "REST API {} sets no TLS security policy and its default cannot be told: {}",
                    api.name,
                    unknown_endpoint_type_reason(raw)
                ),
            );
            continue;
        }
        let (name, defaulted) = rest_api_policy(api);
        emit(
            out,
            ctx.scope.rest_api(api),
            &text!("default endpoint of REST API {}", api.name),
            PolicyInUse {
                name: &name,
                defaulted,
                tls12_is_only_option: false,
            },
        );
    }
}
