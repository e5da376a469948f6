//! What a rule sees while it evaluates one region, with helpers that turn data that was not
//! collected into `unknown` results naming the failed call.

use crate::analysis::exposure::{self, Exposure, Missing};
use crate::date::Date;
use crate::model::{
    ApiKey, CollectionError, DomainName, IamSnapshot, RegionSnapshot, Resource, RestApi,
    RestAuthorizer, Route, Snapshot, Stage, Trail, UsagePlan, V2Api, V2Authorizer, V2Integration,
    V2Stage, WebAcl,
};

use super::resource::Scope;
use super::{Emitter, ResourceRef, RuleParams};

pub struct RegionContext<'a> {
    pub snapshot: &'a Snapshot,
    pub region: &'a RegionSnapshot,
    pub scope: Scope<'a>,
    pub params: &'a RuleParams,
    /// The day ages and expiries are measured at: when the snapshot was collected (so a scan of
    /// a stored snapshot is reproducible), or today when the snapshot does not say.
    pub as_of: Date,
}

impl<'a> RegionContext<'a> {
    pub fn new(snapshot: &'a Snapshot, region: &'a RegionSnapshot, params: &'a RuleParams) -> Self {
        RegionContext {
            snapshot,
            region,
            scope: Scope {
                partition: &snapshot.partition,
                account_id: &snapshot.account_id,
                region: &region.region,
            },
            params,
            as_of: as_of(snapshot),
        }
    }

    /// Whether an HTTP or WebSocket API is reachable from the internet
    /// (`analysis::exposure::v2_api`), naming the failed call when it cannot be decided.
    pub fn v2_exposure(&self, api: &V2Api) -> Exposure {
        self.cite(exposure::v2_api(api, self.complete_domain_names()))
    }

    /// Whether a REST API is reachable from the internet
    /// (`analysis::exposure::rest_api_reachable`), naming the failed call when undecided.
    pub fn rest_reachability(&self, api: &RestApi) -> Exposure {
        self.cite(exposure::rest_api_reachable(
            api,
            self.complete_domain_names(),
        ))
    }

    fn cite(&self, (e, missing): (Exposure, Option<Missing>)) -> Exposure {
        match (e, missing) {
            (Exposure::Unknown(why), Some(missing)) => {
                let reason = match missing {
                    Missing::DomainNames => self.reason("GetDomainNames", None),
                    Missing::Mappings { domain, operation } => {
                        self.reason(operation, Some(&self.scope.domain(domain).arn))
                    }
                };
                Exposure::Unknown(format!("{why}: {reason}"))
            }
            (decided, _) => decided,
        }
    }

