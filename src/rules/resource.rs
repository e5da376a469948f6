//! Identities of the resources findings are about: ARN, a stable relative path for SARIF,
//! and a label for people.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;
use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock};

use crate::analysis::exposure::{self, Exposure};
use crate::analysis::policy::{parse_policy, PolicyDocument, PolicyError};
use crate::model::{
    ApiKey, ArnFields, DomainName, Method, RegionSnapshot, Resource, RestApi, Stage, UsagePlan,
    V2Api, V2Stage,
};

/// What a finding is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceId {
    pub arn: String,
    /// `aws/<account>/<region>/apigateway/...`: a relative path, never an ARN.
    pub path: String,
    pub label: String,
    /// Tags of the resource (a stage inherits its API's), for mutes that select by tag.
    pub tags: BTreeMap<String, String>,
}

/// A shared [`ResourceId`]: every rule that judges a resource in a region gets the same one
/// from the region's [`ResourceCache`], so the ARN, path, label and tags are built and held
/// once per resource instead of once per result (a fifth of evaluating a 10,000-API account,
/// perf).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef(Arc<ResourceId>);

impl ResourceRef {
    pub fn new(id: ResourceId) -> Self {
        ResourceRef(Arc::new(id))
    }
}

impl Deref for ResourceRef {
    type Target = ResourceId;
    fn deref(&self) -> &ResourceId {
        &self.0
    }
}

/// One region's API Gateway resources as rules have named them, shared by the rules that run
/// in parallel.
///
/// The most frequent resources (REST APIs, stages and methods) sit in a table with a slot per
/// object of the region, found from the object's place in its list: no hashing and no lock on
/// a hit. Against a sharded map keyed by address, evaluating a 10,000-API account takes about
/// 5% less time (median of 10 alternating runs). The cache borrows the region's list of REST
/// APIs, so no object in it can move while the cache exists. An object that is not in the
/// region's lists (a copy, or a test's own) gets a ref built anew. Other resources are keyed by
/// a hash of their ARN's path segments, so a lookup allocates nothing.
#[derive(Debug)]
pub struct ResourceCache<'s> {
    by_segments: [Mutex<HashMap<u64, Vec<ResourceRef>, KeyHash>>; CACHE_SHARDS],
    rest_apis: &'s [RestApi],
    /// A slot per REST API of `rest_apis`, filled when a rule first names it or a part of it.
    rest: Box<[OnceLock<Box<RestRefs>>]>,
}

/// The refs of one REST API and its parts, a slot each, and what its resource policy lets
/// anyone do: rules ask it of every open method (GW101), and parsing the policy each time
/// was a twentieth of a large scan's time (perf of the replicated 10,000-API snapshot).
#[derive(Debug)]
struct RestRefs {
    /// The resource policy parsed, for every rule that reads it.
    policy: OnceLock<Result<PolicyDocument, PolicyError>>,
    policy_exposure: OnceLock<Exposure>,
    api: OnceLock<ResourceRef>,
    stages: Box<[OnceLock<ResourceRef>]>,
    /// The methods of every resource in turn; `first_method[i]` is where resource `i`'s methods
    /// start.
    methods: Box<[OnceLock<ResourceRef>]>,
    first_method: Box<[usize]>,
}

impl RestRefs {
    fn of(api: &RestApi) -> Self {
        let resources = api.resources.as_deref().unwrap_or_default();
        let mut first_method = Vec::with_capacity(resources.len());
        let mut methods = 0;
        for r in resources {
            first_method.push(methods);
            methods += r.methods.len();
        }
        RestRefs {
            policy: OnceLock::new(),
            policy_exposure: OnceLock::new(),
            api: OnceLock::new(),
            stages: empty_slots(api.stages.as_ref().map_or(0, Vec::len)),
            methods: empty_slots(methods),
            first_method: first_method.into(),
        }
    }

    /// The API's policy, whose text is `raw`, parsed the first time it is asked for.
    fn policy(&self, raw: &str) -> &Result<PolicyDocument, PolicyError> {
        self.policy.get_or_init(|| parse_policy(raw))
    }
}

fn empty_slots<T>(n: usize) -> Box<[OnceLock<T>]> {
    std::iter::repeat_with(OnceLock::new).take(n).collect()
}

/// Where `item` sits in `list`, if it is one of its elements (compared by address).
fn position<T>(list: &[T], item: &T) -> Option<usize> {
    let size = std::mem::size_of::<T>();
    if size == 0 {
        return None;
    }
    let offset = (std::ptr::from_ref(item) as usize).wrapping_sub(list.as_ptr() as usize);
    (offset < std::mem::size_of_val(list) && offset % size == 0).then_some(offset / size)
}

