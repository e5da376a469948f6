use serde::{Deserialize, Serialize};

/// A call that failed during collection. Rules that needed its data answer `unknown` and cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionError {
    /// AWS service, e.g. `apigateway`, `wafv2`.
    pub service: String,
    /// API operation, e.g. `GetResources`.
    pub operation: String,
    /// Region of the call; `None` for global services.
    #[serde(default)]
    pub region: Option<String>,
    /// The resource the call was about (ARN or id), `None` for list calls.
    #[serde(default)]
    pub resource: Option<String>,
    /// AWS error code (`AccessDeniedException`, `TooManyRequestsException`, `Timeout`...).
    pub code: String,
    pub message: String,
    /// The IAM permission that was missing, when the error says access was denied.
    #[serde(default)]
    pub missing_permission: Option<String>,
}

impl CollectionError {
    /// One-line reason for `unknown` results: what failed and, when known, what to grant.
    pub fn reason(&self) -> String {
        let mut s = format!("{}:{} failed ({})", self.service, self.operation, self.code);
        if let Some(resource) = &self.resource {
            s.push_str(&format!(" for {resource}"));
        }
        if let Some(p) = &self.missing_permission {
            s.push_str(&format!("; missing permission {p}"));
        }
        s
    }
}