    /// The region's custom domains for deciding what maps an API: `None` when they were not
    /// collected or a domain was dropped from the list (it may be the one that maps the API).
    pub fn complete_domain_names(&self) -> Option<&'a [DomainName]> {
        let domains = self.region.domain_names.as_deref()?;
        self.dropped("GetDomainNames")
            .next()
            .is_none()
            .then_some(domains)
    }

    /// The IAM part of the snapshot (global), or `None` when it was not collected.
    pub fn iam(&self) -> Option<&'a IamSnapshot> {
        self.snapshot.iam.as_ref()
    }

    /// Why data is missing: the recorded error of `operation` (about `resource` when given),
    /// or a plain "not collected" when the snapshot recorded none.
    pub fn reason(&self, operation: &str, resource: Option<&str>) -> String {
        let region = self.region.region.as_str();
        let errors = self.snapshot.collection_errors.iter().filter(|e| {
            e.operation == operation && e.region.as_deref().is_none_or(|r| r == region)
        });
        let mut fallback = None;
        for e in errors {
            match (resource, e.resource.as_deref()) {
                (Some(want), Some(got)) if got == want || got.ends_with(&format!("/{want}")) => {
                    return e.reason()
                }
                (Some(_), Some(_)) => {}
                _ => fallback = fallback.or(Some(e)),
            }
        }
        match fallback {
            Some(e) => e.reason(),
            None => format!(
                "{operation} was not collected{}",
                resource.map(|r| format!(" for {r}")).unwrap_or_default()
            ),
        }
    }

    /// Errors of a region-wide list call about one of its entries (an API or domain whose
    /// answer could not be understood): the list was collected, but without these entries.
    fn dropped(&self, operation: &'a str) -> impl Iterator<Item = &'a CollectionError> + 'a {
        let region = self.region.region.as_str();
        self.snapshot.collection_errors.iter().filter(move |e| {
            e.operation == operation
                && e.resource.is_some()
                && e.region.as_deref().is_none_or(|r| r == region)
        })
    }

    /// The collected list, or an `unknown` result on `target` citing the failed `operation`.
    /// Every accessor below goes through here, so "not collected" is never read as "empty",
    /// and an entry dropped from a collected list gets its own `unknown` result.
    fn collected<T>(
        &self,
        data: &'a Option<Vec<T>>,
        out: &mut Emitter,
        operation: &'a str,
        target: impl FnOnce() -> ResourceRef,
        per_resource: bool,
    ) -> Option<&'a [T]> {
        match data {
            Some(items) => {
                if !per_resource {
                    for e in self.dropped(operation) {
                        let arn = e.resource.as_deref().unwrap_or_default();
                        out.unknown(self.scope.by_arn(arn), e.reason());
                    }
                }
                Some(items)
            }
            None => {
                let target = target();
                let reason = self.reason(operation, per_resource.then_some(target.arn.as_str()));
                out.unknown(target, reason);
                None
            }
        }
    }

    pub fn rest_apis(&self, out: &mut Emitter) -> Option<&'a [RestApi]> {
        let region = &self.region.rest_apis;
        self.collected(
            region,
            out,
            "GetRestApis",
            || self.scope.region_scope("restapis"),
            false,
        )
    }

    pub fn v2_apis(&self, out: &mut Emitter) -> Option<&'a [V2Api]> {
        let region = &self.region.v2_apis;
        self.collected(
            region,
            out,
            "GetApis",
            || self.scope.region_scope("apis"),
            false,
        )
    }

    pub fn domain_names(&self, out: &mut Emitter) -> Option<&'a [DomainName]> {
        let d = &self.region.domain_names;
        self.collected(
            d,
            out,
            "GetDomainNames",
            || self.scope.region_scope("domainnames"),
            false,
        )
    }

    /// The API's resources (with methods), or an `unknown` result for the API.
    pub fn resources(&self, api: &'a RestApi, out: &mut Emitter) -> Option<&'a [Resource]> {
        self.collected(
            &api.resources,
            out,
            "GetResources",
            || self.scope.rest_api(api),
            true,
        )
    }

    pub fn stages(&self, api: &'a RestApi, out: &mut Emitter) -> Option<&'a [Stage]> {
        self.collected(
            &api.stages,
            out,
            "GetStages",
            || self.scope.rest_api(api),
            true,
        )
    }

    pub fn rest_authorizers(
        &self,
        api: &'a RestApi,
        out: &mut Emitter,
    ) -> Option<&'a [RestAuthorizer]> {
        self.collected(
            &api.authorizers,
            out,
            "GetAuthorizers",
            || self.scope.rest_api(api),
            true,
        )
    }

    pub fn v2_authorizers(&self, api: &'a V2Api, out: &mut Emitter) -> Option<&'a [V2Authorizer]> {
        self.collected(
            &api.authorizers,
            out,
            "GetAuthorizers",
            || self.scope.v2_api(api),
            true,
        )
    }

    pub fn v2_stages(&self, api: &'a V2Api, out: &mut Emitter) -> Option<&'a [V2Stage]> {
        self.collected(
            &api.stages,
            out,
            "GetStages",
            || self.scope.v2_api(api),
            true,
        )
    }

    pub fn routes(&self, api: &'a V2Api, out: &mut Emitter) -> Option<&'a [Route]> {
        self.collected(
            &api.routes,
            out,
            "GetRoutes",
            || self.scope.v2_api(api),
            true,
        )
    }

    pub fn v2_integrations(
        &self,
        api: &'a V2Api,
        out: &mut Emitter,
    ) -> Option<&'a [V2Integration]> {
        self.collected(
            &api.integrations,
            out,
            "GetIntegrations",
            || self.scope.v2_api(api),
            true,
        )
    }

    pub fn usage_plans(&self, out: &mut Emitter) -> Option<&'a [UsagePlan]> {
        self.collected(
            &self.region.usage_plans,
            out,
            "GetUsagePlans",
            || self.scope.region_scope("usageplans"),
            false,
        )
    }

    pub fn api_keys(&self, out: &mut Emitter) -> Option<&'a [ApiKey]> {
        self.collected(
            &self.region.api_keys,
            out,
            "GetApiKeys",
            || self.scope.region_scope("apikeys"),
            false,
        )
    }

    /// One web ACL by ARN, or the reason it is not in the snapshot.
    pub fn web_acl(&self, arn: &str) -> Result<&'a WebAcl, String> {
        match &self.region.web_acls {
            Some(acls) => acls
                .iter()
                .find(|a| a.arn == arn)
                .ok_or_else(|| self.reason("GetWebACL", Some(arn))),
            None => Err(self.reason("GetWebACL", Some(arn))),
        }
    }

    pub fn trails(&self, out: &mut Emitter) -> Option<&'a [Trail]> {
        self.collected(
            &self.region.trails,
            out,
            "DescribeTrails",
            || self.scope.account("cloudtrail"),
            false,
        )
    }
}

fn as_of(snapshot: &Snapshot) -> Date {
    snapshot
        .collected_at
        .as_deref()
        .and_then(|t| t.get(..10))
        .and_then(Date::parse)
        .unwrap_or_else(Date::today)
}
