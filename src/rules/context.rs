//! What a rule sees while it evaluates one region, with helpers that turn data that was not
//! collected into `unknown` results naming the failed call.

use crate::model::{DomainName, RegionSnapshot, Resource, RestApi, Snapshot, Stage, V2Api};

use super::resource::Scope;
use super::Emitter;

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

    pub fn rest_apis(&self, out: &mut Emitter) -> Option<&'a [RestApi]> {
        match &self.region.rest_apis {
            Some(apis) => Some(apis),
            None => {
                out.unknown(
                    self.scope.region_scope("restapis"),
                    self.reason("GetRestApis", None),
                );
                None
            }
        }
    }

    pub fn v2_apis(&self, out: &mut Emitter) -> Option<&'a [V2Api]> {
        match &self.region.v2_apis {
            Some(apis) => Some(apis),
            None => {
                out.unknown(
                    self.scope.region_scope("apis"),
                    self.reason("GetApis", None),
                );
                None
            }
        }
    }

    pub fn domain_names(&self, out: &mut Emitter) -> Option<&'a [DomainName]> {
        match &self.region.domain_names {
            Some(d) => Some(d),
            None => {
                out.unknown(
                    self.scope.region_scope("domainnames"),
                    self.reason("GetDomainNames", None),
                );
                None
            }
        }
    }

    /// The API's resources (with methods), or an `unknown` result for the API.
    pub fn resources(&self, api: &'a RestApi, out: &mut Emitter) -> Option<&'a [Resource]> {
        match &api.resources {
            Some(r) => Some(r),
            None => {
                let target = self.scope.rest_api(api);
                let reason = self.reason("GetResources", Some(&target.arn));
                out.unknown(target, reason);
                None
            }
        }
    }

    pub fn stages(&self, api: &'a RestApi, out: &mut Emitter) -> Option<&'a [Stage]> {
        match &api.stages {
            Some(s) => Some(s),
            None => {
                let target = self.scope.rest_api(api);
                let reason = self.reason("GetStages", Some(&target.arn));
                out.unknown(target, reason);
                None
            }
        }
    }
    pub fn rest_authorizers(
        &self,
        api: &'a RestApi,
        out: &mut Emitter,
    ) -> Option<&'a [crate::model::RestAuthorizer]> {
        match &api.authorizers {
            Some(a) => Some(a),
            None => {
                let target = self.scope.rest_api(api);
                let reason = self.reason("GetAuthorizers", Some(&target.arn));
                out.unknown(target, reason);
                None
            }
        }
    }

    pub fn v2_authorizers(
        &self,
        api: &'a V2Api,
        out: &mut Emitter,
    ) -> Option<&'a [crate::model::V2Authorizer]> {
        match &api.authorizers {
            Some(a) => Some(a),
            None => {
                let target = self.scope.v2_api(api);
                let reason = self.reason("GetAuthorizers", Some(&target.arn));
                out.unknown(target, reason);
                None
            }
        }
    }

    pub fn v2_stages(
        &self,
        api: &'a V2Api,
        out: &mut Emitter,
    ) -> Option<&'a [crate::model::V2Stage]> {
        match &api.stages {
            Some(s) => Some(s),
            None => {
                let target = self.scope.v2_api(api);
                let reason = self.reason("GetStages", Some(&target.arn));
                out.unknown(target, reason);
                None
            }
        }
    }

    pub fn routes(&self, api: &'a V2Api, out: &mut Emitter) -> Option<&'a [crate::model::Route]> {
        match &api.routes {
            Some(r) => Some(r),
            None => {
                let target = self.scope.v2_api(api);
                let reason = self.reason("GetRoutes", Some(&target.arn));
                out.unknown(target, reason);
                None
            }
        }
    }
}
