//! What usage plans throttle on a stage, shared by GW410 (stage throttling) and GW413
//! (streaming methods): a plan throttles requests by API key, so it covers only methods that
//! require a key, and only those its per-method throttles name unless it throttles plan-wide.

use std::collections::BTreeSet;

use crate::analysis::effective::is_bounded;
use crate::model::{Method, Resource, RestApi, Stage, UsagePlan};

/// What the usage plans covering a stage throttle: every keyed request (a plan-wide throttle)
/// or only some methods (per-method throttles keyed `{path}/{METHOD}`).
pub(super) struct PlanCoverage<'a> {
    pub plans: Vec<&'a str>,
    pub plan_wide: bool,
    pub methods: BTreeSet<String>,
}

pub(super) fn plan_coverage<'a>(
    plans: &'a [UsagePlan],
    api: &RestApi,
    stage: &Stage,
) -> PlanCoverage<'a> {
    let mut cov = PlanCoverage {
        plans: Vec::new(),
        plan_wide: false,
        methods: BTreeSet::new(),
    };
    for plan in plans {
        if let Some(s) = plan.api_stage(&api.id, &stage.stage_name) {
            let wide = plan
                .throttle
                .as_ref()
                .is_some_and(|t| is_bounded(t.burst_limit, t.rate_limit));
            let methods: Vec<String> = s
                .throttle
                .iter()
                .filter(|(_, t)| is_bounded(t.burst_limit, t.rate_limit))
                .map(|(k, _)| k.to_ascii_uppercase())
                .collect();
            if wide || !methods.is_empty() {
                cov.plans.push(plan.id.as_str());
                cov.plan_wide |= wide;
                cov.methods.extend(methods);
            }
        }
    }
    cov
}

impl PlanCoverage<'_> {
    /// Whether the plans throttle `method`: it needs an API key, and a plan throttles every
    /// keyed request or this method.
    pub fn covers(&self, resource: &Resource, method: &Method) -> bool {
        let key = format!("{}/{}", resource.path, method.http_method).to_ascii_uppercase();
        method.api_key_required && (self.plan_wide || self.methods.contains(&key))
    }
}
