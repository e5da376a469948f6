use super::{associated_endpoints, private_domain_policies};
use crate::analysis::policy::{analyze_invoke_where, PrincipalScope};
use crate::rules::{Emitter, RegionContext};

rule!(GW208, "network/GW208-private-domain-policy-open.toml");

/// The conditions that keep a private custom domain to given networks or the organization.
const PRIVATE_DOMAIN_KEYS: &[&str] = &["aws:SourceVpce", "aws:SourceVpc", "aws:PrincipalOrgID"];

/// A private custom domain is invoked only through an execute-api VPC endpoint associated with
/// it, so every request carries these: `StringEqualsIfExists` on them restricts like
/// `StringEquals`. `aws:PrincipalOrgID` is absent from anonymous requests.
const ALWAYS_PRESENT: &[&str] = &["aws:SourceVpce", "aws:SourceVpc"];

/// A private custom domain is reachable from VPC endpoints that have an access association
/// with it (listed as evidence); its execute-api policy is what decides who may invoke through
/// it. Shared private domains (owned by another account) carry the owner's policy, invisible
/// here, and are the owner's to judge: they get no result.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    let domains = private_domain_policies(
        ctx,
        out,
        "execute-api policy",
        |d| d.policy.as_ref(),
        // AWS requires the policy of a private domain, so its absence is missing data (a
        // snapshot of an older gwaudit does not record it), never "nobody can invoke".
        |out, target, d| {
            out.unknown(
                target,
                format_args!(
                    "the execute-api policy of private custom domain {} is not in the \
                     snapshot (AWS requires one; a snapshot of an older gwaudit version does \
                     not record it): scan again to collect it",
                    d.domain_name
                ),
            );
        },
    );
    for (d, target, doc) in domains {
        let analysis = analyze_invoke_where(
            &doc,
            PrincipalScope::Anyone,
            PRIVATE_DOMAIN_KEYS,
            ALWAYS_PRESENT,
        );
        if analysis.open.is_empty() {
            out.pass(
                target,
                format_args!(
                    "private custom domain {} lets anyone invoke only from given VPCs, VPC \
                     endpoints or the organization, or not at all",
                    d.domain_name
                ),
            )
            .evidence("restrictions", analysis.restriction_evidence())
            .evidence("associated_vpc_endpoints", associated_endpoints(ctx, d));
        } else {
            out.fail(
                target,
                format_args!(
                    "private custom domain {} lets any principal invoke without an \
                     aws:SourceVpce, aws:SourceVpc or aws:PrincipalOrgID condition (statement {})",
                    d.domain_name,
                    analysis.open_labels()
                ),
            )
            .evidence("unrestricted_statements", analysis.open_evidence())
            .evidence("associated_vpc_endpoints", associated_endpoints(ctx, d));
        }
    }
}
