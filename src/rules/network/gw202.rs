use crate::analysis::policy::{analyze_invoke, parse_policy, PrincipalScope, VPC_RESTRICTING_KEYS};
use crate::rules::{Emitter, RegionContext, RuleDef};

pub static RULE: RuleDef = RuleDef {
    id: "GW202",
    metadata: include_str!("../../../rules/network/GW202-private-api-unrestricted.toml"),
    check,
};

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let Some(apis) = ctx.rest_apis(out) else {
        return;
    };
    for api in apis.iter().filter(|a| a.is_private()) {
        let target = ctx.scope.rest_api(api);
        let Some(raw) = &api.policy else {
            out.fail(
                target,
                "PRIVATE API has no resource policy restricting it to your VPC endpoints",
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
        // Any principal counts here: an Allow without a VPC condition opens the API to every
        // VPC endpoint in every account that can resolve it.
        let analysis = analyze_invoke(&doc, PrincipalScope::All, VPC_RESTRICTING_KEYS);
        if analysis.open.is_empty() {
            let restricted: Vec<String> = analysis
                .restricted
                .iter()
                .map(|r| format!("{}: {}", r.statement, r.by))
                .collect();
            out.pass(
                target,
                "every Allow statement is limited to given VPCs or VPC endpoints",
            )
            .evidence("restrictions", restricted);
        } else {
            let statements: Vec<String> = analysis
                .open
                .iter()
                .map(|g| format!("{} on {}", g.statement, g.resources.join(", ")))
                .collect();
            out.fail(
                target,
                format!(
                    "PRIVATE API policy allows invoke without an aws:SourceVpce/aws:SourceVpc \
                     condition (statement {})",
                    analysis
                        .open
                        .iter()
                        .map(|g| g.statement.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .evidence("unrestricted_statements", statements)
            .evidence("vpc_endpoint_ids", &api.vpc_endpoint_ids);
        }
    }
}
