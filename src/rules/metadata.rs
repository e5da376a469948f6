//! Rule metadata, one TOML file per rule under top-level `rules/`, compiled into the binary.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Category {
    Access,
    Network,
    Data,
    Threat,
    Logging,
    Account,
    Hygiene,
}

impl Category {
    /// The category an id belongs to (GW1xx access ... GW7xx hygiene).
    pub fn of_id(id: &str) -> Option<Category> {
        match id.strip_prefix("GW")?.chars().next()? {
            '1' => Some(Category::Access),
            '2' => Some(Category::Network),
            '3' => Some(Category::Data),
            '4' => Some(Category::Threat),
            '5' => Some(Category::Logging),
            '6' => Some(Category::Account),
            '7' => Some(Category::Hygiene),
            _ => None,
        }
    }

    /// The folder under `rules/` that holds the category's TOML files.
    pub fn dir(self) -> &'static str {
        self.into()
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Access => "Identity and access",
            Category::Network => "Network and endpoint",
            Category::Data => "Data protection and TLS",
            Category::Threat => "Threat protection and rate control",
            Category::Logging => "Monitoring and logging",
            Category::Account => "Account and audit",
            Category::Hygiene => "Hygiene",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub slug: String,
    pub title: String,
    /// One sentence: what fails.
    pub summary: String,
    pub severity: Severity,
    /// The highest severity evidence can raise a result to; `severity` when absent.
    #[serde(default)]
    pub max_severity: Option<Severity>,
    /// When and why the severity is raised.
    #[serde(default)]
    pub severity_note: Option<String>,
    /// What the rule evaluates, one result each.
    pub applies_to: String,
    /// Why it matters, with the attack it enables.
    pub rationale: String,
    pub remediation: Remediation,
    pub references: Vec<String>,
    /// Framework id to requirement ids, filled from `rules/frameworks/` (the one place that
    /// maps requirements to rules), never written in a rule's TOML.
    #[serde(default, skip_deserializing)]
    pub compliance: BTreeMap<String, Vec<String>>,
    /// How other scanners cover the same check, by their check ids (`Prowler
    /// apigateway_restapi_public`, `Security Hub APIGateway.1`). Framework requirements are
    /// not peer checks: they are mapped in `rules/frameworks/` only.
    #[serde(default)]
    pub peer_parity: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    pub console: String,
    pub cli: String,
    pub terraform: String,
    pub cloudformation: String,
}

impl RuleMeta {
    pub fn category(&self) -> Category {
        Category::of_id(&self.id).expect("rule ids are validated at registry load")
    }

    pub fn max_severity(&self) -> Severity {
        self.max_severity
            .unwrap_or(self.severity)
            .max(self.severity)
    }

    /// `info..high` when evidence can raise the severity, else the one severity.
    pub fn severity_range(&self) -> String {
        match self.max_severity() {
            max if max != self.severity => format!("{}..{max}", self.severity),
            _ => self.severity.to_string(),
        }
    }

    pub fn help_url(&self) -> Option<&str> {
        self.references.first().map(String::as_str)
    }

    /// The rule's documentation as Markdown (for `explain`, SARIF help and docs).
    pub fn to_markdown(&self) -> String {
        let mut md = format!("## {} {}\n\n", self.id, self.title);
        md.push_str(&format!(
            "`{}` · severity **{}**{}\n\n",
            self.slug,
            self.severity,
            self.severity_note
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        ));
        md.push_str(&format!(
            "{}\n\n**Applies to:** {}\n\n",
            self.summary.trim(),
            self.applies_to.trim()
        ));
        md.push_str(&format!(
            "### Why it matters\n\n{}\n\n",
            self.rationale.trim()
        ));
        md.push_str("### Remediation\n\n");
        md.push_str(&format!(
            "Console:\n\n{}\n\n",
            self.remediation.console.trim()
        ));
        for (label, lang, body) in [
            ("AWS CLI", "sh", &self.remediation.cli),
            ("Terraform", "hcl", &self.remediation.terraform),
            ("CloudFormation", "yaml", &self.remediation.cloudformation),
        ] {
            md.push_str(&format!("{label}:\n\n```{lang}\n{}\n```\n\n", body.trim()));
        }
        md.push_str("### References\n\n");
        for r in &self.references {
            md.push_str(&format!("- {r}\n"));
        }
        if !self.compliance.is_empty() {
            md.push_str("\n### Compliance\n\n");
            for (fw, reqs) in &self.compliance {
                md.push_str(&format!("- {fw}: {}\n", reqs.join(", ")));
            }
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::registry;

    #[test]
    fn severity_range_names_the_raise() {
        let meta = |id| &registry::find(id).unwrap().meta;
        assert_eq!(meta("GW101").severity_range(), "medium..high");
        assert_eq!(meta("GW104").severity_range(), "low");
    }
}
