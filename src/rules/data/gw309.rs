use crate::model::{DomainName, EndpointType, ProtocolType, V2Api};
use crate::rules::{Emitter, RegionContext};

rule!(GW309, "data/GW309-domain-tls-not-post-quantum.toml");

/// Custom domains of every endpoint type get TLS_1_2 when no policy is set.
const DOMAIN_DEFAULT_POLICY: &str = "TLS_1_2";

/// AWS marks the policies with hybrid post-quantum key exchange with `PQ` in the name.
fn is_post_quantum(policy: &str) -> bool {
    policy.contains("_PQ_")
}

/// HTTP APIs cannot be mapped to a domain with an enhanced policy, PQ ones included.
fn maps_http_api(domain: &DomainName, v2_apis: Option<&[V2Api]>) -> bool {
    let (Some(mappings), Some(apis)) = (&domain.api_mappings, v2_apis) else {
        return false;
    };
    mappings.iter().any(|m| {
        apis.iter()
            .any(|a| a.api_id == m.api_id && a.protocol_type == ProtocolType::Http)
    })
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for domain in ctx.domain_names(out) {
        let target = ctx.scope.domain(domain);
        let name = &domain.domain_name;
        let (policy, defaulted) = match &domain.security_policy {
            Some(p) => (p.as_str(), false),
            None => (DOMAIN_DEFAULT_POLICY, true),
        };
        let f = if is_post_quantum(policy) {
            out.pass(
                target,
                format_args!("custom domain {name} uses post-quantum policy {policy}"),
            )
        } else {
            // Say when the fix takes more than a policy change: there is no PQ policy for
            // edge-optimized domains, and mutual TLS or HTTP API mappings rule out every
            // enhanced policy.
            let obstacle = if domain.endpoint_types.contains(&EndpointType::Edge) {
                "; edge-optimized domains offer no post-quantum policy (a regional domain is needed)"
            } else if domain.mutual_tls.is_some() {
                "; mutual TLS cannot be combined with an enhanced policy"
            } else if maps_http_api(domain, ctx.v2_apis_if_collected()) {
                "; a domain that maps HTTP APIs cannot use an enhanced policy"
            } else {
                ""
            };
            let shown = if defaulted {
                text!("{policy} (the default when none is set)")
            } else {
                policy.to_string()
            };
            out.fail(
                target,
                format_args!(
                    "custom domain {name} uses {shown}, which offers no hybrid post-quantum key exchange{obstacle}"
                ),
            )
        };
        f.evidence("security_policy", policy)
            .evidence("defaulted", defaulted);
    }
}
