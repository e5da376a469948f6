use super::{analyze_policy, rest_apis_by_endpoint};
use crate::analysis::policy::{PrincipalScope, VPC_RESTRICTING_KEYS};
use crate::rules::{Emitter, RegionContext};

rule!(GW202, "network/GW202-private-api-unrestricted.toml");

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, target) in rest_apis_by_endpoint(ctx, out, true) {
        let Some(policy) = ctx.rest_policy(api) else {
            out.fail(
                target,
                "PRIVATE API has no resource policy restricting it to your VPC endpoints",
            )
            .evidence("policy", "none");
            continue;
        };
        // Any principal counts here: an Allow without a VPC condition opens the API to every
        // VPC endpoint in every account that can resolve it.
        let Some(analysis) = analyze_policy(
            out,
            &target,
            api,
            &policy,
            PrincipalScope::All,
            VPC_RESTRICTING_KEYS,
        ) else {
            continue;
        };
        if analysis.open.is_empty() {
            out.pass(
                target,
                "every Allow statement is limited to given VPCs or VPC endpoints",
            )
            .evidence("restrictions", analysis.restriction_evidence());
        } else {
            out.fail(
                target,
                format_args!(
                    "PRIVATE API policy allows invoke without an aws:SourceVpce/aws:SourceVpc \
                     condition (statement {})",
                    analysis.open_labels()
                ),
            )
            .evidence("unrestricted_statements", analysis.open_evidence())
            .evidence("vpc_endpoint_ids", &api.vpc_endpoint_ids);
        }
    }
}
