//! Private custom domains across accounts: which account owns a listed domain, and the domain
//! name access associations through which VPC endpoints reach private custom domains.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::DomainName;

/// The owner of a listed domain or access association, as the `resourceOwner` of the call
/// that listed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResourceOwner {
    /// This account (`SELF`).
    #[serde(rename = "SELF")]
    OwnAccount,
    /// Another account: a private domain it shares with this one, or its VPC endpoint's
    /// association with one of this account's private domains (`OTHER_ACCOUNTS`).
    #[serde(rename = "OTHER_ACCOUNTS")]
    OtherAccounts,
}

super::keeps_unknown!(AccessAssociationSourceType);

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccessAssociationSourceType {
    /// An execute-api interface VPC endpoint.
    Vpce,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

/// A domain name access association (`GetDomainNameAccessAssociations`): the source (a VPC
/// endpoint) that can invoke a private custom domain name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainNameAccessAssociation {
    /// `domainNameAccessAssociationArn`; its account is the association's (and the VPC
    /// endpoint's) owner.
    #[serde(default)]
    pub arn: Option<String>,
    /// The private custom domain the source can invoke.
    #[serde(default)]
    pub domain_name_arn: Option<String>,
    #[serde(default)]
    pub access_association_source_type: Option<AccessAssociationSourceType>,
    /// The VPC endpoint id for a `VPCE` source.
    #[serde(default)]
    pub access_association_source: Option<String>,
    /// Which listing found it: `SELF`, this account's own endpoint (associated with its own
    /// domain or one shared with it); `OTHER_ACCOUNTS`, another account's endpoint associated
    /// with one of this account's domains.
    pub resource_owner: ResourceOwner,
    #[serde(default, deserialize_with = "super::unique_keys")]
    pub tags: BTreeMap<String, String>,
}

impl DomainNameAccessAssociation {
    /// The account that owns the association, from its ARN.
    pub fn account(&self) -> Option<&str> {
        self.arn.as_deref().and_then(arn_account)
    }
}

/// The account of an ARN (`arn:partition:service:region:account:resource`); `None` when the
/// ARN has none (public custom domains' ARNs carry no account).
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

impl DomainName {
    /// Whether another account owns this domain: it was listed as shared with this account
    /// (`resourceOwner` OTHER_ACCOUNTS), or its ARN names another account (a private domain's
    /// ARN carries its owner's account id). Its policies are then the owner's to set.
    pub fn is_owned_by_another_account(&self, account_id: &str) -> bool {
        self.resource_owner == Some(ResourceOwner::OtherAccounts)
            || (self.domain_name_arn.as_deref())
                .and_then(arn_account)
                .is_some_and(|owner| owner != account_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_comes_from_the_listing_or_the_arn() {
        let own = DomainName {
            domain_name_arn: Some(
                "arn:aws:apigateway:eu-west-1:111122223333:/domainnames/a.example+x1".into(),
            ),
            ..Default::default()
        };
        assert!(!own.is_owned_by_another_account("111122223333"));
        assert!(own.is_owned_by_another_account("444455556666"));
        let listed_as_shared = DomainName {
            resource_owner: Some(ResourceOwner::OtherAccounts),
            ..Default::default()
        };
        assert!(listed_as_shared.is_owned_by_another_account("111122223333"));
        // A public domain's ARN has no account: it is the scanned account's.
        let public = DomainName {
            domain_name_arn: Some("arn:aws:apigateway:eu-west-1::/domainnames/a.example".into()),
            ..Default::default()
        };
        assert!(!public.is_owned_by_another_account("111122223333"));
    }
}
