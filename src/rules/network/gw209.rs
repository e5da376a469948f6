use super::{associated_endpoints, associations_of, private_domain_policies};
use crate::analysis::policy::grants_outside_org;
use crate::model::{DomainName, UnknownCause};
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
        // The management policy is optional: without one only the owner can associate. An
        // association of another account's endpoint says the domain is shared some other way
        // (through AWS RAM, say) that the policy does not show: no pass on that.
        |out, target, d| match other_accounts_associated(ctx, d) {
            Err((why, cause)) => {
                out.unknown_because(
                    target,
                    format_args!(
                        "private custom domain {} has no management policy; whether another \
                         account already associates VPC endpoints with it is unknown: {why}",
                        d.domain_name
                    ),
                    cause,
                )
                .evidence("management_policy", "none");
            }
            Ok(others) if others.is_empty() => {
                out.pass(
                    target,
                    format_args!(
                        "private custom domain {} has no management policy and no other \
                         account's VPC endpoint is associated with it",
                        d.domain_name
                    ),
                )
                .evidence("management_policy", "none")
                .evidence("associated_vpc_endpoints", associated_endpoints(ctx, d));
            }
            Ok(others) => {
                out.undeterminable(
                    target,
                    format_args!(
                        "private custom domain {} has no management policy, yet VPC endpoints \
                         of account {} are associated with it: it is shared in a way the \
                         policy does not show, so whether accounts outside the organization \
                         can associate cannot be told from here",
                        d.domain_name,
                        others.join(", ")
                    ),
                )
                .evidence("management_policy", "none")
                .evidence("associated_vpc_endpoints", associated_endpoints(ctx, d));
            }
        },
    );
    for (d, target, doc) in domains {
        let grants = grants_outside_org(&doc, CREATE_ASSOCIATION, ctx.scope.account_id);
        if grants.is_empty() {
            out.pass(
                target,
                format_args!(
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
                format_args!(
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

/// Accounts other than this one whose VPC endpoints are associated with the domain; why not,
/// when the associations cannot be told.
fn other_accounts_associated<'a>(
    ctx: &RegionContext<'a>,
    d: &DomainName,
) -> Result<Vec<&'a str>, (String, UnknownCause)> {
    let mut accounts: Vec<&str> = associations_of(ctx, d)?
        .into_iter()
        .filter_map(|a| a.account())
        .filter(|account| *account != ctx.scope.account_id)
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    Ok(accounts)
}
