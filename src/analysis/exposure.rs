//! Whether an API can be called from the internet ("public" in the catalog).

use std::borrow::Cow;

use crate::model::{
    unknown_endpoint_type_reason, DomainName, EndpointType, RestApi, RoutingMode, RoutingRule,
    UnknownCause, V2Api,
};
use crate::operations::{self, Operation};

use super::policy::{
    analyze_invoke, parse_policy, PolicyDocument, PolicyError, PrincipalScope,
    CALLER_RESTRICTING_KEYS,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposure {
    Public(String),
    NotPublic(String),
    /// Could not be decided: data not collected, or a policy that does not parse.
    Unknown(String, UnknownCause),
}

impl Exposure {
    pub fn is_public(&self) -> bool {
        matches!(self, Exposure::Public(_))
    }

    /// Public, or possibly public: a scanner must not lower severity on a guess.
    pub fn maybe_public(&self) -> bool {
        !matches!(self, Exposure::NotPublic(_))
    }

    pub fn describe(&self) -> String {
        match self {
            Exposure::Public(why) => format!("public: {why}"),
            Exposure::NotPublic(why) => format!("not public: {why}"),
            Exposure::Unknown(why, _) => format!("exposure unknown: {why}"),
        }
    }
}

/// A REST API is public when its endpoint is EDGE or REGIONAL and its resource policy does not
/// restrict callers (no policy, or an Allow open to anyone that nothing restricts).
pub fn rest_api(api: &RestApi) -> Exposure {
    rest_api_given(api, |raw| Cow::Owned(parse_policy(raw)))
}

/// [`rest_api`], with the policy parsed by `parsed` (from the region's cache), and only when
/// the endpoint type leaves it to the policy.
pub fn rest_api_given<'p>(
    api: &RestApi,
    parsed: impl FnOnce(&str) -> Cow<'p, Result<PolicyDocument, PolicyError>>,
) -> Exposure {
    if let Some(raw) = api.unknown_endpoint_type() {
        return Exposure::Unknown(
            unknown_endpoint_type_reason(raw),
            UnknownCause::NotDeterminable,
        );
    }
    if api.is_private() {
        return Exposure::NotPublic("PRIVATE endpoint".into());
    }
    let Some(raw) = &api.policy else {
        return Exposure::Public("EDGE/REGIONAL endpoint without a resource policy".into());
    };
    let parsed = parsed(raw);
    let doc = match &*parsed {
        Ok(doc) => doc,
        Err(e) => return Exposure::Unknown(e.to_string(), UnknownCause::NotDeterminable),
    };
    let analysis = analyze_invoke(
        &doc.for_api(&api.id),
        PrincipalScope::Anyone,
        CALLER_RESTRICTING_KEYS,
    );
    if let Some(grant) = analysis.open.first() {
        return Exposure::Public(format!(
            "resource policy statement {} allows anyone to invoke",
            grant.statement
        ));
    }
    match analysis.restricted.first() {
        Some(r) => Exposure::NotPublic(format!("resource policy restricts callers ({})", r.by)),
        None => {
            Exposure::NotPublic("resource policy grants invoke to named principals only".into())
        }
    }
}

/// What the collected custom domains say about one API: the domains that map it, and those
/// of which it is unknown whether they route to it (see [`undecided`] for why), those whose
/// mappings or rules were not collected first.
pub struct Mappings<'d> {
    pub by: Vec<&'d DomainName>,
    pub unknown: Vec<&'d DomainName>,
}

/// The call whose failure leaves it unknown whether domain `d` routes to a REST (`rest`) or v2
/// API: its mappings when they route and were not collected, otherwise its routing rules.
pub fn missing_operation(d: &DomainName, rest: bool) -> &'static Operation {
    if RoutingMode::uses_mappings(d.routing_mode.as_ref()) && !mappings_known(d, rest) {
        if rest {
            &operations::GET_BASE_PATH_MAPPINGS
        } else {
            &operations::GET_API_MAPPINGS
        }
    } else {
        &operations::LIST_ROUTING_RULES
    }
}

