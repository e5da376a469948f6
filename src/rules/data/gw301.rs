use crate::model::DomainName;
use crate::rules::{Emitter, RegionContext, RuleDef};

use super::tls_verdict::{emit, PolicyInUse};

pub static RULE: RuleDef = RuleDef {
    id: "GW301",
    metadata: include_str!("../../../rules/data/GW301-domain-tls-policy-weak.toml"),
    check,
};

/// A domain that only HTTP/WebSocket APIs use can only have TLS_1_2. When its REST mappings
/// were not collected we cannot say so, and grade it like any other domain.
fn serves_only_v2(domain: &DomainName) -> bool {
    matches!(&domain.base_path_mappings, Some(m) if m.is_empty())
        && matches!(&domain.api_mappings, Some(m) if !m.is_empty())
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let Some(domains) = ctx.domain_names(out) else {
        return;
    };
    for domain in domains {
        let target = ctx.scope.domain(&domain.domain_name);
        let what = format!("custom domain {}", domain.domain_name);
        match &domain.security_policy {
            None => {
                out.unknown(target, format!("{what}: AWS reported no security policy"));
            }
            Some(name) => emit(
                out,
                target,
                &what,
                PolicyInUse {
                    name,
                    defaulted: false,
                    tls12_is_only_option: serves_only_v2(domain),
                },
            ),
        }
    }
}
