//! What usage plans throttle on a stage, shared by GW410 (stage throttling) and GW413
//! (streaming methods): a plan throttles requests by API key, so it covers only methods that
//! require a key, and only those its per-method throttles name unless it throttles plan-wide.

use std::collections::BTreeSet;

use crate::analysis::effective::is_bounded;
use crate::model::{Method, Resource, RestApi, Stage, UsagePlan};

/// What the usage plans a stage is in throttle. Each plan throttles the keys it holds: every
/// keyed request (a plan-wide throttle) or only some methods (per-method throttles keyed
/// `{path}/{METHOD}`). A key of a plan without a throttle for a method is not throttled there,
/// whatever another plan of the stage does.
pub(super) struct PlanCoverage<'a> {
    /// The plans that throttle something on the stage, for messages.
    pub plans: Vec<&'a str>,
    /// Every plan the stage is in: whether it throttles plan-wide, and which methods.
    each: Vec<(bool, BTreeSet<String>)>,
}

pub(super) fn plan_coverage<'a>(
    plans: &'a [UsagePlan],
    api: &RestApi,
    stage: &Stage,
) -> PlanCoverage<'a> {
    let mut cov = PlanCoverage {
        plans: Vec::new(),
        each: Vec::new(),
    };
    for plan in plans {
        if let Some(s) = plan.api_stage(&api.id, &stage.stage_name) {
            let wide = plan
                .throttle
                .as_ref()
                .is_some_and(|t| is_bounded(t.burst_limit, t.rate_limit));
            let methods: BTreeSet<String> = s
                .throttle
                .iter()
                .filter(|(_, t)| is_bounded(t.burst_limit, t.rate_limit))
                .map(|(k, _)| k.to_ascii_uppercase())
                .collect();
            if wide || !methods.is_empty() {
                cov.plans.push(plan.id.as_str());
            }
            cov.each.push((wide, methods));
        }
    }
    cov
}

impl PlanCoverage<'_> {
    /// Whether the plans throttle `method`: it needs an API key, and every plan of the stage
    /// (any of them can hold the caller's key) throttles every keyed request or this method.
    pub fn covers(&self, resource: &Resource, method: &Method) -> bool {
        let key = text!("{}/{}", resource.path, method.http_method).to_ascii_uppercase();
        method.api_key_required
            && !self.each.is_empty()
            && self
                .each
                .iter()
                .all(|(wide, methods)| *wide || methods.contains(&key))
    }
}
