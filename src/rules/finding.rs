use std::collections::BTreeMap;

use crate::model::UnknownCause;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use strum::VariantArray;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Most severe first: the order of report summaries and sections.
    pub const ALL: [Severity; Self::VARIANTS.len()] = {
        let ascending = Self::VARIANTS;
        let mut all = [Severity::Info; Self::VARIANTS.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = ascending[ascending.len() - 1 - i];
            i += 1;
        }
        all
    };

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Status {
    Fail,
    Unknown,
    Pass,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One rule's verdict on one resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub resource_arn: String,
    /// Stable relative path used as the SARIF location.
    pub resource_path: String,
    /// Human-readable name of the resource.
    pub resource_label: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_tags: BTreeMap<String, String>,
    pub account_id: String,
    pub region: String,
    pub message: String,
    pub evidence: BTreeMap<String, Value>,
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation_url: Option<String>,
    /// Why an `unknown` result could not be decided; absent on other results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_cause: Option<UnknownCause>,
}

impl Finding {
    /// Adds a deciding value to the evidence.
    pub fn evidence(&mut self, key: &str, value: impl Serialize) -> &mut Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.evidence.insert(key.to_string(), value);
        self
    }

    /// Raises the severity from evidence (never lowers it).
    pub fn raise_to(&mut self, severity: Severity) -> &mut Self {
        self.severity = self.severity.max(severity);
        self
    }
}

/// Stable across runs, region order and versions that do not change the rule: only the rule,
/// the account, the region and the resource ARN go in.
pub fn fingerprint(rule_id: &str, account_id: &str, region: &str, arn: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule_id, account_id, region, arn] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_list_most_severe_first_and_parse_in_any_case() {
        assert_eq!(
            Severity::ALL.map(Severity::as_str),
            ["critical", "high", "medium", "low", "info"]
        );
        assert_eq!("HIGH".parse(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
        assert_eq!(Severity::Critical.to_string(), "critical");
        assert_eq!(Status::Unknown.as_str(), "unknown");
    }
}
