use serde::{Deserialize, Serialize};

/// The IAM roles API Gateway uses (account CloudWatch role, integration and authorizer
/// credentials), looked up by ARN.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamSnapshot {
    #[serde(default)]
    pub roles: Vec<IamRole>,
    /// Role ARNs that were looked up and do not exist (`NoSuchEntity`).
    #[serde(default)]
    pub missing_role_arns: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamRole {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    /// `None`: the list could not be read (never "no policies").
    pub inline_policies: Option<Vec<IamPolicy>>,
    #[serde(default)]
    pub attached_policies: Option<Vec<IamPolicy>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamPolicy {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// The policy document as returned (URL-decoded JSON, possibly escaped); `None`: it could
    /// not be read.
    #[serde(default)]
    pub document: Option<String>,
}
