use std::collections::BTreeSet;

use crate::model::{
    unknown_value_reason, RawValue, RestAuthorizer, RestAuthorizerType, V2Authorizer,
    V2AuthorizerType,
};
use crate::rules::{each_part, Emitter, Finding, RegionContext, ResourceRef};

rule!(GW106, "access/GW106-lambda-authorizer-cache-unsafe.toml");

/// `authorizerResultTtlInSeconds` when the field is not set (AWS API reference, v1 and v2).
const DEFAULT_TTL: i64 = 300;

/// A method or route the authorizer guards, as its cache key can tell it apart from others.
struct Guarded {
    label: String,
    verb: String,
    path: String,
    /// `ANY` or `$default`: one route serving every HTTP method.
    any_verb: bool,
    /// A greedy `{name+}` segment or `$default`: one route serving many paths.
    any_path: bool,
    /// A `{name}` path parameter: one route template serving many concrete paths.
    templated: bool,
}

impl Guarded {
    fn rest(verb: &str, path: &str) -> Self {
        Guarded {
            label: text!("{verb} {path}"),
            verb: verb.to_string(),
            path: path.to_string(),
            any_verb: verb == "ANY",
            any_path: path.contains("+}"),
            templated: path.contains('{'),
        }
    }

    fn v2(route_key: &str) -> Self {
        match route_key.split_once(' ') {
            Some((verb, path)) if route_key != "$default" => Guarded::rest(verb, path),
            // `$default` (or a key we cannot read) catches every method and path.
            _ => Guarded {
                label: route_key.to_string(),
                verb: route_key.to_string(),
                path: route_key.to_string(),
                any_verb: true,
                any_path: true,
                templated: true,
            },
        }
    }
}

/// Which parts of the request the identity sources (the cache key) contain.
#[derive(Default)]
struct KeyParts {
    /// The concrete HTTP method.
    method: bool,
    /// The concrete request path.
    path: bool,
    /// The route template's method (v2 `routeKey`).
    route_method: bool,
    /// The route template's path (`resourcePath`, `resourceId`, `routeKey`).
    route_path: bool,
}

impl KeyParts {
    fn of(sources: &[&str], v2: bool) -> Self {
        let mut k = KeyParts::default();
        for s in sources {
            let s = s.trim().trim_start_matches('$').to_ascii_lowercase();
            match (s.as_str(), v2) {
                ("context.httpmethod", _) => k.method = true,
                ("context.path", _) => k.path = true,
                ("context.resourcepath" | "context.resourceid", false) => k.route_path = true,
                ("context.routekey", true) => {
                    k.route_method = true;
                    k.route_path = true;
                }
                _ => {}
            }
        }
        k
    }

    /// What differs between requests `guarded` lets through but the key does not record: a
    /// result cached for one of those requests is replayed for the others.
    ///
    /// A cached IAM policy is evaluated again against each request's own method or route ARN,
    /// which names the concrete path: an authorizer that scopes its policy to that ARN keeps the
    /// paths of one route apart, so a route template in the key is accepted for it. A simple
    /// response is a bare boolean that nothing re-checks: under it a templated route
    /// (`/pets/{id}`) serves many paths that only the concrete path (`context.path`) tells
    /// apart, so the `true` cached for `/pets/1` would also admit `/pets/2`.
    fn unkeyed(&self, guarded: &[Guarded], simple: bool) -> Vec<&'static str> {
        let verbs: BTreeSet<&str> = guarded.iter().map(|g| g.verb.as_str()).collect();
        let paths: BTreeSet<&str> = guarded.iter().map(|g| g.path.as_str()).collect();
        let any_verb = guarded.iter().any(|g| g.any_verb);
        let any_path = guarded
            .iter()
            .any(|g| g.any_path || (simple && g.templated));
        let verb_keyed = self.method || (self.route_method && !any_verb);
        let path_keyed = self.path || (self.route_path && !any_path);
        let mut out = Vec::new();
        if !verb_keyed && (verbs.len() > 1 || any_verb) {
            out.push("HTTP method");
        }
        if !path_keyed && (paths.len() > 1 || any_path) {
            out.push("path");
        }
        out
    }
}

struct Authorizer<'a> {
    name: &'a str,
    ttl: Option<i64>,
    sources: Vec<&'a str>,
    key: KeyParts,
    /// v2 simple responses: the cached verdict is a bare boolean, valid for any route.
    simple: Option<bool>,
}

impl<'a> Authorizer<'a> {
    fn rest(a: &'a RestAuthorizer) -> Self {
        let sources: Vec<&str> = a
            .identity_source
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        Authorizer {
            name: &a.name,
            ttl: a.authorizer_result_ttl_in_seconds,
            key: KeyParts::of(&sources, false),
            sources,
            simple: None,
        }
    }

