use crate::model::{DomainName, V2Api};
use crate::rules::{Emitter, RegionContext};

use super::tls_verdict::{emit, PolicyInUse};

rule!(GW301, "data/GW301-domain-tls-policy-weak.toml");

/// A domain that only HTTP/WebSocket APIs use can only have TLS_1_2. Every mapping (from either
/// API version's listing) must point at a known v2 API; when anything is unknown we cannot say
/// so, and grade the domain like any other.
fn serves_only_v2(domain: &DomainName, v2_apis: Option<&[V2Api]>) -> bool {
    let (Some(base), Some(api), Some(v2)) =
        (&domain.base_path_mappings, &domain.api_mappings, v2_apis)
    else {
        return false;
    };
    let mut mapped = base
        .iter()
        .map(|m| m.rest_api_id.as_str())
        .chain(api.iter().map(|m| m.api_id.as_str()))
        .peekable();
    mapped.peek().is_some() && mapped.all(|id| v2.iter().any(|a| a.api_id == id))
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for domain in ctx.domain_names(out) {
        let target = ctx.scope.domain(domain);
        let what = text!("custom domain {}", domain.domain_name);
        match &domain.security_policy {
            None => {
                out.undeterminable(
                    target,
                    format_args!("{what}: AWS reported no security policy"),
                );
            }
            Some(name) => emit(
                out,
                target,
                &what,
                PolicyInUse {
                    name,
                    defaulted: false,
                    tls12_is_only_option: serves_only_v2(domain, ctx.v2_apis_if_collected()),
                },
            ),
        }
    }
}