const CACHE_SHARDS: usize = 32;

impl<'s> ResourceCache<'s> {
    /// The cache of one region, with a slot for each of its REST APIs.
    pub fn of_region(region: &'s RegionSnapshot) -> Self {
        let rest_apis = region.rest_apis.as_deref().unwrap_or_default();
        ResourceCache {
            by_segments: std::array::from_fn(|_| Mutex::default()),
            rest_apis,
            rest: empty_slots(rest_apis.len()),
        }
    }

    /// The slots of `api` and its parts, when `api` is one of the region's.
    fn rest(&self, api: &RestApi) -> Option<&RestRefs> {
        let i = position(self.rest_apis, api)?;
        Some(self.rest[i].get_or_init(|| Box::new(RestRefs::of(api))))
    }

    /// `exposure::rest_api` of `api`, worked out once, when `api` is one of the region's.
    pub fn rest_policy_exposure(&self, api: &RestApi) -> Option<&Exposure> {
        let slots = self.rest(api)?;
        Some(
            slots.policy_exposure.get_or_init(|| {
                exposure::rest_api_given(api, |raw| Cow::Borrowed(slots.policy(raw)))
            }),
        )
    }

    /// `api`'s resource policy parsed once, when `api` is one of the region's and has one.
    pub fn rest_policy(&self, api: &RestApi) -> Option<&Result<PolicyDocument, PolicyError>> {
        let raw = api.policy.as_deref()?;
        Some(self.rest(api)?.policy(raw))
    }
}

impl Default for ResourceCache<'_> {
    fn default() -> Self {
        ResourceCache {
            by_segments: std::array::from_fn(|_| Mutex::default()),
            rest_apis: &[],
            rest: Box::default(),
        }
    }
}

/// The keys are hashes or addresses already: one multiplication spreads them over a table.
type KeyHash = BuildHasherDefault<KeyHasher>;

#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// FNV-1a over the segments with their separators: the text after `::/` in the ARN.
fn segments_hash(segments: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, s) in segments.iter().enumerate() {
        let sep: &[u8] = if i == 0 { b"" } else { b"/" };
        for b in sep.iter().chain(s.as_bytes()) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Whether `arn` ends in `::/` and the segments joined by `/`.
fn arn_has_segments(arn: &str, segments: &[&str]) -> bool {
    let Some((_, mut rest)) = arn.split_once("::/") else {
        return false;
    };
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            match rest.strip_prefix('/') {
                Some(r) => rest = r,
                None => return false,
            }
        }
        match rest.strip_prefix(s) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// Everything but RFC 3986's unreserved characters is escaped in a path segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

fn push_segment(out: &mut String, s: &str) {
    out.extend(percent_encoding::utf8_percent_encode(s, SEGMENT));
}

/// Builds refs for one account and region.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub partition: &'a str,
    pub account_id: &'a str,
    pub region: &'a str,
    /// Where refs already built in this region are kept; without one, each is built anew.
    pub cache: Option<&'a ResourceCache<'a>>,
}

impl<'a> Scope<'a> {
    /// An API Gateway resource addressed by its ARN path segments (`restapis`, id, ...), built
    /// anew: the label is the caller's, so it is not shared.
    pub fn apigateway(&self, segments: &[&str], label: String) -> ResourceRef {
        self.build(segments, label, &[])
    }

    /// [`Scope::apigateway`] through the region's cache, for callers whose label and tags
    /// follow from the segments alone (so whichever rule builds it first builds the same
    /// thing). The label is built and the tags merged only on the first request.
    pub fn apigateway_with(
        &self,
        segments: &[&str],
        label: impl FnOnce() -> String,
        tags: &[&BTreeMap<String, String>],
    ) -> ResourceRef {
        let Some(cache) = self.cache else {
            return self.build(segments, label(), tags);
        };
        let key = segments_hash(segments);
        // The low bits pick the shard (FNV mixes every byte into them).
        let shard = &cache.by_segments[key as usize % CACHE_SHARDS];
        let lookup = |refs: &HashMap<u64, Vec<ResourceRef>, KeyHash>| {
            refs.get(&key)
                .and_then(|v| v.iter().find(|r| arn_has_segments(&r.arn, segments)))
                .cloned()
        };
        // A poisoned lock means a rule panicked, which the engine re-raises: nothing to keep.
        if let Some(found) = lookup(&shard.lock().unwrap_or_else(|e| e.into_inner())) {
            return found;
        }
        // Built outside the lock; a rule on another thread may build the same one meanwhile,
        // and the first stored wins so every finding shares one.
        let built = self.build(segments, label(), tags);
        let mut refs = shard.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = lookup(&refs) {
            return found;
        }
        refs.entry(key).or_default().push(built.clone());
        built
    }

