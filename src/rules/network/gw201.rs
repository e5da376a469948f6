use super::{analyze_policy, rest_apis_by_endpoint};
use crate::analysis::policy::{PrincipalScope, CALLER_RESTRICTING_KEYS};
use crate::rules::{Emitter, RegionContext, Severity};

rule!(GW201, "network/GW201-resource-policy-public.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, target) in rest_apis_by_endpoint(ctx, out, false) {
        let Some(policy) = ctx.rest_policy(api) else {
            out.pass(
                target,
                "no resource policy grants access to anyone (method authorization decides)",
            )
            .evidence("policy", "none");
            continue;
        };
        let Some(analysis) = analyze_policy(
            out,
            &target,
            api,
            &policy,
            PrincipalScope::Anyone,
            CALLER_RESTRICTING_KEYS,
        ) else {
            continue;
        };
        if analysis.open.is_empty() {
            let f = out.pass(
                target,
                if analysis.restricted.is_empty() {
                    "resource policy grants invoke to named principals only".to_string()
                } else {
                    "resource policy restricts anonymous callers".to_string()
                },
            );
            f.evidence("restrictions", analysis.restriction_evidence());
            continue;
        }
        let open_methods = api.has_open_methods();
        let f = out.fail(
            target,
            format_args!(
                "resource policy lets anyone invoke the API without a restricting condition \
                 (statement {})",
                analysis.open_labels()
            ),
        );
        f.evidence("open_statements", analysis.open_evidence())
            .evidence(
                "unauthenticated_methods",
                match open_methods {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None if api.resources.is_none() => "not collected",
                    None => "unknown: an authorization type this version does not know",
                },
            );
        if open_methods == Some(true) {
            f.raise_to(Severity::Critical);
        }
    }
}