/// Why it is unknown whether a domain of [`Mappings::unknown`] routes to the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undecided<'d> {
    /// Its mappings or routing rules were not collected: the call whose data is missing.
    NotCollected(&'static Operation),
    /// A routing rule (this id) whose action this version does not know: it may invoke the
    /// API, whatever the other rules say.
    UnknownAction(&'d str),
}

/// Why it is unknown whether domain `d` (one of [`Mappings::unknown`]) routes to an API.
pub fn undecided(d: &DomainName, rest: bool) -> Undecided<'_> {
    if !collected(d, rest) {
        return Undecided::NotCollected(missing_operation(d, rest));
    }
    match unknown_action(d) {
        Some(rule) => Undecided::UnknownAction(&rule.routing_rule_id),
        None => Undecided::NotCollected(missing_operation(d, rest)),
    }
}

impl Undecided<'_> {
    /// For messages: `the routing rules of custom domain d.example.com were not collected`.
    pub fn describe(&self, d: &DomainName) -> String {
        match self {
            Undecided::NotCollected(op) => format!(
                "the {} of custom domain {} were not collected",
                if **op == operations::LIST_ROUTING_RULES {
                    "routing rules"
                } else {
                    "mappings"
                },
                d.domain_name
            ),
            Undecided::UnknownAction(rule) => format!(
                "routing rule {rule} of custom domain {} has an action this gwaudit version \
                 does not know (it may invoke any API)",
                d.domain_name
            ),
        }
    }
}

/// API mappings (v2 `GetApiMappings`) list every mapping of a public domain, REST APIs
/// included; base path mappings (v1) list the REST APIs. So a REST API's mappings are known
/// from either list, a v2 API's only from the API mappings. Private domains are never asked for
/// API mappings (they serve only REST APIs) and carry an empty list that says nothing: there
/// only the base path mappings count.
fn mappings_known(d: &DomainName, rest: bool) -> bool {
    let private = d.endpoint_types.contains(&EndpointType::Private);
    if rest {
        d.base_path_mappings.is_some() || (d.api_mappings.is_some() && !private)
    } else {
        d.api_mappings.is_some()
    }
}

/// Whether everything that routes requests on domain `d` (its mappings, its rules, as its
/// routing mode uses them) was collected.
fn collected(d: &DomainName, rest: bool) -> bool {
    let mode = d.routing_mode.as_ref();
    (!RoutingMode::uses_mappings(mode) || mappings_known(d, rest))
        && (!RoutingMode::uses_rules(mode) || d.routing_rules.is_some())
}

/// A routing rule of domain `d` whose action this version does not know, when the domain's
/// mode uses its rules.
fn unknown_action(d: &DomainName) -> Option<&RoutingRule> {
    if !RoutingMode::uses_rules(d.routing_mode.as_ref()) {
        return None;
    }
    d.routing_rules
        .iter()
        .flatten()
        .find(|r| r.has_unknown_action())
}

/// Whether a routing rule of domain `d` invokes API `id` (whatever the domain's mode).
fn routes_by_rule(d: &DomainName, id: &str) -> bool {
    d.routing_rules
        .iter()
        .flatten()
        .flat_map(|r| r.invoked())
        .any(|i| i.api_id == id)
}

/// Which domains route requests to API `id`: through a mapping (a base path mapping naming
/// it counts for v2 APIs too), unless the domain's routing mode ignores mappings, or through a
/// routing rule that invokes it, when the mode uses rules. A domain whose routing was not
/// all collected, or with a rule whose action this version does not know, may route to it:
/// never assumed not to.
pub fn mappings<'d>(domains: &'d [DomainName], id: &str, rest: bool) -> Mappings<'d> {
    let mut m = Mappings {
        by: Vec::new(),
        unknown: Vec::new(),
    };
    let mut unknown_actions = Vec::new();
    for d in domains {
        let mode = d.routing_mode.as_ref();
        let (by_mappings, by_rules) = (
            RoutingMode::uses_mappings(mode),
            RoutingMode::uses_rules(mode),
        );
        let mapped = by_mappings
            && (d
                .base_path_mappings
                .iter()
                .flatten()
                .any(|x| x.rest_api_id == id)
                || d.api_mappings.iter().flatten().any(|x| x.api_id == id));
        let routed = by_rules && routes_by_rule(d, id);
        if mapped || routed {
            m.by.push(d);
        } else if !collected(d, rest) {
            m.unknown.push(d);
        } else if unknown_action(d).is_some() {
            unknown_actions.push(d);
        }
    }
    // What a rescan may settle is named first.
    m.unknown.extend(unknown_actions);
    m
}

