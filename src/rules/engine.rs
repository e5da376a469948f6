use std::collections::BTreeMap;

use crate::model::{Snapshot, UnknownCause};

use super::finding::fingerprint;
use super::registry::{self, LoadedRule};
use super::{Finding, RegionContext, ResourceRef, RuleMeta, RuleParams, Status};

/// A rule: its id, its embedded TOML metadata and its check, called once per region.
pub struct RuleDef {
    pub id: &'static str,
    pub metadata: &'static str,
    pub check: fn(&RegionContext, &mut Emitter),
}

/// Collects one rule's results for one region, filling in what every finding shares.
pub struct Emitter<'a> {
    meta: &'a RuleMeta,
    account_id: &'a str,
    region: &'a str,
    findings: Vec<Finding>,
}

impl<'a> Emitter<'a> {
    pub fn new(meta: &'a RuleMeta, account_id: &'a str, region: &'a str) -> Self {
        Emitter {
            meta,
            account_id,
            region,
            findings: Vec::new(),
        }
    }

    fn push(&mut self, status: Status, resource: ResourceRef, message: String) -> &mut Finding {
        self.findings.push(Finding {
            rule_id: self.meta.id.clone(),
            title: self.meta.title.clone(),
            severity: self.meta.severity,
            status,
            fingerprint: fingerprint(&self.meta.id, self.account_id, self.region, &resource.arn),
            resource_arn: resource.arn,
            resource_path: resource.path,
            resource_label: resource.label,
            resource_tags: resource.tags,
            account_id: self.account_id.to_string(),
            region: self.region.to_string(),
            message,
            evidence: BTreeMap::new(),
            remediation_url: self.meta.help_url().map(str::to_string),
            unknown_cause: None,
        });
        self.findings.last_mut().expect("just pushed")
    }

    pub fn pass(&mut self, resource: ResourceRef, message: impl Into<String>) -> &mut Finding {
        self.push(Status::Pass, resource, message.into())
    }

    pub fn fail(&mut self, resource: ResourceRef, message: impl Into<String>) -> &mut Finding {
        self.push(Status::Fail, resource, message.into())
    }

    /// The data the rule needs was not collected; `reason` names the failed call. This is the
    /// default for a reason: when in doubt, an unknown withholds SARIF rather than letting code
    /// scanning close an alert.
    pub fn unknown(&mut self, resource: ResourceRef, reason: impl Into<String>) -> &mut Finding {
        self.unknown_because(resource, reason, UnknownCause::NotCollected)
    }

    /// The AWS API cannot tell what the rule needs, however the scan is run; `reason` says
    /// what is missing.
    pub fn undeterminable(
        &mut self,
        resource: ResourceRef,
        reason: impl Into<String>,
    ) -> &mut Finding {
        self.unknown_because(resource, reason, UnknownCause::NotDeterminable)
    }

    pub fn unknown_because(
        &mut self,
        resource: ResourceRef,
        reason: impl Into<String>,
        cause: UnknownCause,
    ) -> &mut Finding {
        let f = self.push(Status::Unknown, resource, reason.into());
        f.unknown_cause = Some(cause);
        f
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// Which rules run: ids or id prefixes (`GW1` is a category).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Selection {
    pub fn selects(&self, id: &str) -> bool {
        let matches = |p: &String| id.starts_with(p.to_ascii_uppercase().as_str());
        (self.include.is_empty() || self.include.iter().any(matches))
            && !self.exclude.iter().any(matches)
    }
}

/// Runs the selected rules over every region of the snapshot. The order of the result is
/// deterministic: rule, region, resource.
pub fn evaluate(snapshot: &Snapshot, selection: &Selection, params: &RuleParams) -> Vec<Finding> {
    let rules: Vec<&LoadedRule> = registry::rules()
        .iter()
        .filter(|r| selection.selects(r.def.id))
        .collect();
    let mut findings = Vec::new();
    for rule in rules {
        for region in &snapshot.regions {
            let ctx = RegionContext::new(snapshot, region, params);
            let mut out = Emitter::new(&rule.meta, &snapshot.account_id, &region.region);
            (rule.def.check)(&ctx, &mut out);
            findings.extend(out.into_findings());
        }
    }
    findings.sort_by(|a, b| {
        (&a.rule_id, &a.region, &a.resource_arn).cmp(&(&b.rule_id, &b.region, &b.resource_arn))
    });
    findings
}
