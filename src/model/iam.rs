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
    pub inline_policies: Vec<IamPolicy>,
    #[serde(default)]
    pub attached_policies: Vec<IamPolicy>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamPolicy {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// The policy document as returned (URL-decoded JSON, possibly escaped).
    #[serde(default)]
    pub document: Option<String>,
}
