//! What a rule sees while it evaluates one region, with helpers that turn data that was not
//! collected into `unknown` results naming the failed call.

use std::borrow::Cow;

use crate::analysis::exposure::{self, Exposure, Missing};
use crate::analysis::policy::{parse_policy, PolicyDocument, PolicyError};
use crate::date::Date;
use crate::model::{
    AccountSettings, ApiKey, ArnFields, ClientCertificate, CollectionError, DomainName,
    DomainNameAccessAssociation, IamSnapshot, LogGroup, Method, Portal, PortalProduct,
    ProtocolType, RegionSnapshot, Resource, RestApi, RestAuthorizer, Route, Snapshot, Stage, Trail,
    UnknownCause, UsagePlan, V2Api, V2Authorizer, V2Integration, V2Stage, WebAcl,
    UNKNOWN_VALUE_CODE,
};
use crate::operations::{self as op, Operation};

use super::resource::ResourceCache;
use super::resource::Scope;
use super::{Emitter, ResourceRef, RuleParams};

/// Rules read the snapshot only through this context. Its traversals (`rest_stages`,
/// `rest_methods`, `v2_stages`, ...) yield what was collected and emit an `unknown` result,
/// citing the failed call, for every part that was not; the raw region data stays private so
/// that "not collected" can never be read as "empty".
pub struct RegionContext<'a> {
    snapshot: &'a Snapshot,
    region: &'a RegionSnapshot,
    pub scope: Scope<'a>,
    pub params: &'a RuleParams,
    /// The day ages and expiries are measured at: when the snapshot was collected (so a scan of
    /// a stored snapshot is reproducible), or today when the snapshot does not say.
    pub as_of: Date,
}

impl<'a> RegionContext<'a> {
    pub fn new(snapshot: &'a Snapshot, region: &'a RegionSnapshot, params: &'a RuleParams) -> Self {
        Self::sharing(snapshot, region, params, None)
    }

    /// A context whose resource refs come from `cache`, shared with the other rules evaluated
    /// in this region.
    pub fn sharing(
        snapshot: &'a Snapshot,
        region: &'a RegionSnapshot,
        params: &'a RuleParams,
        cache: Option<&'a ResourceCache<'a>>,
    ) -> Self {
        RegionContext {
            snapshot,
            region,
            scope: Scope {
                partition: &snapshot.partition,
                account_id: &snapshot.account_id,
                region: &region.region,
                cache,
            },
            params,
            as_of: snapshot.as_of(),
        }
    }

    /// Whether an HTTP or WebSocket API is reachable from the internet
    /// (`analysis::exposure::v2_api`), naming the failed call when it cannot be decided.
    pub fn v2_exposure(&self, api: &V2Api) -> Exposure {
        self.cite(exposure::v2_api(api, self.complete_domain_names()))
    }

    /// Whether a REST API's endpoint type and resource policy let anyone invoke it
    /// (`analysis::exposure::rest_api`), worked out once per API for every rule in the region.
    pub fn rest_policy_exposure(&self, api: &RestApi) -> Exposure {
        match self.scope.cache.and_then(|c| c.rest_policy_exposure(api)) {
            Some(known) => known.clone(),
            None => exposure::rest_api(api),
        }
    }

