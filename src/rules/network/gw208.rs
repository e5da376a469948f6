use crate::analysis::policy::{analyze_invoke, parse_policy, PrincipalScope};
use crate::model::EndpointType;
use crate::rules::{Emitter, RegionContext};

rule!(GW208, "network/GW208-private-domain-policy-open.toml");

/// The conditions that keep a private custom domain to given networks or the organization.
const PRIVATE_DOMAIN_KEYS: &[&str] = &["aws:SourceVpce", "aws:SourceVpc", "aws:PrincipalOrgID"];

/// A private custom domain is reachable from VPC endpoints that have an access association
/// with it; its execute-api policy is what decides who may invoke through it. Shared private
/// domains (owned by another account) carry the owner's policy and are the owner's to judge.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for d in ctx.domain_names(out) {
        if !d.endpoint_types.contains(&EndpointType::Private) {
            continue;
        }
        let target = ctx.scope.domain(d);
        let Some(raw) = &d.policy else {
            out.pass(
                target,
                format!(
                    "private custom domain {} has no execute-api policy: nobody can invoke \
                     through it",
                    d.domain_name
                ),
            )
            .evidence("policy", "none");
            continue;
        };
        let doc = match parse_policy(raw) {
            Ok(doc) => doc,
            Err(e) => {
                out.undeterminable(
                    target,
                    format!("execute-api policy could not be evaluated: {e}"),
                )
                .evidence("parse_error", e.0);
                continue;
            }
        };
        let analysis = analyze_invoke(&doc, PrincipalScope::Anyone, PRIVATE_DOMAIN_KEYS);
        if analysis.open.is_empty() {
            out.pass(
                target,
                format!(
                    "private custom domain {} lets anyone invoke only from given VPCs, VPC \
                     endpoints or the organization, or not at all",
                    d.domain_name
                ),
            )
            .evidence("restrictions", analysis.restriction_evidence());
        } else {
            out.fail(
                target,
                format!(
                    "private custom domain {} lets any principal invoke without an \
                     aws:SourceVpce, aws:SourceVpc or aws:PrincipalOrgID condition (statement {})",
                    d.domain_name,
                    analysis.open_labels()
                ),
            )
            .evidence("unrestricted_statements", analysis.open_evidence());
        }
    }
}
