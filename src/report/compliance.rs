//! `--compliance <framework>`: the results seen per requirement of a framework.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use strum::VariantArray;

use crate::rules::frameworks::Framework;
use crate::rules::Status;
use crate::triage::Results;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::VariantArray, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum RequirementStatus {
    Fail,
    Unknown,
    Pass,
    /// No resource the requirement's rules apply to.
    #[strum(serialize = "not applicable")]
    NotApplicable,
}

impl RequirementStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceView {
    pub framework: String,
    pub name: String,
    pub version: String,
    pub url: String,
    /// Requirements per status (every status present, zero included).
    pub summary: BTreeMap<RequirementStatus, usize>,
    pub requirements: Vec<RequirementResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementResult {
    pub id: String,
    pub title: String,
    pub status: RequirementStatus,
    pub rules: Vec<String>,
    pub pass: usize,
    /// Failing results that are not muted.
    pub fail: usize,
    pub unknown: usize,
    /// Failing results accepted by a mute: they do not fail the requirement, and are counted
    /// so that an auditor sees the accepted risk.
    pub muted: usize,
    /// Rules of the requirement left out by `--rules`/`--skip-rules`: the requirement cannot
    /// pass without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_not_run: Vec<String>,
}

pub fn evaluate(fw: &Framework, results: &Results, rules_evaluated: &[String]) -> ComplianceView {
    let requirements: Vec<RequirementResult> = fw
        .requirements
        .iter()
        .map(|req| {
            let mut r = RequirementResult {
                id: req.id.clone(),
                title: req.title.clone(),
                status: RequirementStatus::NotApplicable,
                rules: req.rules.clone(),
                pass: 0,
                fail: 0,
                unknown: 0,
                muted: 0,
                rules_not_run: req
                    .rules
                    .iter()
                    .filter(|id| !rules_evaluated.contains(id))
                    .cloned()
                    .collect(),
            };
            for f in results
                .iter()
                .filter(|f| req.rules.iter().any(|r| f.rule.id == *r))
            {
                match (f.status, f.muted.is_some()) {
                    (Status::Fail, true) => r.muted += 1,
                    (Status::Fail, false) => r.fail += 1,
                    (Status::Unknown, _) => r.unknown += 1,
                    (Status::Pass, _) => r.pass += 1,
                }
            }
            r.status = if r.fail > 0 {
                RequirementStatus::Fail
            } else if r.unknown > 0 || !r.rules_not_run.is_empty() {
                RequirementStatus::Unknown
            } else if r.pass > 0 || r.muted > 0 {
                RequirementStatus::Pass
            } else {
                RequirementStatus::NotApplicable
            };
            r
        })
        .collect();
    let mut summary: BTreeMap<RequirementStatus, usize> = RequirementStatus::VARIANTS
        .iter()
        .map(|s| (*s, 0))
        .collect();
    for r in &requirements {
        *summary.entry(r.status).or_default() += 1;
    }
    ComplianceView {
        framework: fw.id.clone(),
        name: fw.name.clone(),
        version: fw.version.clone(),
        url: fw.url.clone(),
        summary,
        requirements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::frameworks::Requirement;
    use crate::rules::Severity;
    use crate::triage::Triaged;

    fn finding(rule: &str, status: Status, muted: bool) -> Triaged {
        Triaged {
            finding: crate::rules::Finding {
                rule: std::sync::Arc::new(crate::rules::RuleInfo {
                    id: rule.into(),
                    ..Default::default()
                }),
                severity: Severity::Medium,
                status,
                fingerprint: Default::default(),
                resource: crate::rules::ResourceRef::new(Default::default()),
                place: Default::default(),
                message: Default::default(),
                evidence: Default::default(),
                unknown_cause: None,
            },
            muted: muted.then(|| {
                Box::new(crate::triage::MuteRef {
                    origin: "gwaudit.toml:1".into(),
                    reason: "accepted".into(),
                    expires: None,
                })
            }),
            baseline: None,
            carried_forward: None,
        }
    }

    #[test]
    fn a_requirement_takes_the_worst_result_of_its_rules() {
        let req = |id: &str, rules: &[&str]| Requirement {
            id: id.into(),
            title: id.into(),
            rules: rules.iter().map(|r| r.to_string()).collect(),
        };
        let fw = Framework {
            id: "t".into(),
            name: "T".into(),
            version: "1".into(),
            url: "u".into(),
            requirements: vec![
                req("fails", &["GW101", "GW102"]),
                req("unknown", &["GW103"]),
                req("passes", &["GW104"]),
                req("muted", &["GW105"]),
                req("empty", &["GW106"]),
                req("skipped", &["GW107"]),
            ],
        };
        let results = vec![
            finding("GW101", Status::Pass, false),
            finding("GW102", Status::Fail, false),
            finding("GW102", Status::Unknown, false),
            finding("GW103", Status::Pass, false),
            finding("GW103", Status::Unknown, false),
            finding("GW104", Status::Pass, false),
            finding("GW105", Status::Fail, true),
        ];
        let run: Vec<String> = ["GW101", "GW102", "GW103", "GW104", "GW105", "GW106"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let view = evaluate(&fw, &results.into_iter().collect(), &run);
        let status: Vec<(&str, RequirementStatus)> = view
            .requirements
            .iter()
            .map(|r| (r.id.as_str(), r.status))
            .collect();
        use RequirementStatus::*;
        assert_eq!(
            status,
            [
                ("fails", Fail),
                ("unknown", Unknown),
                ("passes", Pass),
                ("muted", Pass),
                ("empty", NotApplicable),
                ("skipped", Unknown),
            ]
        );
        assert_eq!(view.requirements[3].muted, 1);
        assert_eq!(view.requirements[5].rules_not_run, ["GW107"]);
        assert_eq!(view.summary[&Unknown], 2);
        assert_eq!(NotApplicable.as_str(), "not applicable");
    }
}
