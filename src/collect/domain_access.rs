//! API Gateway (v1) domain name access associations: the VPC endpoints that can reach private
//! custom domains. Two paged listings per region, one per owner: this account's endpoints
//! (with its own domains or domains shared with it) and other accounts' endpoints with this
//! account's domains.

use std::sync::Arc;

use aws_sdk_apigateway::types as sdk;

use super::RegionCollector;
use crate::model::*;
use crate::operations as op;

/// Whether a region can hold access associations: they exist only with private custom
/// domains, this account's own or shared with it (every shared domain is private, whether or
/// not its owner's configuration shows). A listing that was not collected may hold some.
pub fn may_have_associations(owned: Option<&[DomainName]>, shared: Option<&[DomainName]>) -> bool {
    let owns_private = owned.is_none_or(|l| {
        l.iter()
            .any(|d| d.endpoint_types.contains(&EndpointType::Private))
    });
    owns_private || shared.is_none_or(|l| !l.is_empty())
}

/// Every access association of the region, both owners; `None` when either listing failed
/// (the error is recorded). A region without private domains has none, and costs no call.
pub async fn access_associations(
    rc: &Arc<RegionCollector>,
    may_have_some: bool,
) -> Option<Vec<DomainNameAccessAssociation>> {
    if !may_have_some {
        return Some(Vec::new());
    }
    // Both owners, for the evidence of every domain: this account's endpoints and, on its own
    // domains, other accounts'.
    let (own, others) = tokio::join!(
        listing(rc, ResourceOwner::OwnAccount),
        listing(rc, ResourceOwner::OtherAccounts)
    );
    let mut all = own?;
    all.extend(others?);
    Some(all)
}

/// One owner's associations, following `position` pages (the SDK has no paginator for it).
async fn listing(
    rc: &Arc<RegionCollector>,
    owner: ResourceOwner,
) -> Option<Vec<DomainNameAccessAssociation>> {
    let mut items = Vec::new();
    let mut position: Option<String> = None;
    loop {
        let page = rc
            .call(
                &op::GET_DOMAIN_NAME_ACCESS_ASSOCIATIONS,
                None,
                rc.clients
                    .apigateway
                    .get_domain_name_access_associations()
                    .resource_owner(match owner {
                        ResourceOwner::OwnAccount => sdk::ResourceOwner::SelfValue,
                        ResourceOwner::OtherAccounts => sdk::ResourceOwner::OtherAccounts,
                    })
                    .limit(500)
                    .set_position(position.clone())
                    .send(),
            )
            .await?;
        items.extend(page.items().iter().map(|a| association_from(rc, a, owner)));
        let next = page
            .position()
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        // A repeated position would loop forever on a misbehaving endpoint.
        if next.is_none() || next == position {
            return Some(items);
        }
        position = next;
    }
}

fn association_from(
    rc: &RegionCollector,
    a: &sdk::DomainNameAccessAssociation,
    owner: ResourceOwner,
) -> DomainNameAccessAssociation {
    let arn = a.domain_name_access_association_arn().map(str::to_string);
    let resource = arn
        .clone()
        .unwrap_or_else(|| rc.apigw_arn("/domainnameaccessassociations"));
    DomainNameAccessAssociation {
        access_association_source_type: a.access_association_source_type().map(|t| {
            rc.keep(
                &op::GET_DOMAIN_NAME_ACCESS_ASSOCIATIONS,
                &resource,
                "accessAssociationSourceType",
                t.as_str(),
            )
        }),
        arn,
        domain_name_arn: a.domain_name_arn().map(Into::into),
        access_association_source: a.access_association_source().map(Into::into),
        resource_owner: owner,
        tags: super::convert::tags(a.tags()),
    }
}
