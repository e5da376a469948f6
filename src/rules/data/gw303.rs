use crate::model::EndpointAccessMode;
use crate::rules::{Emitter, RegionContext, ResourceRef, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW303",
    metadata: include_str!("../../../rules/data/GW303-endpoint-access-mode-basic.toml"),
    check,
};

/// AWS: "any policy that starts with SecurityPolicy_ is an enhanced security policy"; only
/// those take an endpoint access mode, so legacy policies are outside this rule.
fn enhanced(policy: Option<&str>) -> Option<&str> {
    policy.filter(|p| p.starts_with("SecurityPolicy_"))
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    {
        let apis = ctx.rest_apis(out);
        // With the default endpoint disabled no request reaches the API's own endpoint: the
        // domain in front of it (judged below) is what enforces the mode.
        for api in apis.iter().filter(|a| !a.disable_execute_api_endpoint) {
            if let Some(policy) = enhanced(api.security_policy.as_deref()) {
                judge(
                    out,
                    ctx.scope.rest_api(api),
                    &format!("default endpoint of REST API {}", api.name),
                    policy,
                    api.endpoint_access_mode,
                );
            }
        }
    }
    {
        let domains = ctx.domain_names(out);
        for domain in domains {
            if let Some(policy) = enhanced(domain.security_policy.as_deref()) {
                judge(
                    out,
                    ctx.scope.domain(domain),
                    &format!("custom domain {}", domain.domain_name),
                    policy,
                    domain.endpoint_access_mode,
                );
            }
        }
    }
}

fn judge(
    out: &mut Emitter,
    target: ResourceRef,
    what: &str,
    policy: &str,
    mode: Option<EndpointAccessMode>,
) {
    let f = match mode {
        Some(EndpointAccessMode::Strict) => out.pass(
            target,
            format!("{what} uses {policy} with endpoint access mode STRICT"),
        ),
        Some(EndpointAccessMode::Basic) => out.fail(
            target,
            format!(
                "{what} uses {policy} with endpoint access mode BASIC: requests from other \
                 endpoint types or with a mismatched SNI/Host are not rejected"
            ),
        ),
        None => out.fail(
            target,
            format!(
                "{what} uses {policy} with no endpoint access mode reported: STRICT is not \
                 enforced"
            ),
        ),
    };
    f.evidence("security_policy", policy)
        .evidence("endpoint_access_mode", mode);
}