    /// A REST API's resource policy parsed, once per region for every rule that reads it
    /// (parsing it again in each was 3% of a large scan, callgrind); `None` when it has none.
    pub fn rest_policy(
        &self,
        api: &RestApi,
    ) -> Option<Cow<'a, Result<PolicyDocument, PolicyError>>> {
        let raw = api.policy.as_deref()?;
        Some(match self.scope.cache.and_then(|c| c.rest_policy(api)) {
            Some(parsed) => Cow::Borrowed(parsed),
            None => Cow::Owned(parse_policy(raw)),
        })
    }

    /// Whether a REST API is reachable from the internet
    /// (`analysis::exposure::rest_api_reachable`), naming the failed call when undecided.
    pub fn rest_reachability(&self, api: &RestApi) -> Exposure {
        self.cite(exposure::rest_api_reachable(
            api,
            self.rest_policy_exposure(api),
            self.complete_domain_names(),
        ))
    }

    fn cite(&self, (e, missing): (Exposure, Option<Missing>)) -> Exposure {
        match (e, missing) {
            (Exposure::Unknown(why, cause), Some(missing)) => {
                let reason = match missing {
                    Missing::DomainNames => self.reason(&op::GET_DOMAIN_NAMES, None),
                    Missing::Mappings { domain, operation } => {
                        self.reason(operation, Some(&self.scope.domain(domain).arn))
                    }
                };
                Exposure::Unknown(text!("{why}: {reason}"), cause)
            }
            (decided, _) => decided,
        }
    }

    /// Why it is unknown whether custom domain `d` (one of `exposure::mappings(..).unknown`)
    /// routes to an API (`rest`: a REST API), naming the failed call, and whether rescanning
    /// may tell.
    pub fn domain_undecided(&self, d: &DomainName, rest: bool) -> (String, UnknownCause) {
        let why = exposure::undecided(d, rest);
        match why {
            exposure::Undecided::NotCollected(operation) => {
                let reason = self.reason(operation, Some(&self.scope.domain(d).arn));
                (
                    text!("{}: {reason}", why.describe(d)),
                    UnknownCause::NotCollected,
                )
            }
            exposure::Undecided::UnknownAction(_) => {
                (why.describe(d), UnknownCause::NotDeterminable)
            }
        }
    }

    /// The region's custom domains for deciding what maps an API: `None` when they were not
    /// collected or a domain was dropped from the list (it may be the one that maps the API).
    pub fn complete_domain_names(&self) -> Option<&'a [DomainName]> {
        let domains = self.region.domain_names.as_deref()?;
        self.dropped(&op::GET_DOMAIN_NAMES)
            .next()
            .is_none()
            .then_some(domains)
    }

    /// The IAM part of the snapshot (global), or `None` when it was not collected.
    pub fn iam(&self) -> Option<&'a IamSnapshot> {
        self.snapshot.iam.as_ref()
    }

    /// Whether what `reason` cites can be collected at all: a call that failed, or a record
    /// of what no call can read (a role of another account).
    pub fn cause(&self, operation: &Operation, resource: Option<&str>) -> UnknownCause {
        self.cited(operation, resource)
            .map_or(UnknownCause::NotCollected, CollectionError::cause)
    }

    /// Why data is missing: the recorded error of `operation` (about `resource` when given),
    /// or a plain "not collected" when the snapshot recorded none.
    pub fn reason(&self, operation: &Operation, resource: Option<&str>) -> String {
        match self.cited(operation, resource) {
            Some(e) => e.reason(),
            None => text!(
                "{} was not collected{}",
                operation.name,
                resource.map(|r| text!(" for {r}")).unwrap_or_default()
            ),
        }
    }

    /// The recorded error `reason` cites: the one about `resource` (about no resource when
    /// `None`), else one about no resource, else any.
    fn cited(&self, operation: &Operation, resource: Option<&str>) -> Option<&'a CollectionError> {
        let region = self.region.region.as_str();
        let errors = self.snapshot.collection_errors.iter().filter(|e| {
            is_error_of(e, operation) && e.region.as_deref().is_none_or(|r| r == region)
        });
        let mut fallback = None;
        for e in errors {
            match (resource, e.resource.as_deref()) {
                (Some(want), Some(got))
                    if got == want || got.strip_suffix(want).is_some_and(|p| p.ends_with('/')) =>
                {
                    return Some(e)
                }
                // A list call's own failure, rather than another listing's (the private
                // domains shared with the account, recorded against the collection).
                (None, None) => return Some(e),
                (Some(_), Some(_)) => {}
                _ => fallback = fallback.or(Some(e)),
            }
        }
        fallback
    }

    /// Errors of a region-wide list call recorded although the list was collected: an entry
    /// whose answer could not be understood (the error names it), or one whose collection
    /// failed before it could be named. A value this version does not know is not a drop: the
    /// entry is in the list with the value kept, and the rules that need it say so.
    ///
    /// An error about a whole collection (its ARN, `...::/domainnames`) is another listing of
    /// it, the private domains other accounts share with this one, and drops nothing from the
    /// account's own list.
    fn dropped(&self, operation: &'a Operation) -> impl Iterator<Item = &'a CollectionError> + 'a {
        let region = self.region.region.as_str();
        self.snapshot.collection_errors.iter().filter(move |e| {
            is_error_of(e, operation)
                && e.code != UNKNOWN_VALUE_CODE
                && e.region.as_deref().is_none_or(|r| r == region)
                && !e.resource.as_deref().is_some_and(is_collection_arn)
        })
    }

    /// A region-wide list, or an `unknown` result on the region's collection citing the failed
    /// `operation`, and an `unknown` for every entry dropped from a collected list. Every
    /// region-list traversal goes through here, so "not collected" is never read as "empty".
    fn region_list<T>(
        &self,
        data: &'a Option<Vec<T>>,
        out: &mut Emitter,
        operation: &'a Operation,
        collection: &str,
    ) -> &'a [T] {
        match data {
            Some(items) => {
                for e in self.dropped(operation) {
                    match e.resource.as_deref() {
                        Some(arn) => out.unknown(self.scope.by_arn(arn), e.reason()),
                        // A list that was read but lost entries it cannot name (the task
                        // that collected one of them failed): the whole list is in doubt.
                        None => out.unknown(self.scope.region_scope(collection), e.reason()),
                    };
                }
                items
            }
            None => {
                let reason = self.reason(operation, None);
                out.unknown(self.scope.region_scope(collection), reason);
                &[]
            }
        }
    }

    /// The part of one API that was collected by `operation`, or the reason it was not.
    fn part<T>(
        &self,
        data: &'a Option<Vec<T>>,
        operation: &Operation,
        api_arn: impl FnOnce() -> String,
    ) -> Result<&'a [T], String> {
        data.as_deref()
            .ok_or_else(|| self.reason(operation, Some(&api_arn())))
    }

    /// Emits the `unknown` for an API part that was not collected; `None` then.
    fn part_or_unknown<T>(
        &self,
        part: Result<&'a [T], String>,
        out: &mut Emitter,
        target: impl FnOnce() -> ResourceRef,
    ) -> Option<&'a [T]> {
        part.map_err(|reason| out.unknown(target(), reason)).ok()
    }

    // ---- region-wide lists -------------------------------------------------------------

    /// The region's REST APIs (empty, with an `unknown`, when they were not collected).
    pub fn rest_apis(&self, out: &mut Emitter) -> &'a [RestApi] {
        self.region_list(&self.region.rest_apis, out, &op::GET_REST_APIS, "restapis")
    }

    /// The region's HTTP and WebSocket APIs.
    pub fn v2_apis(&self, out: &mut Emitter) -> &'a [V2Api] {
        self.region_list(&self.region.v2_apis, out, &op::GET_APIS, "apis")
    }

    /// The region's HTTP APIs; an API whose protocol type this version does not know gets an
    /// `unknown` (it may be one).
    pub fn http_apis(&self, out: &mut Emitter) -> impl Iterator<Item = &'a V2Api> {
        let apis = self.v2_apis(out);
        self.unknown_protocols(apis, out);
        apis.iter()
            .filter(|a| a.protocol_type == ProtocolType::Http)
    }

    /// Emits the `unknown` of every API whose protocol type this version does not know, for a
    /// traversal of one protocol's APIs.
    fn unknown_protocols(&self, apis: &'a [V2Api], out: &mut Emitter) {
        for api in apis {
            if let Some(why) = api.unknown_protocol_reason() {
                out.undeterminable(self.scope.v2_api(api), why)
                    .evidence("protocol_type", &api.protocol_type);
            }
        }
    }

    /// The REST APIs when they were collected, for rules that only consult them about another
    /// resource (a portal page) and report nothing about them.
    pub fn rest_apis_if_collected(&self) -> Option<&'a [RestApi]> {
        self.region.rest_apis.as_deref()
    }

    /// The HTTP and WebSocket APIs when they were collected, for rules that only consult them
    /// about another resource (a domain) and report nothing about them.
    pub fn v2_apis_if_collected(&self) -> Option<&'a [V2Api]> {
        self.region.v2_apis.as_deref()
    }

    pub fn domain_names(&self, out: &mut Emitter) -> &'a [DomainName] {
        self.region_list(
            &self.region.domain_names,
            out,
            &op::GET_DOMAIN_NAMES,
            "domainnames",
        )
    }

    /// The region's domain name access associations, or why they were not collected.
    pub fn domain_name_access_associations(
        &self,
    ) -> Result<&'a [DomainNameAccessAssociation], String> {
        self.region
            .domain_name_access_associations
            .as_deref()
            .ok_or_else(|| self.reason(&op::GET_DOMAIN_NAME_ACCESS_ASSOCIATIONS, None))
    }

    /// The region's developer portals.
    pub fn portals(&self, out: &mut Emitter) -> &'a [Portal] {
        self.region_list(&self.region.portals, out, &op::LIST_PORTALS, "portals")
    }

    /// The portal products with their pages, for a rule that judges a portal by them.
    pub fn portal_products_or_reason(&self) -> Result<&'a [PortalProduct], String> {
        self.region
            .portal_products
            .as_deref()
            .ok_or_else(|| self.reason(&op::LIST_PORTAL_PRODUCTS, None))
    }

    pub fn usage_plans(&self, out: &mut Emitter) -> &'a [UsagePlan] {
        self.region_list(
            &self.region.usage_plans,
            out,
            &op::GET_USAGE_PLANS,
            "usageplans",
        )
    }

    /// The usage plans, for a rule that judges another resource by them (an unset list cannot
    /// be read as "no plan").
    pub fn usage_plans_or_reason(&self) -> Result<&'a [UsagePlan], String> {
        self.region
            .usage_plans
            .as_deref()
            .ok_or_else(|| self.reason(&op::GET_USAGE_PLANS, None))
    }

    /// The usage plans that include a stage, or why that cannot be told.
    pub fn usage_plans_for(&self, api_id: &str, stage: &str) -> Result<Vec<&'a UsagePlan>, String> {
        Ok(self
            .usage_plans_or_reason()?
            .iter()
            .filter(|p| p.api_stage(api_id, stage).is_some())
            .collect())
    }

    pub fn api_keys(&self, out: &mut Emitter) -> &'a [ApiKey] {
        self.region_list(&self.region.api_keys, out, &op::GET_API_KEYS, "apikeys")
    }

    pub fn client_certificates(&self) -> Result<&'a [ClientCertificate], String> {
        self.region
            .client_certificates
            .as_deref()
            .ok_or_else(|| self.reason(&op::GET_CLIENT_CERTIFICATES, None))
    }

    pub fn log_groups(&self) -> Result<&'a [LogGroup], String> {
        self.region
            .log_groups
            .as_deref()
            .ok_or_else(|| self.reason(&op::DESCRIBE_LOG_GROUPS, None))
    }

    pub fn account_settings(&self) -> Result<&'a AccountSettings, String> {
        self.region
            .account_settings
            .as_ref()
            .ok_or_else(|| self.reason(&op::GET_ACCOUNT, None))
    }

    /// One web ACL by ARN, or the reason it is not in the snapshot.
    pub fn web_acl(&self, arn: &str) -> Result<&'a WebAcl, String> {
        self.region
            .web_acls
            .iter()
            .flatten()
            .find(|a| a.arn == arn)
            .ok_or_else(|| self.reason(&op::GET_WEB_ACL, Some(arn)))
    }

    /// The trails collected in this region (shadow copies included), or an `unknown` on the
    /// account's CloudTrail setup.
    pub fn trails(&self, out: &mut Emitter) -> Option<&'a [Trail]> {
        self.trails_or_reason()
            .map_err(|reason| out.unknown(self.scope.account("cloudtrail"), reason))
            .ok()
    }

    pub fn trails_or_reason(&self) -> Result<&'a [Trail], String> {
        self.region
            .trails
            .as_deref()
            .ok_or_else(|| self.reason(&op::DESCRIBE_TRAILS, None))
    }

    /// This context for every region of the snapshot (account-wide verdicts such as a
    /// multi-Region trail's are decided from the region that holds the data).
    pub fn regions(&self) -> impl Iterator<Item = RegionContext<'a>> + 'a {
        let (snapshot, params) = (self.snapshot, self.params);
        snapshot
            .regions
            .iter()
            .map(move |r| RegionContext::new(snapshot, r, params))
    }

    pub fn region_name(&self) -> &'a str {
        &self.region.region
    }

    /// Whether a call failed anywhere in the snapshot for this resource ARN.
    pub fn failed_for(&self, operation: &Operation, arn: &str) -> bool {
        self.snapshot
            .collection_errors
            .iter()
            .any(|e| is_error_of(e, operation) && e.resource.as_deref() == Some(arn))
    }

    // ---- the parts of one API, or why they are missing ------------------------------------

    pub fn resources_of(&self, api: &'a RestApi) -> Result<&'a [Resource], String> {
        self.part(&api.resources, &op::GET_RESOURCES, || {
            self.scope.rest_api(api).arn.clone()
        })
    }

    /// Every method of the API with its resource, or why they are unknown.
    pub fn methods_of(&self, api: &'a RestApi) -> Result<Vec<(&'a Resource, &'a Method)>, String> {
        self.resources_of(api)?;
        Ok(api.methods().collect())
    }

    pub fn stages_of(&self, api: &'a RestApi) -> Result<&'a [Stage], String> {
        self.part(&api.stages, &op::GET_STAGES, || {
            self.scope.rest_api(api).arn.clone()
        })
    }

    pub fn rest_authorizers_of(&self, api: &'a RestApi) -> Result<&'a [RestAuthorizer], String> {
        self.part(&api.authorizers, &op::GET_AUTHORIZERS, || {
            self.scope.rest_api(api).arn.clone()
        })
    }

    pub fn v2_stages_of(&self, api: &'a V2Api) -> Result<&'a [V2Stage], String> {
        self.part(&api.stages, &op::V2_GET_STAGES, || {
            self.scope.v2_api(api).arn.clone()
        })
    }

    pub fn routes_of(&self, api: &'a V2Api) -> Result<&'a [Route], String> {
        self.part(&api.routes, &op::GET_ROUTES, || {
            self.scope.v2_api(api).arn.clone()
        })
    }

    pub fn integrations_of(&self, api: &'a V2Api) -> Result<&'a [V2Integration], String> {
        self.part(&api.integrations, &op::GET_INTEGRATIONS, || {
            self.scope.v2_api(api).arn.clone()
        })
    }

    pub fn v2_authorizers_of(&self, api: &'a V2Api) -> Result<&'a [V2Authorizer], String> {
        self.part(&api.authorizers, &op::V2_GET_AUTHORIZERS, || {
            self.scope.v2_api(api).arn.clone()
        })
    }

    // ---- the same parts, with the `unknown` emitted on the API ----------------------------

    pub fn resources(&self, api: &'a RestApi, out: &mut Emitter) -> Option<&'a [Resource]> {
        self.part_or_unknown(self.resources_of(api), out, || self.scope.rest_api(api))
    }

    pub fn stages(&self, api: &'a RestApi, out: &mut Emitter) -> Option<&'a [Stage]> {
        self.part_or_unknown(self.stages_of(api), out, || self.scope.rest_api(api))
    }

    pub fn rest_authorizers(
        &self,
        api: &'a RestApi,
        out: &mut Emitter,
    ) -> Option<&'a [RestAuthorizer]> {
        self.part_or_unknown(self.rest_authorizers_of(api), out, || {
            self.scope.rest_api(api)
        })
    }

    pub fn v2_authorizers(&self, api: &'a V2Api, out: &mut Emitter) -> Option<&'a [V2Authorizer]> {
        self.part_or_unknown(self.v2_authorizers_of(api), out, || self.scope.v2_api(api))
    }

    pub fn api_routes(&self, api: &'a V2Api, out: &mut Emitter) -> Option<&'a [Route]> {
        self.part_or_unknown(self.routes_of(api), out, || self.scope.v2_api(api))
    }

    pub fn api_v2_stages(&self, api: &'a V2Api, out: &mut Emitter) -> Option<&'a [V2Stage]> {
        self.part_or_unknown(self.v2_stages_of(api), out, || self.scope.v2_api(api))
    }

    pub fn v2_integrations(
        &self,
        api: &'a V2Api,
        out: &mut Emitter,
    ) -> Option<&'a [V2Integration]> {
        self.part_or_unknown(self.integrations_of(api), out, || self.scope.v2_api(api))
    }

    // ---- flattened traversals ---------------------------------------------------------------

    /// Every stage of every REST API; an API whose stages were not collected gets one `unknown`.
    pub fn rest_stages(&self, out: &mut Emitter) -> Vec<(&'a RestApi, &'a Stage)> {
        each_part(self.rest_apis(out), |api| self.stages(api, out))
    }

    /// Every method of every REST API; an API whose resources were not collected gets one
    /// `unknown`.
    pub fn rest_methods(&self, out: &mut Emitter) -> Vec<(&'a RestApi, &'a Resource, &'a Method)> {
        let mut items = Vec::new();
        for api in self.rest_apis(out) {
            if self.resources(api, out).is_some() {
                items.extend(api.methods().map(|(r, m)| (api, r, m)));
            }
        }
        items
    }

    /// The REST methods authentication rules judge: every method but CORS preflights, which
    /// are exempt ([`Method::is_cors_preflight`]).
    pub fn rest_methods_to_authenticate(
        &self,
        out: &mut Emitter,
    ) -> Vec<(&'a RestApi, &'a Resource, &'a Method)> {
        let mut items = self.rest_methods(out);
        items.retain(|(_, _, m)| !m.is_cors_preflight());
        items
    }

    /// Every stage of every HTTP and WebSocket API; an API whose stages were not collected gets
    /// one `unknown`.
    pub fn v2_stages(&self, out: &mut Emitter) -> Vec<(&'a V2Api, &'a V2Stage)> {
        each_part(self.v2_apis(out), |api| self.api_v2_stages(api, out))
    }

    /// Every stage of every WebSocket API; an API whose protocol type this version does not
    /// know gets an `unknown` (it may be one).
    pub fn websocket_stages(&self, out: &mut Emitter) -> Vec<(&'a V2Api, &'a V2Stage)> {
        let apis = self.v2_apis(out);
        self.unknown_protocols(apis, out);
        let websocket = apis
            .iter()
            .filter(|a| a.protocol_type == ProtocolType::Websocket);
        each_part(websocket, |api| self.api_v2_stages(api, out))
    }
}

/// `(api, item)` for every item of one part of each API: `part` is one of the context's
/// accessors that emit the `unknown` of an API whose part was not collected.
pub fn each_part<'a, A, T>(
    apis: impl IntoIterator<Item = &'a A>,
    mut part: impl FnMut(&'a A) -> Option<&'a [T]>,
) -> Vec<(&'a A, &'a T)> {
    let mut items = Vec::new();
    for api in apis {
        let list = part(api).unwrap_or_default();
        items.extend(list.iter().map(|item| (api, item)));
    }
    items
}

/// An API Gateway collection's own ARN (`arn:aws:apigateway:eu-west-1::/domainnames`), as
/// opposed to one of its entries' (`.../domainnames/api.example.com`).
fn is_collection_arn(resource: &str) -> bool {
    ArnFields::apigateway_path(resource).is_some_and(|path| !path.contains('/'))
}

/// Whether a recorded error is about `operation`. Only the name is compared: snapshots in the
/// wild name the API Gateway v2 service either way, and where a name exists in both services
/// (GetStages, GetAuthorizers) the resource the error names tells them apart.
fn is_error_of(e: &CollectionError, operation: &Operation) -> bool {
    e.operation == operation.name
}
