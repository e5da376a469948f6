//! What a rule sees while it evaluates one region, with helpers that turn data that was not
//! collected into `unknown` results naming the failed call.

use crate::model::{
    DomainName, RegionSnapshot, Resource, RestApi, RestAuthorizer, Route, Snapshot, Stage, V2Api,
    V2Authorizer, V2Stage,
};

use super::resource::Scope;
use super::{Emitter, ResourceRef};

pub struct RegionContext<'a> {
    pub snapshot: &'a Snapshot,
    pub region: &'a RegionSnapshot,
    pub scope: Scope<'a>,
}

impl<'a> RegionContext<'a> {
    pub fn new(snapshot: &'a Snapshot, region: &'a RegionSnapshot) -> Self {
        RegionContext {
            snapshot,
            region,
            scope: Scope {
                partition: &snapshot.partition,
                account_id: &snapshot.account_id,
                region: &region.region,
            },
        }
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

    /// The collected list, or an `unknown` result on `target` citing the failed `operation`.
    /// Every accessor below goes through here, so "not collected" is never read as "empty".
    fn collected<T>(
        &self,
        data: &'a Option<Vec<T>>,
        out: &mut Emitter,
        operation: &str,
        target: impl FnOnce() -> ResourceRef,
        per_resource: bool,
    ) -> Option<&'a [T]> {
        match data {
            Some(items) => Some(items),
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
}
