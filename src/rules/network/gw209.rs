use super::{associated_endpoints, private_domain_policies};
use crate::analysis::policy::grants_outside_org;
use crate::rules::{Emitter, RegionContext};

rule!(
    GW209,
    "network/GW209-private-domain-shared-outside-org.toml"
);

/// The action a private custom domain's management policy grants to let an account associate
/// its VPC endpoints with the domain.
const CREATE_ASSOCIATION: &str = "apigateway:CreateAccessAssociation";

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let domains = private_domain_policies(
        ctx,
        out,
        "management policy",
        |d| d.management_policy.as_ref(),
        // The management policy is optional: without one only the owner can associate.
        |out, target, d| {
            out.pass(
                target,
                format!(
                    "private custom domain {} has no management policy: only its own account \
                     can associate VPC endpoints with it",
                    d.domain_name
                ),
            )
            .evidence("management_policy", "none")
            .evidence("associated_vpc_endpoints", associated_endpoints(ctx, d));
        },
    );
    for (d, target, doc) in domains {
        let grants = grants_outside_org(&doc, CREATE_ASSOCIATION, ctx.scope.account_id);
        if grants.is_empty() {
            out.pass(
                target,
                format!(
                    "private custom domain {} is shared for access associations only within \
                     the organization or the account",
                    d.domain_name
                ),
            )
            .evidence("associated_vpc_endpoints", associated_endpoints(ctx, d));
        } else {
            let principals: Vec<String> = grants.iter().flat_map(|g| g.resources.clone()).collect();
            out.fail(
                target,
                format!(
                    "the management policy of private custom domain {} lets {} create access \
                     associations without an aws:PrincipalOrgID condition (statement {})",
                    d.domain_name,
                    principals.join(", "),
                    grants
                        .iter()
                        .map(|g| g.statement.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .evidence("principals", principals)
            .evidence("associated_vpc_endpoints", associated_endpoints(ctx, d));
        }
    }
}