    /// The ref in `slot`, built on the first request (under the slot's lock: rules that walk
    /// the same objects side by side, as GW101 and GW102 do, otherwise both build most refs,
    /// and one of them in vain). Without a slot, the ref is built anew.
    fn in_slot(
        slot: Option<&OnceLock<ResourceRef>>,
        build: impl FnOnce() -> ResourceRef,
    ) -> ResourceRef {
        match slot {
            Some(slot) => slot.get_or_init(build).clone(),
            None => build(),
        }
    }

    fn rest_refs(&self, api: &RestApi) -> Option<&'a RestRefs> {
        self.cache.and_then(|c| c.rest(api))
    }

    fn build(
        &self,
        segments: &[&str],
        label: String,
        tags: &[&BTreeMap<String, String>],
    ) -> ResourceRef {
        // Sized for the text unescaped: a method's path outgrew a fixed size, and growing it
        // showed in the profile of a large scan.
        let segments_len: usize = segments.iter().map(|s| s.len() + 1).sum();
        let mut path = String::with_capacity(
            "aws///apigateway".len() + self.account_id.len() + self.region.len() + segments_len,
        );
        path.push_str("aws/");
        push_segment(&mut path, self.account_id);
        path.push('/');
        push_segment(&mut path, self.region);
        path.push_str("/apigateway");
        for s in segments {
            path.push('/');
            push_segment(&mut path, s);
        }
        let mut all_tags = BTreeMap::new();
        for t in tags {
            all_tags.extend(t.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        ResourceRef::new(ResourceId {
            arn: {
                let mut arn = String::with_capacity(
                    "arn::apigateway:::".len()
                        + self.partition.len()
                        + self.region.len()
                        + segments_len,
                );
                for part in ["arn:", self.partition, ":apigateway:", self.region, "::/"] {
                    arn.push_str(part);
                }
                for (i, s) in segments.iter().enumerate() {
                    if i > 0 {
                        arn.push('/');
                    }
                    arn.push_str(s);
                }
                arn
            },
            path,
            label,
            tags: all_tags,
        })
    }

    pub fn region_scope(&self, what: &str) -> ResourceRef {
        self.apigateway(&[what], format!("{what} in {}", self.region))
    }

    pub fn rest_api(&self, api: &RestApi) -> ResourceRef {
        let slot = self.rest_refs(api).map(|r| &r.api);
        Self::in_slot(slot, || {
            let label = [api.name.as_str(), " (", &api.id, ")"].concat();
            self.build(&["restapis", &api.id], label, &[&api.tags])
        })
    }

    pub fn rest_method(&self, api: &RestApi, resource: &Resource, method: &Method) -> ResourceRef {
        let slot = self.rest_refs(api).and_then(|refs| {
            let resources = api.resources.as_deref().unwrap_or_default();
            let r = position(resources, resource)?;
            let m = position(&resource.methods, method)?;
            refs.methods.get(refs.first_method[r] + m)
        });
        Self::in_slot(slot, || {
            let verb = &method.http_method;
            let segments = [
                "restapis",
                &api.id,
                "resources",
                &resource.id,
                "methods",
                verb,
            ];
            // Joined at its size: `format!` starting with an argument grows its string by
            // reallocation, and a label per method showed in the profile of a large scan.
            let label = [
                api.name.as_str(),
                " (",
                &api.id,
                ") ",
                verb,
                " ",
                &resource.path,
            ]
            .concat();
            self.build(&segments, label, &[&api.tags])
        })
    }

    pub fn rest_stage(&self, api: &RestApi, stage: &Stage) -> ResourceRef {
        let slot = self.rest_refs(api).and_then(|refs| {
            let i = position(api.stages.as_deref().unwrap_or_default(), stage)?;
            refs.stages.get(i)
        });
        Self::in_slot(slot, || {
            let segments = ["restapis", &api.id, "stages", &stage.stage_name];
            let label = [
                api.name.as_str(),
                " (",
                &api.id,
                ") stage ",
                &stage.stage_name,
            ]
            .concat();
            self.build(&segments, label, &[&api.tags, &stage.tags])
        })
    }
    pub fn rest_authorizer(&self, api: &RestApi, id: &str, name: &str) -> ResourceRef {
        self.apigateway_with(
            &["restapis", &api.id, "authorizers", id],
            || format!("{} ({}) authorizer {name}", api.name, api.id),
            &[&api.tags],
        )
    }

    pub fn v2_authorizer(&self, api: &V2Api, id: &str, name: &str) -> ResourceRef {
        self.apigateway_with(
            &["apis", &api.api_id, "authorizers", id],
            || format!("{} ({}) authorizer {name}", api.name, api.api_id),
            &[&api.tags],
        )
    }

    pub fn v2_api(&self, api: &V2Api) -> ResourceRef {
        self.apigateway_with(
            &["apis", &api.api_id],
            || format!("{} ({})", api.name, api.api_id),
            &[&api.tags],
        )
    }

    pub fn v2_integration(&self, api: &V2Api, integration_id: &str) -> ResourceRef {
        self.apigateway_with(
            &["apis", &api.api_id, "integrations", integration_id],
            || format!("{} ({}) integration {integration_id}", api.name, api.api_id),
            &[&api.tags],
        )
    }

    pub fn api_key(&self, key: &ApiKey) -> ResourceRef {
        let label = || match &key.name {
            Some(name) => format!("API key {name} ({})", key.id),
            None => format!("API key {}", key.id),
        };
        self.apigateway_with(&["apikeys", &key.id], label, &[&key.tags])
    }

    pub fn usage_plan(&self, plan: &UsagePlan) -> ResourceRef {
        self.apigateway_with(
            &["usageplans", &plan.id],
            || format!("usage plan {} ({})", plan.name, plan.id),
            &[],
        )
    }

    pub fn client_certificate(&self, id: &str) -> ResourceRef {
        self.apigateway_with(
            &["clientcertificates", id],
            || format!("client certificate {id}"),
            &[],
        )
    }

    /// The per-region API Gateway account settings (`GetAccount`).
    pub fn account_settings(&self) -> ResourceRef {
        self.apigateway_with(
            &["account"],
            || format!("API Gateway account settings in {}", self.region),
            &[],
        )
    }

    /// A resource known only by its ARN (an entry dropped from a list, named in a collection
    /// error).
    pub fn by_arn(&self, arn: &str) -> ResourceRef {
        match ArnFields::apigateway_path(arn) {
            Some(path) => {
                let segments: Vec<&str> = path.split('/').collect();
                self.apigateway(&segments, format!("{path} (not collected)"))
            }
            None => {
                let service = ArnFields::split(arn).map_or("aws", |f| f.service);
                self.external(service, arn, format!("{arn} (not collected)"))
            }
        }
    }

    /// A resource of another service (web ACL, log group, trail, IAM role), by its own ARN.
    pub fn external(&self, service: &str, arn: &str, label: String) -> ResourceRef {
        let name = ArnFields::split(arn).map_or(arn, |f| f.resource);
        ResourceRef::new(ResourceId {
            arn: arn.to_string(),
            path: format!(
                "aws/{}/{}/{}/{}",
                segment(self.account_id),
                segment(self.region),
                segment(service),
                name.split(['/', ':'])
                    .map(segment)
                    .collect::<Vec<_>>()
                    .join("/")
            ),
            label,
            tags: BTreeMap::new(),
        })
    }

    /// The account itself in this region, for account-wide checks (CloudTrail).
    pub fn account(&self, service: &str) -> ResourceRef {
        ResourceRef::new(ResourceId {
            arn: format!(
                "arn:{}:{service}:{}:{}:account",
                self.partition, self.region, self.account_id
            ),
            path: format!(
                "aws/{}/{}/{}/account",
                segment(self.account_id),
                segment(self.region),
                segment(service)
            ),
            label: format!("account {} in {}", self.account_id, self.region),
            tags: BTreeMap::new(),
        })
    }

    pub fn v2_route(&self, api: &V2Api, route_id: &str, route_key: &str) -> ResourceRef {
        self.apigateway_with(
            &["apis", &api.api_id, "routes", route_id],
            || [api.name.as_str(), " (", &api.api_id, ") route ", route_key].concat(),
            &[&api.tags],
        )
    }

    pub fn v2_stage(&self, api: &V2Api, stage: &V2Stage) -> ResourceRef {
        self.apigateway_with(
            &["apis", &api.api_id, "stages", &stage.stage_name],
            || {
                [
                    api.name.as_str(),
                    " (",
                    &api.api_id,
                    ") stage ",
                    &stage.stage_name,
                ]
                .concat()
            },
            &[&api.tags, &stage.tags],
        )
    }

    pub fn domain(&self, domain: &DomainName) -> ResourceRef {
        let name = &domain.domain_name;
        // A private domain is known by name and id, and may share its name with a public one:
        // two domains with one name must not share one cached ref (and its tags).
        if domain.domain_name_id.is_some() {
            return self.build(
                &["domainnames", name],
                format!("domain {name}"),
                &[&domain.tags],
            );
        }
        self.apigateway_with(
            &["domainnames", name],
            || format!("domain {name}"),
            &[&domain.tags],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eu_west_1<'a>(cache: Option<&'a ResourceCache<'a>>) -> Scope<'a> {
        Scope {
            partition: "aws",
            account_id: "123456789012",
            region: "eu-west-1",
            cache,
        }
    }

    #[test]
    fn paths_are_relative_and_escaped() {
        let scope = eu_west_1(None);
        let r = scope.apigateway(&["apis", "a1", "routes", "$connect x"], "l".into());
        assert_eq!(
            r.arn,
            "arn:aws:apigateway:eu-west-1::/apis/a1/routes/$connect x"
        );
        assert_eq!(
            r.path,
            "aws/123456789012/eu-west-1/apigateway/apis/a1/routes/%24connect%20x"
        );
    }

    #[test]
    fn a_cached_resource_is_built_once_and_shared_by_segments_alone() {
        let cache = ResourceCache::default();
        let scope = eu_west_1(Some(&cache));
        let tags = BTreeMap::from([("team".to_string(), "a".to_string())]);
        let first = scope.apigateway_with(&["restapis", "a1"], || "shop (a1)".into(), &[&tags]);
        let again = scope.apigateway_with(&["restapis", "a1"], || unreachable!(), &[]);
        assert!(Arc::ptr_eq(&first.0, &again.0));
        assert_eq!(again.tags, tags);
        // Same text once joined, different segments: still the same ARN, so the same resource.
        let joined = scope.apigateway_with(&["restapis/a1"], || unreachable!(), &[]);
        assert!(Arc::ptr_eq(&first.0, &joined.0));
        for other in [
            &["restapis", "a2"][..],
            &["restapis", "a1", "stages"],
            &["restapis"],
        ] {
            let r = scope.apigateway_with(other, || "other".into(), &[]);
            assert!(!Arc::ptr_eq(&first.0, &r.0), "{other:?}");
            assert_eq!(
                r.arn,
                format!("arn:aws:apigateway:eu-west-1::/{}", other.join("/"))
            );
        }
        // An uncached ref keeps the caller's label.
        assert_eq!(scope.apigateway(&["restapis", "a1"], "x".into()).label, "x");
    }

    /// REST APIs, stages and methods of the region have a slot each: one object is one shared
    /// ref, two stages of one name in two APIs stay apart, and an object from outside the
    /// region is still named right, built anew.
    #[test]
    fn objects_of_the_region_are_named_once() {
        let api = |id: &str| {
            serde_json::json!({
                "id": id,
                "name": format!("shop {id}"),
                "stages": [{"stage_name": "dev"}, {"stage_name": "prod"}],
                "resources": [
                    {"id": "r0", "path": "/", "methods": [{"http_method": "GET", "authorization_type": "NONE"}]},
                    {"id": "r1", "path": "/pets", "methods": [
                        {"http_method": "GET", "authorization_type": "NONE"},
                        {"http_method": "POST", "authorization_type": "NONE"}
                    ]}
                ]
            })
        };
        let region: RegionSnapshot = serde_json::from_value(serde_json::json!({
            "region": "eu-west-1",
            "rest_apis": [api("a1"), api("a2")],
        }))
        .unwrap();
        let apis = region.rest_apis.as_deref().unwrap();
        let cache = ResourceCache::of_region(&region);
        let scope = eu_west_1(Some(&cache));
        let stage = |a: usize, s: usize| &apis[a].stages.as_ref().unwrap()[s];
        let first = scope.rest_stage(&apis[0], stage(0, 1));
        assert!(Arc::ptr_eq(
            &first.0,
            &scope.rest_stage(&apis[0], stage(0, 1)).0
        ));
        assert_eq!(first.label, "shop a1 (a1) stage prod");
        let second = scope.rest_stage(&apis[1], stage(1, 1));
        assert_eq!(
            second.arn,
            "arn:aws:apigateway:eu-west-1::/restapis/a2/stages/prod"
        );
        assert_eq!(
            scope.rest_stage(&apis[0], stage(0, 0)).label,
            "shop a1 (a1) stage dev"
        );
        // The API and its stage are different objects with different refs.
        assert_eq!(
            scope.rest_api(&apis[0]).arn,
            "arn:aws:apigateway:eu-west-1::/restapis/a1"
        );
        assert!(Arc::ptr_eq(
            &scope.rest_api(&apis[0]).0,
            &scope.rest_api(&apis[0]).0
        ));
        // Methods of every resource land in their own slot.
        let resources = apis[1].resources.as_deref().unwrap();
        let mut arns = Vec::new();
        for r in resources {
            for m in &r.methods {
                let named = scope.rest_method(&apis[1], r, m);
                assert!(Arc::ptr_eq(&named.0, &scope.rest_method(&apis[1], r, m).0));
                arns.push(named.arn.clone());
            }
        }
        assert_eq!(
            arns,
            ["r0/methods/GET", "r1/methods/GET", "r1/methods/POST"]
                .map(|m| format!("arn:aws:apigateway:eu-west-1::/restapis/a2/resources/{m}"))
        );
        // A copy is not the region's object: the same names, built anew.
        let copy = apis[0].clone();
        let outside = scope.rest_stage(&copy, &copy.stages.as_ref().unwrap()[1]);
        assert_eq!(*outside, *first);
        assert!(!Arc::ptr_eq(&outside.0, &first.0));
    }

    #[test]
    fn a_position_is_only_found_for_an_element() {
        let list = [1u64, 2, 3];
        let other = 2u64;
        assert_eq!(position(&list, &list[2]), Some(2));
        assert_eq!(position(&list, &other), None);
        assert_eq!(position(&list[..0], &list[0]), None);
        assert_eq!(position(&[(); 3], &()), None);
    }

    /// A resource named only in a collection error: API Gateway ARNs by their path, others
    /// under their service, and text that is no ARN still gets a path.
    #[test]
    fn a_resource_known_by_its_arn_alone() {
        let scope = eu_west_1(None);
        let gateway = scope.by_arn("arn:aws:apigateway:eu-west-1::/domainnames/new.example.com");
        assert_eq!(gateway.label, "domainnames/new.example.com (not collected)");
        assert_eq!(
            gateway.path,
            "aws/123456789012/eu-west-1/apigateway/domainnames/new.example.com"
        );
        let acl = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/1a2b";
        assert_eq!(
            scope.by_arn(acl).path,
            "aws/123456789012/eu-west-1/wafv2/regional/webacl/edge/1a2b"
        );
        // An API Gateway ARN with an account is not one API Gateway writes: named as another
        // service's.
        let odd = "arn:aws:apigateway:eu-west-1:1:/restapis/a1";
        assert_eq!(scope.by_arn(odd).label, format!("{odd} (not collected)"));
        assert_eq!(
            scope.by_arn("not an arn").path,
            "aws/123456789012/eu-west-1/aws/not%20an%20arn"
        );
    }

    #[test]
    fn arn_segments_match_exactly() {
        let arn = "arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod";
        assert!(arn_has_segments(arn, &["restapis", "a1", "stages", "prod"]));
        assert!(!arn_has_segments(arn, &["restapis", "a1", "stages"]));
        assert!(!arn_has_segments(arn, &["restapis", "a1", "stages", "pro"]));
        assert!(!arn_has_segments(
            arn,
            &["restapis", "a1", "stages", "prod", ""]
        ));
        assert!(!arn_has_segments("arn:aws:iam::1:role/x", &["role", "x"]));
    }

    #[test]
    fn domains_sharing_a_name_keep_their_own_tags() {
        let cache = ResourceCache::default();
        let scope = eu_west_1(Some(&cache));
        let tagged = |env: &str, id: Option<&str>| DomainName {
            domain_name: "api.example.com".into(),
            domain_name_id: id.map(Into::into),
            tags: BTreeMap::from([("env".to_string(), env.to_string())]),
            ..Default::default()
        };
        let public = scope.domain(&tagged("prod", None));
        let private = scope.domain(&tagged("dev", Some("abc123")));
        assert_eq!(public.tags["env"], "prod");
        assert_eq!(private.tags["env"], "dev");
        assert_eq!(scope.domain(&tagged("prod", None)).tags["env"], "prod");
    }
}
