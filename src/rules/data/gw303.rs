use crate::model::EndpointAccessMode;
use crate::rules::{Emitter, RegionContext};

rule!(GW303, "data/GW303-endpoint-access-mode-basic.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    // With the default endpoint disabled no request reaches the API's own endpoint: the domain
    // in front of it is what enforces the mode.
    let apis = (ctx.rest_apis(out).iter())
        .filter(|a| !a.disable_execute_api_endpoint)
        .map(|a| {
            let what = text!("default endpoint of REST API {}", a.name);
            let policy = (
                a.security_policy.as_deref(),
                a.endpoint_access_mode.as_ref(),
            );
            (ctx.scope.rest_api(a), what, policy)
        });
    let domains = ctx.domain_names(out).iter().map(|d| {
        let what = text!("custom domain {}", d.domain_name);
        let policy = (
            d.security_policy.as_deref(),
            d.endpoint_access_mode.as_ref(),
        );
        (ctx.scope.domain(d), what, policy)
    });
    for (target, what, (policy, mode)) in apis.chain(domains) {
        // AWS: "any policy that starts with SecurityPolicy_ is an enhanced security policy";
        // only those take an endpoint access mode, so legacy policies are outside this rule.
        let Some(policy) = policy.filter(|p| p.starts_with("SecurityPolicy_")) else {
            continue;
        };
        let f = match mode {
            Some(EndpointAccessMode::Strict) => out.pass(
                target,
                format_args!("{what} uses {policy} with endpoint access mode STRICT"),
            ),
            Some(EndpointAccessMode::Basic) => out.fail(
                target,
                format_args!(
                    "{what} uses {policy} with endpoint access mode BASIC: requests from other \
                     endpoint types or with a mismatched SNI/Host are not rejected"
                ),
            ),
            // A mode AWS added after this version: whether it enforces what STRICT does
            // cannot be graded here.
            Some(EndpointAccessMode::Unknown(raw)) => out.undeterminable(
                target,
                format_args!(
                    "{what} uses {policy} with endpoint access mode `{raw}` \
                     (endpointAccessMode), a value this gwaudit version cannot grade"
                ),
            ),
            None => out.fail(
                target,
                format_args!(
                    "{what} uses {policy} with no endpoint access mode reported: STRICT is not \
                     enforced"
                ),
            ),
        };
        f.evidence("security_policy", policy)
            .evidence("endpoint_access_mode", mode);
    }
}
