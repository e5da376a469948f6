use serde::{Deserialize, Serialize};

/// Why a result is `unknown`. Only `NotCollected` can be fixed by rescanning with more access,
/// and only it may hide an open alert: code scanning would close the alert of a resource that
/// a failed call left out, so it alone withholds SARIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum UnknownCause {
    /// A call failed: a missing permission, throttling beyond the retries, a 5xx, an answer
    /// that could not be read.
    NotCollected,
    /// The AWS API cannot tell, whatever the access: the contents of a customer rule group, a
    /// role in another account, a policy that does not parse, a value this version does not
    /// know.
    NotDeterminable,
}

impl UnknownCause {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// For people: `not collected`, `not determinable`.
    pub fn describe(self) -> &'static str {
        match self {
            UnknownCause::NotCollected => "not collected",
            UnknownCause::NotDeterminable => "not determinable",
        }
    }
}

/// The code of a value AWS sent that this version does not know (kept as [`super::RawValue`]).
pub const UNKNOWN_VALUE_CODE: &str = "UnknownValue";

/// The code of a managed rule group version WAF refuses to describe for good: the version a
/// web ACL pins has expired or is scheduled to expire.
pub const VERSION_UNAVAILABLE_CODE: &str = "ManagedRuleGroupVersionUnavailable";

/// Codes the collector records for what no call can read (not failures): a role of another
/// account cannot be read from this one; a value this version does not know cannot be graded
/// however much access the scan has (rescanning with this version changes nothing); a pinned
/// managed group version past its expiry is refused to every caller, every time.
const NOT_DETERMINABLE_CODES: &[&str] = &[
    "CrossAccountRole",
    UNKNOWN_VALUE_CODE,
    VERSION_UNAVAILABLE_CODE,
];

/// A call that failed during collection. Rules that needed its data answer `unknown` and cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionError {
    /// The account the call was made in. Absent in a snapshot (each account holds its own);
    /// always set in a report, which lists every account's errors together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
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
    pub fn cause(&self) -> UnknownCause {
        if NOT_DETERMINABLE_CODES.contains(&self.code.as_str()) {
            UnknownCause::NotDeterminable
        } else {
            UnknownCause::NotCollected
        }
    }

    /// One-line reason for `unknown` results: what failed and, when known, what to grant.
    pub fn reason(&self) -> String {
        let what = match self.cause() {
            UnknownCause::NotCollected => "failed",
            _ if self.code == UNKNOWN_VALUE_CODE => "returned a value this version does not know",
            _ if self.code == VERSION_UNAVAILABLE_CODE => {
                "cannot describe the pinned version, expired or scheduled to expire"
            }
            UnknownCause::NotDeterminable => "cannot be read from this account",
        };
        let mut s = format!("{}:{} {what} ({})", self.service, self.operation, self.code);
        if let Some(resource) = &self.resource {
            s.push_str(&format!(" for {resource}"));
        }
        if let Some(p) = &self.missing_permission {
            s.push_str(&format!("; missing permission {p}"));
        }
        s
    }
}
