use serde_json::json;

use crate::analysis::exposure;
use crate::collect::operations as op;
use crate::model::{DomainName, EndpointType, ProtocolType};
use crate::rules::{Emitter, RegionContext, ResourceRef, RuleDef, Severity};

pub static RULE: RuleDef = RuleDef {
    id: "GW203",
    metadata: include_str!("../../../rules/network/GW203-default-endpoint-bypasses-domain.toml"),
    check,
};

/// What the collected custom domains say about one API.
enum Mapping<'a> {
    /// `by` map the API; `maybe_mtls` are mutual-TLS domains whose mappings are unknown and
    /// may map it too (severity is not lowered on a guess).
    Mapped {
        by: Vec<&'a DomainName>,
        maybe_mtls: Vec<&'a DomainName>,
    },
    NotMapped,
    Unknown(String),
}

fn has_mtls(d: &DomainName) -> bool {
    d.mutual_tls
        .as_ref()
        .is_some_and(|m| m.truststore_uri.is_some())
}

fn mapping<'a>(
    ctx: &RegionContext,
    domains: &'a [DomainName],
    id: &str,
    rest: bool,
) -> Mapping<'a> {
    let m = exposure::mappings(domains, id, rest);
    if !m.by.is_empty() {
        let maybe_mtls = m.unknown.into_iter().filter(|d| has_mtls(d)).collect();
        return Mapping::Mapped {
            by: m.by,
            maybe_mtls,
        };
    }
    match m.unknown.first() {
        None => Mapping::NotMapped,
        Some(d) => Mapping::Unknown(format!(
            "the mappings of custom domain {} are unknown: {}",
            d.domain_name,
            ctx.reason(
                exposure::mappings_operation(rest),
                Some(&ctx.scope.domain(d).arn)
            )
        )),
    }
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    {
        let apis = ctx.rest_apis(out);
        for api in apis {
            let target = ctx.scope.rest_api(api);
            let what = format!("REST API {} ({})", api.name, api.id);
            judge(
                ctx,
                out,
                target,
                &what,
                &api.id,
                true,
                api.disable_execute_api_endpoint,
            );
        }
    }
    {
        let apis = ctx.v2_apis(out);
        for api in apis {
            let target = ctx.scope.v2_api(api);
            let kind = match api.protocol_type {
                ProtocolType::Http => "HTTP API",
                ProtocolType::Websocket => "WebSocket API",
            };
            let what = format!("{kind} {} ({})", api.name, api.api_id);
            judge(
                ctx,
                out,
                target,
                &what,
                &api.api_id,
                false,
                api.disable_execute_api_endpoint,
            );
        }
    }
}

fn judge(
    ctx: &RegionContext,
    out: &mut Emitter,
    target: ResourceRef,
    what: &str,
    id: &str,
    rest: bool,
    disabled: bool,
) {
    let found = match ctx.complete_domain_names() {
        Some(domains) => mapping(ctx, domains, id, rest),
        None => Mapping::Unknown(format!(
            "custom domains are unknown: {}",
            ctx.reason(&op::GET_DOMAIN_NAMES, None)
        )),
    };
    match found {
        Mapping::NotMapped => {}
        // A disabled default endpoint cannot be bypassed, mapped or not: nothing to report.
        Mapping::Unknown(_) if disabled => {}
        Mapping::Unknown(why) => {
            out.unknown(
                target,
                format!(
                    "{what} keeps its default execute-api endpoint enabled and whether a custom \
                     domain maps it is unknown: {why}"
                ),
            );
        }
        Mapping::Mapped { by, maybe_mtls } => {
            let names: Vec<&str> = by.iter().map(|d| d.domain_name.as_str()).collect();
            if disabled {
                out.pass(
                    target,
                    format!(
                        "{what} has its default execute-api endpoint disabled: callers must use \
                         custom domain {}",
                        names.join(", ")
                    ),
                )
                .evidence("custom_domains", names)
                .evidence("disable_execute_api_endpoint", true);
                return;
            }
            let mtls: Vec<&str> = by
                .iter()
                .filter(|d| has_mtls(d))
                .map(|d| d.domain_name.as_str())
                .collect();
            let mut bypassed = vec!["the domain's TLS security policy".to_string()];
            if by
                .iter()
                .any(|d| d.endpoint_types.contains(&EndpointType::Private))
            {
                bypassed.push("the private domain's resource policy".to_string());
            }
            if !mtls.is_empty() {
                bypassed.push(format!("the mutual TLS of {}", mtls.join(", ")));
            }
            if !maybe_mtls.is_empty() {
                bypassed.push(format!(
                    "possibly the mutual TLS of {} (its mappings are unknown)",
                    maybe_mtls
                        .iter()
                        .map(|d| d.domain_name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let bypassed = bypassed.join(" and ");
            let f = out.fail(
                target,
                format!(
                    "{what} is mapped to custom domain {} but its default execute-api endpoint is \
                     still enabled: clients can call it directly, bypassing {bypassed}",
                    names.join(", ")
                ),
            );
            f.evidence("disable_execute_api_endpoint", false).evidence(
                "custom_domains",
                by.iter()
                    .map(|d| {
                        json!({
                            "domain_name": d.domain_name,
                            "security_policy": d.security_policy,
                            "mutual_tls": has_mtls(d),
                        })
                    })
                    .collect::<Vec<_>>(),
            );
            if !maybe_mtls.is_empty() {
                f.evidence(
                    "mutual_tls_domains_with_unknown_mappings",
                    maybe_mtls
                        .iter()
                        .map(|d| d.domain_name.as_str())
                        .collect::<Vec<_>>(),
                );
            }
            if !mtls.is_empty() || !maybe_mtls.is_empty() {
                f.raise_to(Severity::High);
            }
        }
    }
}