    fn v2(a: &'a V2Authorizer) -> Self {
        let sources: Vec<&str> = a.identity_source.iter().map(String::as_str).collect();
        Authorizer {
            name: &a.name,
            ttl: a.authorizer_result_ttl_in_seconds,
            key: KeyParts::of(&sources, true),
            sources,
            simple: Some(a.enable_simple_responses.unwrap_or(false)),
        }
    }
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for (api, a) in each_part(ctx.rest_apis(out), |api| ctx.rest_authorizers(api, out)) {
        // TOKEN authorizers are keyed by the token alone by design and COGNITO ones do not
        // call a Lambda: only REQUEST authorizers choose their cache key. One of a type this
        // version does not know may.
        let target = ctx.scope.rest_authorizer(api, &a.id, &a.name);
        match &a.authorizer_type {
            RestAuthorizerType::Request => {}
            RestAuthorizerType::Unknown(raw) => {
                unknown_type(out, target, &a.name, raw, "type");
                continue;
            }
            _ => continue,
        }
        let guarded = ctx.methods_of(api).map(|methods| {
            methods
                .into_iter()
                .filter(|(_, m)| m.authorizer_id.as_deref() == Some(a.id.as_str()))
                .map(|(r, m)| Guarded::rest(&m.http_method, &r.path))
                .collect()
        });
        judge(out, target, &Authorizer::rest(a), guarded);
    }
    // WebSocket authorizers run once, on $connect, and do not cache: nothing is replayed.
    for (api, a) in each_part(ctx.http_apis(out), |api| ctx.v2_authorizers(api, out)) {
        let target = ctx.scope.v2_authorizer(api, &a.authorizer_id, &a.name);
        match &a.authorizer_type {
            V2AuthorizerType::Request => {}
            V2AuthorizerType::Unknown(raw) => {
                unknown_type(out, target, &a.name, raw, "authorizerType");
                continue;
            }
            _ => continue,
        }
        let guarded = ctx.routes_of(api).map(|routes| {
            routes
                .iter()
                .filter(|r| r.authorizer_id.as_deref() == Some(a.authorizer_id.as_str()))
                .map(|r| Guarded::v2(&r.route_key))
                .collect()
        });
        judge(out, target, &Authorizer::v2(a), guarded);
    }
}

/// An authorizer whose type this version does not know may call a Lambda with a cache key of
/// its own: not determinable.
fn unknown_type(out: &mut Emitter, target: ResourceRef, name: &str, raw: &RawValue, field: &str) {
    let why = unknown_value_reason("authorizer type", field, raw);
    out.undeterminable(target, format_args!("authorizer {name}: {why}"))
        .evidence("authorizer_type", raw);
}

/// `guarded`: the methods or routes that name the authorizer, or why they are unknown (only
/// asked when the cache key alone does not settle the verdict).
fn judge(
    out: &mut Emitter,
    target: ResourceRef,
    a: &Authorizer,
    guarded: Result<Vec<Guarded>, String>,
) {
    let name = a.name;
    let ttl = a.ttl.unwrap_or(DEFAULT_TTL);
    let (ttl_source, ttl_text) = match a.ttl {
        Some(t) => ("set on the authorizer", text!("{t} s")),
        None => (
            "not set (AWS default)",
            text!("{DEFAULT_TTL} s (TTL not set, AWS default)"),
        ),
    };
    let f = if ttl <= 0 {
        out.pass(
            target,
            format_args!("authorizer {name} does not cache results (TTL {ttl} s)"),
        )
    } else if a.key.method && a.key.path {
        out.pass(
            target,
            format_args!(
                "authorizer {name} caches results for {ttl_text} keyed on the HTTP method and path"
            ),
        )
    } else {
        match guarded {
            Err(reason) => out.unknown(
                target,
                format_args!(
                    "authorizer {name} caches results for {ttl_text} with a key that may not \
                     separate routes, and which routes it guards is unknown: {reason}"
                ),
            ),
            Ok(guarded) => judge_replay(out, target, a, &ttl_text, &guarded),
        }
    };
    f.evidence("ttl_seconds", ttl)
        .evidence("ttl_source", ttl_source)
        .evidence("identity_sources", &a.sources);
    if let Some(simple) = a.simple {
        f.evidence("simple_responses", simple);
    }
}

/// A caching authorizer whose key may not separate routes: whether a result cached for one
/// guarded request can be replayed on another.
fn judge_replay<'o>(
    out: &'o mut Emitter,
    target: ResourceRef,
    a: &Authorizer,
    ttl_text: &str,
    guarded: &[Guarded],
) -> &'o mut Finding {
    let name = a.name;
    let used_by: Vec<&str> = guarded.iter().map(|g| g.label.as_str()).collect();
    let unkeyed = a.key.unkeyed(guarded, a.simple == Some(true));
    if unkeyed.is_empty() {
        let why = match used_by.as_slice() {
            [] => "it guards no method or route (see GW104)".to_string(),
            [one] if !(a.key.route_path || a.key.route_method) => {
                text!("it guards the single route {one}")
            }
            _ => "its cache key tells apart every route it guards".to_string(),
        };
        return out
            .pass(
                target,
                text!(
                    "authorizer {name} caches results for {ttl_text}; a cached result cannot be \
                     replayed on another route: {why}"
                ),
            )
            .evidence("used_by", used_by);
    }
    let shown = used_by[..used_by.len().min(5)].join(", ");
    let more = match used_by.len().saturating_sub(5) {
        0 => String::new(),
        n => text!(" and {n} more"),
    };
    let key = if a.sources.is_empty() {
        "no identity source".to_string()
    } else {
        a.sources.join(", ")
    };
    let replay = if a.simple == Some(true) {
        "a simple response (isAuthorized: true) cached for one request is replayed for the others"
    } else {
        "a policy and context cached for one request are reused for the others"
    };
    out.fail(
        target,
        format_args!(
            "authorizer {name} caches results for {ttl_text} keyed on {key}, which cannot tell \
             apart requests that differ in {} among those it guards ({shown}{more}): {replay}",
            unkeyed.join(" or "),
        ),
    )
    .evidence("used_by", used_by)
    .evidence("not_in_cache_key", unkeyed)
}
