use crate::analysis::policy::{grants_outside_org, parse_policy};
use crate::model::EndpointType;
use crate::rules::{Emitter, RegionContext};

rule!(
    GW209,
    "network/GW209-private-domain-shared-outside-org.toml"
);

/// The action a private custom domain's management policy grants to let an account associate
/// its VPC endpoints with the domain.
const CREATE_ASSOCIATION: &str = "apigateway:CreateAccessAssociation";

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for d in ctx.domain_names(out) {
        if !d.endpoint_types.contains(&EndpointType::Private) {
            continue;
        }
        let target = ctx.scope.domain(d);
        let Some(raw) = &d.management_policy else {
            out.pass(
                target,
                format!(
                    "private custom domain {} has no management policy: only its own account \
                     can associate VPC endpoints with it",
                    d.domain_name
                ),
            )
            .evidence("management_policy", "none");
            continue;
        };
        let doc = match parse_policy(raw) {
            Ok(doc) => doc,
            Err(e) => {
                out.undeterminable(
                    target,
                    format!("management policy could not be evaluated: {e}"),
                )
                .evidence("parse_error", e.0);
                continue;
            }
        };
        let grants = grants_outside_org(&doc, CREATE_ASSOCIATION, ctx.scope.account_id);
        if grants.is_empty() {
            out.pass(
                target,
                format!(
                    "private custom domain {} is shared for access associations only within \
                     the organization or the account",
                    d.domain_name
                ),
            );
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
            .evidence("principals", principals);
        }
    }
}