/// The collection whose absence left an exposure undecided, so a rule can cite the failed
/// call without re-deriving the decision.
#[derive(Debug, Clone, Copy)]
pub enum Missing<'a> {
    /// The region's custom domains (`GetDomainNames`).
    DomainNames,
    /// Whether this domain routes to the API (`operation` is `GetBasePathMappings`,
    /// `GetApiMappings` or `ListRoutingRules`).
    Mappings {
        domain: &'a DomainName,
        operation: &'static Operation,
    },
}

/// Reachable through the default endpoint (unless `disabled`) or a custom domain mapping API
/// `id` (`rest`: a REST API).
fn reachable<'d>(
    id: &str,
    rest: bool,
    disabled: bool,
    domains: Option<&'d [DomainName]>,
) -> (Exposure, Option<Missing<'d>>) {
    if !disabled {
        return (
            Exposure::Public("default execute-api endpoint enabled".into()),
            None,
        );
    }
    let Some(domains) = domains else {
        return (
            Exposure::Unknown(
                "default endpoint disabled and custom domains were not collected".into(),
                UnknownCause::NotCollected,
            ),
            Some(Missing::DomainNames),
        );
    };
    let m = mappings(domains, id, rest);
    if let Some(d) = m.by.first() {
        return (
            Exposure::Public(format!(
                "default endpoint disabled, but {}",
                if RoutingMode::uses_rules(d.routing_mode.as_ref()) && routes_by_rule(d, id) {
                    format!(
                        "a routing rule of custom domain {} invokes it",
                        d.domain_name
                    )
                } else {
                    format!("mapped to custom domain {}", d.domain_name)
                }
            )),
            None,
        );
    }
    match m.unknown.first() {
        Some(d) => match undecided(d, rest) {
            Undecided::NotCollected(operation) => (
                Exposure::Unknown(
                    format!(
                        "default endpoint disabled and {}",
                        Undecided::NotCollected(operation).describe(d)
                    ),
                    UnknownCause::NotCollected,
                ),
                Some(Missing::Mappings {
                    domain: d,
                    operation,
                }),
            ),
            why @ Undecided::UnknownAction(_) => (
                Exposure::Unknown(
                    format!("default endpoint disabled and {}", why.describe(d)),
                    UnknownCause::NotDeterminable,
                ),
                None,
            ),
        },
        None => (
            Exposure::NotPublic("default endpoint disabled and no custom domain maps it".into()),
            None,
        ),
    }
}

/// Whether a REST API can actually be called from the internet: public as above, and reachable
/// through its default endpoint or a custom domain. The catalog's "public" (used to raise
/// severity) ignores a disabled default endpoint; an inventory of reachable APIs must not.
/// `policy` is [`rest_api`] of `api`, which the caller may have worked out once for many uses.
pub fn rest_api_reachable<'d>(
    api: &RestApi,
    policy: Exposure,
    domains: Option<&'d [DomainName]>,
) -> (Exposure, Option<Missing<'d>>) {
    if !policy.is_public() || !api.disable_execute_api_endpoint {
        return (policy, None);
    }
    reachable(&api.id, true, true, domains)
}

/// HTTP and WebSocket APIs are always regional and internet-facing while their default
/// endpoint is enabled or a custom domain maps them.
pub fn v2_api<'d>(
    api: &V2Api,
    domains: Option<&'d [DomainName]>,
) -> (Exposure, Option<Missing<'d>>) {
    reachable(
        &api.api_id,
        false,
        api.disable_execute_api_endpoint,
        domains,
    )
}
