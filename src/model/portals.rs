//! API Gateway developer portals (apigatewayv2 portals and portal products, November 2025): a
//! hosted catalog of REST APIs, optionally with a "try it" console, published to a URL.

use serde::{Deserialize, Serialize};

super::keeps_unknown!(PublishStatus, TryItState);

/// The collection error code of a portal product a portal includes but `ListPortalProducts`
/// did not return.
pub const NOT_LISTED_CODE: &str = "NotListed";

/// The collection error code of a portal product shared from another account, which this
/// account's `ListPortalProducts` does not return. It could be read (`resourceOwner`,
/// `resourceOwnerAccountId`) and gwaudit does not read it yet: a collection gap, not something
/// the API cannot tell.
pub const SHARED_PRODUCT_CODE: &str = "SharedFromOtherAccount";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Portal {
    pub portal_id: String,
    #[serde(default)]
    pub portal_arn: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub publish_status: Option<PublishStatus>,
    /// The Cognito user pool that signs readers in; `None`: anyone can read the portal.
    #[serde(default)]
    pub cognito_user_pool_arn: Option<String>,
    #[serde(default)]
    pub included_portal_product_arns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PublishStatus {
    Published,
    PublishInProgress,
    PublishFailed,
    Disabled,
    DisableInProgress,
    DisableFailed,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalProduct {
    pub portal_product_id: String,
    #[serde(default)]
    pub portal_product_arn: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// The product's REST endpoint pages (`ListProductRestEndpointPages`); `None`: not collected.
    #[serde(default)]
    pub rest_endpoint_pages: Option<Vec<RestEndpointPage>>,
}

/// One documented REST method of a portal product.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestEndpointPage {
    pub page_id: String,
    #[serde(default)]
    pub try_it_state: Option<TryItState>,
    #[serde(default)]
    pub rest_api_id: Option<String>,
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TryItState {
    Enabled,
    Disabled,
    /// A value this version does not know, as AWS sent it.
    #[serde(untagged)]
    Unknown(super::RawValue),
}
