use crate::analysis::policy::{
    analyze_invoke, parse_policy, PrincipalScope, CALLER_RESTRICTING_KEYS,
};
use crate::rules::{Emitter, RegionContext, RuleDef, Severity};

pub static RULE: RuleDef = RuleDef {
    id: "GW201",
    metadata: include_str!("../../../rules/network/GW201-resource-policy-public.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let Some(apis) = ctx.rest_apis(out) else {
        return;
    };
    // PRIVATE APIs are judged by GW202.
    for api in apis.iter().filter(|a| !a.is_private()) {
        let target = ctx.scope.rest_api(api);
        let Some(raw) = &api.policy else {
            out.pass(
                target,
                "no resource policy grants access to anyone (method authorization decides)",
            )
            .evidence("policy", "none");
            continue;
        };
        let doc = match parse_policy(raw) {
            Ok(doc) => doc,
            Err(e) => {
                out.unknown(
                    target,
                    format!("resource policy could not be evaluated: {e}"),
                )
                .evidence("parse_error", e.0);
                continue;
            }
        };
        let analysis = analyze_invoke(&doc, PrincipalScope::Anyone, CALLER_RESTRICTING_KEYS);
        if analysis.open.is_empty() {
            let f = out.pass(
                target,
                if analysis.restricted.is_empty() {
                    "resource policy grants invoke to named principals only".to_string()
                } else {
                    "resource policy restricts anonymous callers".to_string()
                },
            );
            let restricted: Vec<String> = analysis
                .restricted
                .iter()
                .map(|r| format!("{}: {}", r.statement, r.by))
                .collect();
            f.evidence("restrictions", restricted);
            continue;
        }
        let statements: Vec<String> = analysis
            .open
            .iter()
            .map(|g| format!("{} on {}", g.statement, g.resources.join(", ")))
            .collect();
        let open_methods = api.has_open_methods();
        let f = out.fail(
            target,
            format!(
                "resource policy lets anyone invoke the API without a restricting condition \
                 (statement {})",
                analysis
                    .open
                    .iter()
                    .map(|g| g.statement.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        f.evidence("open_statements", statements).evidence(
            "unauthenticated_methods",
            match open_methods {
                Some(true) => "yes",
                Some(false) => "no",
                None => "not collected",
            },
        );
        if open_methods == Some(true) {
            f.raise_to(Severity::Critical);
        }
    }
}
