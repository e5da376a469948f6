use serde_json::json;

use super::AnyApi;
use crate::analysis::exposure;
use crate::model::{DomainName, EndpointType, UnknownCause};
use crate::operations as op;
use crate::rules::{Emitter, RegionContext, Severity};

rule!(GW203, "network/GW203-default-endpoint-bypasses-domain.toml");

/// What the collected custom domains say about one API.
enum Mapping<'a> {
    /// `by` map the API; `maybe_mtls` are mutual-TLS domains whose mappings are unknown and
    /// may map it too (severity is not lowered on a guess).
    Mapped {
        by: Vec<&'a DomainName>,
        maybe_mtls: Vec<&'a DomainName>,
    },
    NotMapped,
    Unknown(String, UnknownCause),
}

fn has_mtls(d: &DomainName) -> bool {
    d.mutual_tls
        .as_ref()
        .is_some_and(|m| m.truststore_uri.is_some())
}

fn names<'a>(domains: &[&'a DomainName]) -> Vec<&'a str> {
    domains.iter().map(|d| d.domain_name.as_str()).collect()
}

fn mapping<'a>(ctx: &RegionContext<'a>, api: AnyApi) -> Mapping<'a> {
    let rest = matches!(api, AnyApi::Rest(_));
    let Some(domains) = ctx.complete_domain_names() else {
        let reason = ctx.reason(&op::GET_DOMAIN_NAMES, None);
        return Mapping::Unknown(
            text!("custom domains are unknown: {reason}"),
            UnknownCause::NotCollected,
        );
    };
    let m = exposure::mappings(domains, api.id(), rest);
    if !m.by.is_empty() {
        let maybe_mtls = m.unknown.into_iter().filter(|d| has_mtls(d)).collect();
        return Mapping::Mapped {
            by: m.by,
            maybe_mtls,
        };
    }
    match m.unknown.first() {
        None => Mapping::NotMapped,
        Some(d) => {
            let (why, cause) = ctx.domain_undecided(d, rest);
            Mapping::Unknown(why, cause)
        }
    }
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    for api in AnyApi::all(ctx, out) {
        let target = api.target(ctx);
        let disabled = api.default_endpoint_disabled();
        match mapping(ctx, api) {
            Mapping::NotMapped => {}
            // A disabled default endpoint cannot be bypassed, mapped or not: nothing to report.
            Mapping::Unknown(..) if disabled => {}
            Mapping::Unknown(why, cause) => {
                out.unknown_because(
                    target,
                    format_args!(
                        "{api} keeps its default execute-api endpoint enabled and whether a \
                         custom domain maps it is unknown: {why}"
                    ),
                    cause,
                );
            }
            Mapping::Mapped { by, .. } if disabled => {
                out.pass(
                    target,
                    format_args!(
                        "{api} has its default execute-api endpoint disabled: callers must use \
                         custom domain {}",
                        names(&by).join(", ")
                    ),
                )
                .evidence("custom_domains", names(&by))
                .evidence("disable_execute_api_endpoint", true);
            }
            Mapping::Mapped { by, maybe_mtls } => {
                let mtls: Vec<&DomainName> = by.iter().copied().filter(|d| has_mtls(d)).collect();
                let mut bypassed = vec!["the domain's TLS security policy".to_string()];
                if by
                    .iter()
                    .any(|d| d.endpoint_types.contains(&EndpointType::Private))
                {
                    bypassed.push("the private domain's resource policy".to_string());
                }
                if !mtls.is_empty() {
                    bypassed.push(text!("the mutual TLS of {}", names(&mtls).join(", ")));
                }
                if !maybe_mtls.is_empty() {
                    bypassed.push(text!(
                        "possibly the mutual TLS of {} (its mappings are unknown)",
                        names(&maybe_mtls).join(", ")
                    ));
                }
                let f = out.fail(
                    target,
                    format_args!(
                        "{api} is mapped to custom domain {} but its default execute-api \
                         endpoint is still enabled: clients can call it directly, bypassing {}",
                        names(&by).join(", "),
                        bypassed.join(" and ")
                    ),
                );
                let domains: Vec<_> = by
                    .iter()
                    .map(|d| {
                        json!({
                            "domain_name": d.domain_name,
                            "security_policy": d.security_policy,
                            "mutual_tls": has_mtls(d),
                        })
                    })
                    .collect();
                f.evidence("disable_execute_api_endpoint", false)
                    .evidence("custom_domains", domains);
                if !maybe_mtls.is_empty() {
                    f.evidence(
                        "mutual_tls_domains_with_unknown_mappings",
                        names(&maybe_mtls),
                    );
                }
                if !mtls.is_empty() || !maybe_mtls.is_empty() {
                    f.raise_to(Severity::High);
                }
            }
        }
    }
}
