//! REST method settings judged per deployed method per stage (GW305, GW306, GW308): the same
//! method can be cached or traced on one stage and not on another, so each pairing is its own
//! result.

use crate::analysis::effective::{effective, method_override, Effective, SettingSource};
use crate::model::{Method, MethodSetting, Resource, RestApi, Stage};
use crate::rules::{Emitter, Finding, RegionContext, ResourceRef};

/// One method of an API as served by one of its stages.
pub struct StageMethod<'a> {
    pub api: &'a RestApi,
    pub stage: &'a Stage,
    pub resource: &'a Resource,
    pub method: &'a Method,
}

/// API Gateway caches for 300 seconds unless told otherwise.
const DEFAULT_CACHE_TTL: i64 = 300;

impl StageMethod<'_> {
    /// AWS has no ARN for a method on a stage: the stage ARN extended with the method's own
    /// resource id and verb is unique and stable across runs.
    pub fn target(&self, ctx: &RegionContext) -> ResourceRef {
        ctx.scope.apigateway_with(
            &[
                "restapis",
                &self.api.id,
                "stages",
                &self.stage.stage_name,
                "resources",
                &self.resource.id,
                "methods",
                &self.method.http_method,
            ],
            || {
                text!(
                    "{} ({}) stage {} {} {}",
                    self.api.name,
                    self.api.id,
                    self.stage.stage_name,
                    self.method.http_method,
                    self.resource.path
                )
            },
            &[&self.api.tags, &self.stage.tags],
        )
    }

    /// `GET /pets on stage prod of REST API shop`, for messages.
    pub fn describe(&self) -> String {
        text!(
            "{} {} on stage {} of REST API {}",
            self.method.http_method,
            self.resource.path,
            self.stage.stage_name,
            self.api.name
        )
    }

    pub fn effective<T: Clone>(
        &self,
        field: impl Fn(&MethodSetting) -> Option<T>,
        default: T,
    ) -> Effective<T> {
        effective(
            self.stage,
            &self.resource.path,
            &self.method.http_method,
            field,
            default,
        )
    }

    /// How this method's responses are cached, or `None` when they are not.
    ///
    /// Caching needs three things: the stage's cache cluster (without it `cachingEnabled` is
    /// inert), `cachingEnabled`, and a TTL above 0 (AWS: TTL 0 disables caching). Only GET
    /// methods inherit the stage-wide `*/*` switch; AWS caches any other method only when its
    /// own override enables caching.
    pub fn caching(&self) -> Option<Caching> {
        if !self.stage.cache_cluster_enabled {
            return None;
        }
        let enabled = if self.method.http_method.eq_ignore_ascii_case("GET") {
            self.effective(|s| s.caching_enabled, false)
        } else {
            let (key, value) =
                method_override(self.stage, &self.resource.path, &self.method.http_method)
                    .and_then(|(key, s)| Some((key, s.caching_enabled?)))?;
            Effective {
                value,
                source: SettingSource::Method(key.clone()),
            }
        };
        let ttl = self.effective(|s| s.cache_ttl_in_seconds, DEFAULT_CACHE_TTL);
        (enabled.value && ttl.value > 0).then_some(Caching {
            enabled_by: enabled.source,
            ttl,
        })
    }
}

/// Why a method is cached: the setting that turns caching on, and the TTL in force.
pub struct Caching {
    pub enabled_by: SettingSource,
    pub ttl: Effective<i64>,
}

impl Caching {
    /// The evidence every caching rule gives: what turns caching on and the TTL in force.
    pub fn evidence<'f>(&self, f: &'f mut Finding) -> &'f mut Finding {
        f.evidence("caching_enabled_by", self.enabled_by.describe())
            .evidence("cache_ttl_in_seconds", self.ttl.value)
    }

    /// "caching on by stage setting `*/*`, TTL 300 s (service default)", for messages.
    pub fn describe(&self) -> String {
        text!(
            "caching on by {}, TTL {} s ({})",
            self.enabled_by.describe(),
            self.ttl.value,
            self.ttl.source.describe()
        )
    }
}

/// Every method of every REST API paired with every stage `wanted` selects. An API whose
/// stages or resources were not collected gets one `unknown` result naming the failed call;
/// resources are only required when some stage is wanted.
pub fn stage_methods<'a>(
    ctx: &RegionContext<'a>,
    out: &mut Emitter,
    wanted: impl Fn(&Stage) -> bool,
) -> Vec<StageMethod<'a>> {
    let mut pairs = Vec::new();
    for api in ctx.rest_apis(out) {
        let stages = ctx.stages(api, out).unwrap_or_default();
        let stages: Vec<&Stage> = stages.iter().filter(|s| wanted(s)).collect();
        if stages.is_empty() || ctx.resources(api, out).is_none() {
            continue;
        }
        for stage in stages {
            pairs.extend(api.methods().map(|(resource, method)| StageMethod {
                api,
                stage,
                resource,
                method,
            }));
        }
    }
    pairs
}

/// Every cached method with how it is cached (GW305, GW306). A stage without a cache cluster
/// caches nothing, whatever its method settings say, so its methods are not even listed.
pub fn cached_methods<'a>(
    ctx: &RegionContext<'a>,
    out: &mut Emitter,
) -> Vec<(StageMethod<'a>, Caching)> {
    let methods = stage_methods(ctx, out, |s| s.cache_cluster_enabled);
    methods
        .into_iter()
        .filter_map(|m| m.caching().map(|c| (m, c)))
        .collect()
}
